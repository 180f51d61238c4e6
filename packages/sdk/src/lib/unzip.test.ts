import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { DataframerError } from '../core/errors.js';
import { extractZip, unsafeEntryName } from './unzip.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openframer-unzip-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function zipOf(
  entries: { name: string; content: string; mode?: number }[],
  rename?: [string, string],
): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(Buffer.from(e.content), e.name, e.mode ? { mode: e.mode } : {});
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  let bytes = Buffer.concat(chunks);
  if (rename) {
    // yazl refuses unsafe names, so an attacker's archive is made by renaming in place (same length).
    const [from, to] = rename.map((s) => Buffer.from(s));
    let at = bytes.indexOf(from!);
    while (at !== -1) {
      to!.copy(bytes, at);
      at = bytes.indexOf(from!, at + 1);
    }
    bytes = Buffer.from(bytes);
  }
  const path = join(dir, `${Math.random().toString(36).slice(2)}.zip`);
  await writeFile(path, bytes);
  return path;
}

describe('extractZip', () => {
  it('extracts files and folders and lists them', async () => {
    const zip = await zipOf([
      { name: 'samples.csv', content: 'a,b\n1,2\n' },
      { name: 'sample_1/notes.txt', content: 'hello' },
    ]);
    const target = join(dir, 'ok');
    expect((await extractZip(zip, target)).sort()).toEqual(['sample_1/notes.txt', 'samples.csv']);
    expect(await readFile(join(target, 'sample_1/notes.txt'), 'utf8')).toBe('hello');
  });

  it('refuses an entry that climbs out with "..", and writes nothing outside', async () => {
    const zip = await zipOf([{ name: 'zz/evil.txt', content: 'pwned' }], ['zz/evil.txt', '../evil.txt']);
    const target = join(dir, 'inner', 'target');
    await expect(extractZip(zip, target)).rejects.toBeInstanceOf(DataframerError);
    expect(existsSync(join(dir, 'inner', 'evil.txt'))).toBe(false);
  });

  it('refuses symbolic links', async () => {
    const zip = await zipOf([{ name: 'link', content: '/etc/passwd', mode: 0o120777 }]);
    await expect(extractZip(zip, join(dir, 'links'))).rejects.toThrow(/symbolic link/);
  });

  it('says why a name is unsafe', () => {
    expect(unsafeEntryName('a/../../b')).toBe('a ".." segment');
    expect(unsafeEntryName('/etc/x')).toBe('an absolute path');
    expect(unsafeEntryName('C:\\x')).toBe('an absolute path');
    expect(unsafeEntryName('..\\x')).toBe('a ".." segment');
    expect(unsafeEntryName('ok/fine.txt')).toBeUndefined();
  });
});
