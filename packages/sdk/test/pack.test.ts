// The package as npm publishes it: `npm pack` (whose prepack builds dist/), extracted into a project outside
// the monorepo and used from plain Node (no tsx, no "@openframer/source" condition) and from tsc.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REPO_ROOT, startTestServer, type TestServer } from '../../cli/test/support.js';

// npm pack compiles the SDK; the server's first start compiles its sources through tsx.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 180_000 });

const run = promisify(execFile);
const TSC = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');

interface PackedPackage {
  name: string;
  version: string;
  exports: Record<string, Record<string, string> | string>;
  files?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

let work: string;
let consumer: string;
let tarballFiles: string[];
let pkg: PackedPackage;
let t: TestServer;

/** The environment of a plain `node`: nothing that would add loaders or conditions. */
function plainEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  return env;
}

/** Runs a script file with plain node in the consumer project; returns its stdout. */
async function node(file: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(process.execPath, [file], { cwd: consumer, env: plainEnv(env) });
  return stdout;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'openframer-sdk-pack-'));
  const packed = await run(
    'npm',
    ['pack', '-w', '@openframer/sdk', '--pack-destination', work, '--json', '--no-audit', '--no-fund'],
    { cwd: REPO_ROOT, env: plainEnv(), maxBuffer: 16 * 1024 * 1024 },
  );
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarballFiles = info!.files.map((f) => f.path).sort();

  // A project outside the monorepo: the tarball extracted into its node_modules, next to links to the
  // declared dependencies alone (from the root node_modules; no registry needed).
  consumer = join(work, 'consumer');
  const sdkDir = join(consumer, 'node_modules/@openframer/sdk');
  await mkdir(join(consumer, 'node_modules/@openframer'), { recursive: true });
  await run('tar', ['-xzf', join(work, info!.filename), '-C', work]);
  await rename(join(work, 'package'), sdkDir);
  pkg = JSON.parse(await readFile(join(sdkDir, 'package.json'), 'utf8')) as PackedPackage;
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    await symlink(join(REPO_ROOT, 'node_modules', dep), join(consumer, 'node_modules', dep), 'dir');
  }
  await writeFile(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'sdk-consumer', private: true, type: 'module' }),
  );

  t = await startTestServer();
});

