import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import Dataframer, {
  APIUserAbortError,
  ConflictError,
  datasetNameFor,
  type Model,
  type Run,
  type SeedDataset,
} from '@openframer/sdk';
import { Command } from 'commander';
import { UsageError } from '../exit-codes.js';
import { ProgressReporter } from '../progress.js';
import { globalOptions, interruptSignal, makeClient, output, positiveInt } from '../session.js';
import { checkedPlan } from './datasets.js';
import { shownPath } from './runs.js';

const STATISTICAL = 'openframer/statistical';
/** The server's defaults (DataFramer's): used when the server can call them. */
const PREFERRED = { spec: 'anthropic/claude-sonnet-4-6-thinking', generation: 'anthropic/claude-sonnet-4-6' };

interface GenerateOptions {
  samples: number;
  output: string;
  model?: string;
  specModel?: string;
  name?: string;
}

export interface ModelChoice {
  spec: string;
  generation: string;
}

/**
 * Picks the models for each stage. An explicit --model is used for generation, and for the spec when
 * it can write specs. Otherwise: DataFramer's default when the server can call it, else the first model
 * the server can call for the stage, else the offline statistical engine (no provider key configured).
 */
export function chooseModels(models: Model[], opts: { model?: string; specModel?: string }): ModelChoice {
  const callable = (stage: 'spec' | 'generation') =>
    models.filter((m) => m.available && !m.offline && m.supported_for.includes(stage));
  const pick = (stage: 'spec' | 'generation') => {
    const usable = callable(stage);
    return usable.find((m) => m.id === PREFERRED[stage])?.id ?? usable[0]?.id ?? STATISTICAL;
  };
  const explicit = opts.model ? models.find((m) => m.id === opts.model) : undefined;
  const generation = opts.model ?? pick('generation');
  const spec =
    opts.specModel ??
    (opts.model && (explicit?.supported_for.includes('spec') ?? true) ? opts.model : pick('spec'));
  return { spec, generation };
}

/** A name not yet used: the seed's name plus the time, with a random tail if that is taken too. */
function uniqueName(base: string, attempt: number): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '')
    .replace('T', '-');
  return attempt === 0 ? `${base}-${stamp}` : `${base}-${stamp}-${randomBytes(3).toString('hex')}`;
}

async function withUniqueName<T>(
  base: string,
  fixed: boolean,
  create: (name: string) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await create(fixed ? base : uniqueName(base, attempt));
    } catch (err) {
      if (fixed || attempt >= 2 || !(err instanceof ConflictError)) throw err;
    }
  }
}

interface Target {
  client: Dataframer;
  /** Set when the server runs in this process: stops it. */
  stop?: () => Promise<void>;
  where: string;
}

/** No URL given anywhere: start the server here on the embedded defaults, with a key of its own. */
async function inProcessServer(note: (text: string) => void): Promise<Target> {
  const { loadConfig, startServer, ConfigError } = await import('@openframer/server');
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({
      ...process.env,
      OPENFRAMER_HOST: '127.0.0.1',
      OPENFRAMER_PORT: '0',
      // The server's log would mix into stdout; failures reach us through the API instead.
      OPENFRAMER_LOG_LEVEL: 'silent',
      // Download links must point at this process, not at a public address meant for another server.
      OPENFRAMER_PUBLIC_URL: '',
    });
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
  const server = await startServer(config);
  try {
    // The server's rule wants a dot in the domain, hence not plain "local@localhost".
    const issued = await server.ctx.services.auth.createKey({
      company: 'local',
      email: 'local@openframer.localhost',
      origin: 'cli',
    });
    note(`started an in-process server (data in ${config.dataDir})`);
    return {
      client: new Dataframer({ apiKey: issued.api_key, baseURL: server.url }),
      stop: () => server.close(),
      where: 'in-process',
    };
  } catch (err) {
    await server.close();
    throw err;
  }
}

function describeDataset(d: SeedDataset): string {
  const parts = [`${d.file_count} file${d.file_count === 1 ? '' : 's'}`];
  if (d.folder_count) parts.push(`${d.folder_count} folders`);
  const records = d.files.reduce((n, f) => n + (f.record_count ?? 0), 0);
  if (d.dataset_type === 'SINGLE_FILE' && records) parts.push(`${records} records`);
  return `${d.name} (${d.dataset_type}, ${parts.join(', ')})`;
}