afterAll(async () => {
  await t?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the npm tarball of @openframer/sdk', () => {
  it('holds the compiled JS, declarations and source maps, the README, and no tests', () => {
    for (const file of [
      'package.json',
      'README.md',
      'dist/index.js',
      'dist/index.js.map',
      'dist/index.d.ts',
      'dist/index.d.ts.map',
      'dist/client.js',
      'dist/lib/unzip.js',
    ]) {
      expect(tarballFiles).toContain(file);
    }
    expect(tarballFiles.filter((f) => /\.test\.|(^|\/)test\/|tsconfig/.test(f))).toEqual([]);
    expect(tarballFiles.every((f) => /^(dist|src)\/|^(package\.json|README\.md|LICENSE)$/.test(f))).toBe(
      true,
    );
  });

  it('exports dist/ for types and import, and declares what the compiled code imports, nothing else', async () => {
    const root = pkg.exports['.'] as Record<string, string>;
    expect(root.types).toBe('./dist/index.d.ts');
    expect(root.import).toBe('./dist/index.js');
    for (const target of Object.values(root)) expect(tarballFiles).toContain(target.replace(/^\.\//, ''));
    expect(pkg.devDependencies).toBeUndefined();

    // Every bare specifier of the compiled JS (not node: built-ins, not relative) is a declared dependency.
    const sdkDir = join(consumer, 'node_modules/@openframer/sdk');
    const imported = new Set<string>();
    for (const file of tarballFiles.filter((f) => f.startsWith('dist/') && f.endsWith('.js'))) {
      const code = await readFile(join(sdkDir, file), 'utf8');
      for (const m of code.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/g)) {
        const spec = m[1]!;
        if (spec.startsWith('.') || spec.startsWith('node:')) continue;
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    expect([...imported].sort()).toEqual(Object.keys(pkg.dependencies ?? {}).sort());
  });

  it('is plain ESM for Node: imports, constructs, and talks to a real server', async () => {
    await writeFile(
      join(consumer, 'esm.mjs'),
      `import Dataframer, * as sdk from '@openframer/sdk';
const out = {
  resolved: import.meta.resolve('@openframer/sdk'),
  sameClass: Dataframer === sdk.Dataframer,
  version: sdk.VERSION,
  errorClasses: ['DataframerError', 'APIError', 'AuthenticationError', 'NotFoundError', 'JobFailedError']
    .filter((name) => typeof sdk[name] === 'function'),
  apiErrorIsDataframerError: sdk.APIError.prototype instanceof sdk.DataframerError,
};
const client = new Dataframer({ apiKey: process.env.KEY, baseURL: process.env.URL, maxRetries: 0 });
out.health = await client.dataframer.health.check();
out.models = (await client.dataframer.models.list()).models.map((m) => m.id);
try {
  await client.withOptions({ apiKey: 'of_wrong' }).dataframer.models.list();
} catch (err) {
  out.wrongKey = { authError: err instanceof sdk.AuthenticationError, status: err.status };
}
console.log(JSON.stringify(out));
`,
    );
    const out = JSON.parse(await node('esm.mjs', { URL: t.url, KEY: t.keyA })) as Record<string, unknown>;
    expect(out.resolved).toBe(
      new URL(`file://${join(consumer, 'node_modules/@openframer/sdk/dist/index.js')}`).href,
    );
    expect(out.sameClass).toBe(true);
    expect(out.version).toBe(pkg.version);
    expect(out.errorClasses).toEqual([
      'DataframerError',
      'APIError',
      'AuthenticationError',
      'NotFoundError',
      'JobFailedError',
    ]);
    expect(out.apiErrorIsDataframerError).toBe(true);
    expect(out.health).toMatchObject({ status: expect.any(String) });
    expect(out.models).toContain('openframer/statistical');
    expect(out.wrongKey).toEqual({ authError: true, status: 401 });
  });

  it('loads with require() too (Node 20.19+ requires ES modules)', async () => {
    await writeFile(
      join(consumer, 'cjs.cjs'),
      `const sdk = require('@openframer/sdk');
const client = new sdk.Dataframer({ apiKey: 'k', baseURL: 'http://127.0.0.1:1' });
console.log(JSON.stringify({ default: sdk.default === sdk.Dataframer, baseURL: client.baseURL }));
`,
    );
    expect(JSON.parse(await node('cjs.cjs'))).toEqual({ default: true, baseURL: 'http://127.0.0.1:1' });
  });

  it('type-checks a TypeScript consumer against the packed declarations', async () => {
    await writeFile(
      join(consumer, 'consumer.ts'),
      `import Dataframer, { AuthenticationError, type Model, type Run, VERSION } from '@openframer/sdk';

const client = new Dataframer({ apiKey: 'k', baseURL: 'http://127.0.0.1:1' });
export async function names(): Promise<string[]> {
  const { models }: { models: Model[] } = await client.dataframer.models.list();
  return models.map((m) => m.id);
}
export async function samples(id: string): Promise<number> {
  const run: Run = await client.dataframer.runs.retrieve(id);
  return run.number_of_samples;
}
export function create(specId: string) {
  // @ts-expect-error number_of_samples is a number: the declarations are real types, not any
  return client.dataframer.runs.create({ spec_id: specId, number_of_samples: 'many' });
}
export const isAuth = (e: unknown): boolean => e instanceof AuthenticationError;
export const version: string = VERSION;
`,
    );
    // CommonJS TypeScript may import it too (TypeScript 5.8+ with module nodenext).
    await writeFile(
      join(consumer, 'consumer.cts'),
      `import { Dataframer } from '@openframer/sdk';
export const client: Dataframer = new Dataframer({ apiKey: 'k' });
`,
    );
    await writeFile(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2023',
          lib: ['ES2023'],
          strict: true,
          noEmit: true,
          types: ['node'],
          typeRoots: [join(REPO_ROOT, 'node_modules/@types')],
        },
        files: ['consumer.ts', 'consumer.cts'],
      }),
    );
    const tsc = await run(process.execPath, [TSC, '-p', 'tsconfig.json', '--traceResolution'], {
      cwd: consumer,
      env: plainEnv(),
      maxBuffer: 64 * 1024 * 1024,
    }).catch((err: { stdout?: string }) => {
      throw new Error(
        `tsc failed:\n${(err.stdout ?? '')
          .split('\n')
          .filter((l) => /error TS/.test(l))
          .join('\n')}`,
      );
    });
    expect(tsc.stdout).toContain(
      `'@openframer/sdk' was successfully resolved to '${join(consumer, 'node_modules/@openframer/sdk/dist/index.d.ts')}'`,
    );
    expect(tsc.stdout).not.toContain('/src/index.ts');
  });
});