export function generateCommand(): Command {
  return new Command('generate')
    .description('Seed to synthetic data in one go: upload, work out a spec, generate, download')
    .argument('<seed>', 'a CSV/JSON/JSONL file, a folder of files, a folder of folders, or a .zip')
    .requiredOption('-n, --samples <n>', 'number of samples to generate', positiveInt)
    .requiredOption('-o, --output <dir>', 'folder for the generated files (created if needed)')
    .option('--model <id>', 'model for generation (and the spec, if it can write specs)')
    .option('--spec-model <id>', 'model for the spec only')
    .option('--name <name>', 'name for the dataset and spec (default: the seed name plus the time)')
    .addHelpText(
      'after',
      `
Without --base-url (or OPENFRAMER_BASE_URL / DATAFRAMER_BASE_URL) the server runs inside this command on
the embedded defaults (SQLite and files in OPENFRAMER_DATA_DIR, default ./.openframer), and stops at the
end. With no provider key configured, the offline engine openframer/statistical does the work.

Progress goes to stderr; the last line on stdout is the output folder.

Examples:
  openframer generate examples/insurance-claims.csv -n 200 -o out/
  ANTHROPIC_API_KEY=... openframer generate examples/support-tickets -n 20 -o tickets/
  openframer generate examples/patient-records -n 10 -o patients/ --model openai/gpt-4.1
  openframer --base-url http://127.0.0.1:8000 generate claims.csv -n 1000 -o out/`,
    )
    .action(async (seed: string, opts: GenerateOptions, cmd: Command) => {
      const globals = globalOptions(cmd);
      const out = output(Boolean(globals.json));
      const signal = interruptSignal();
      await checkedPlan(seed);
      const remote =
        globals.baseUrl || process.env.OPENFRAMER_BASE_URL?.trim() || process.env.DATAFRAMER_BASE_URL?.trim();
      const target: Target = remote
        ? { client: makeClient(globals), where: remote }
        : await inProcessServer(out.note);
      const { client } = target;
      let runId: string | undefined;
      try {
        const { models } = await client.dataframer.models.list({ signal });
        const chosen = chooseModels(models, opts);
        if (chosen.spec === STATISTICAL && chosen.generation === STATISTICAL && !opts.model) {
          out.note('no model provider is configured: using the offline engine openframer/statistical');
        }

        const base = opts.name ?? datasetNameFor(seed);
        const dataset = await withUniqueName(base, Boolean(opts.name), (name) =>
          client.dataframer.seedDatasets.createFromPath(seed, { name }, { signal }),
        );
        out.note(`uploaded dataset ${describeDataset(dataset)}`);

        const progress = new ProgressReporter();
        let specId: string;
        try {
          const created = await client.dataframer.specs.create(
            { name: dataset.name, dataset_id: dataset.id, spec_generation_model_name: chosen.spec },
            { signal },
          );
          specId = created.id;
          out.note(`working out the spec with ${chosen.spec}`);
          await client.waitFor(created, { onProgress: progress.update, signal });
        } finally {
          progress.finish();
        }

        const run = await client.dataframer.runs.create(
          { spec_id: specId, number_of_samples: opts.samples, generation_model: chosen.generation },
          { signal },
        );
        runId = run.id;
        out.note(`generating ${opts.samples} samples with ${chosen.generation}`);
        const runProgress = new ProgressReporter();
        let finished: Run;
        try {
          finished = await client.waitFor(run, { onProgress: runProgress.update, signal });
        } finally {
          runProgress.finish();
        }

        const downloaded = await client.dataframer.runs.downloadTo(run.id, opts.output, { signal });
        for (const file of downloaded.files) out.note(`  ${file}`);
        const summary = {
          dataset_id: dataset.id,
          spec_id: specId,
          run_id: run.id,
          models: chosen,
          server: target.where,
          samples_completed: finished.samples_completed,
          samples_failed: finished.samples_failed,
          total_cost: finished.total_cost,
          directory: resolve(downloaded.directory),
          files: downloaded.files,
        };
        out.result(summary, () => {
          out.note(
            `${finished.samples_completed} samples (${finished.samples_failed} failed) from run ${run.id}, written to:`,
          );
          out.line(shownPath(downloaded.directory));
        });
      } catch (err) {
        // Interrupted while the server runs here: stop the run so closing the server does not wait for it.
        if (err instanceof APIUserAbortError && target.stop && runId) {
          await client.dataframer.runs.cancel(runId).catch(() => {});
        } else if (err instanceof APIUserAbortError && runId) {
          out.note(`the run continues on the server: openframer runs get ${runId}`);
        }
        throw err;
      } finally {
        await target.stop?.();
      }
    });
}
