import { relative } from 'node:path';
import type Dataframer from '@openframer/sdk';
import type { DownloadedRun, Run, RunCreateParams } from '@openframer/sdk';
import { Command, InvalidArgumentError } from 'commander';
import { bytes, dollars, record, table } from '../format.js';
import { ProgressReporter } from '../progress.js';
import { nonNegativeInt, positiveInt, session } from '../session.js';

const LIST_COLUMNS = [
  'id',
  'status',
  'spec_name',
  'number_of_samples',
  'samples_completed',
  'samples_failed',
  'created_at',
];

export function printRun(run: Run, line: (text?: string) => void): void {
  line(
    record({ ...run, cost: dollars(run.total_cost), model: run.runtime_params.generation_model }, [
      'id',
      'status',
      'spec_id',
      'spec_name',
      'spec_version',
      'dataset_name',
      'dataset_type',
      'model',
      'number_of_samples',
      'samples_completed',
      'samples_failed',
      'cost',
      'created_at',
      'completed_at',
      'error',
    ]),
  );
  if (run.generated_files.length > 0) {
    line();
    line(
      table(
        run.generated_files.map((f) => ({ ...f, size: bytes(f.size_bytes) })),
        ['id', 'path', 'size'],
      ),
    );
  }
}

/** How a download directory is shown: relative when under the working directory, as people typed it. */
export function shownPath(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel === '' ? '.' : rel.startsWith('..') ? dir : rel;
}

/** Waits for a run with a progress line on stderr; resolves with the SUCCEEDED run, throws JobFailedError otherwise. */
export async function followRun(client: Dataframer, runId: string, signal: AbortSignal): Promise<Run> {
  const progress = new ProgressReporter();
  try {
    return await client.dataframer.runs.waitFor(runId, { onProgress: progress.update, signal });
  } finally {
    progress.finish();
  }
}

export async function downloadRun(
  client: Dataframer,
  runId: string,
  dir: string,
  signal: AbortSignal,
  note: (text: string) => void,
): Promise<DownloadedRun> {
  note(`downloading run ${runId} into ${dir}`);
  return client.dataframer.runs.downloadTo(runId, dir, { signal });
}

/** `--set key=value`: any other run parameter; the value is read as JSON when it parses, else as text. */
function collectSet(value: string, previous: Record<string, unknown>): Record<string, unknown> {
  const eq = value.indexOf('=');
  if (eq < 1) throw new InvalidArgumentError('expected key=value, e.g. enable_revisions=true');
  const raw = value.slice(eq + 1);
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Plain text, e.g. a model id.
  }
  return { ...previous, [value.slice(0, eq)]: parsed };
}

interface CreateOptions {
  spec: string;
  samples: number;
  specVersion?: number;
  model?: string;
  set: Record<string, unknown>;
  wait?: boolean;
  output?: string;
}

export function runsCommand(): Command {
  const runs = new Command('runs').description('Generation runs: samples made from a spec');

  runs
    .command('create')
    .description('Start generating samples from a SUCCEEDED spec')
    .requiredOption('--spec <id>', 'spec id')
    .requiredOption('-n, --samples <n>', 'number of samples (1-20000)', positiveInt)
    .option('--spec-version <n>', 'spec version (default: the latest)', positiveInt)
    .option('--model <id>', 'generation model (see `openframer models`)')
    .option(
      '--set <key=value>',
      'any other run parameter, repeatable (e.g. --set enable_revisions=true)',
      collectSet,
      {},
    )
    .option('--wait', 'wait for the run to end, showing progress; exit 4 if it fails or is canceled')
    .option('-o, --output <dir>', 'with --wait: download and unzip the files into this folder')
    .addHelpText(
      'after',
      `
Examples:
  openframer runs create --spec 3fa85f64-... -n 100 --wait
  openframer runs create --spec 3fa85f64-... -n 500 --model openframer/statistical --wait -o out/
  openframer runs create --spec 3fa85f64-... -n 50 --set enable_revisions=true --set max_revision_cycles=2`,
    )
    .action(async (opts: CreateOptions, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      const body = {
        ...opts.set,
        spec_id: opts.spec,
        number_of_samples: opts.samples,
        ...(opts.specVersion && { spec_version: opts.specVersion }),
        ...(opts.model && { generation_model: opts.model }),
      } as RunCreateParams;
      const created = await client.dataframer.runs.create(body, { signal });
      if (!opts.wait) {
        if (opts.output) out.note('--output needs --wait; download later with `openframer runs download`');
        out.result(created, () => {
          out.line(created.id);
          out.note(`run ${created.id} started; follow it with: openframer runs get ${created.id}`);
        });
        return;
      }
      const run = await followRun(client, created.id, signal);
      const downloaded = opts.output
        ? await downloadRun(client, run.id, opts.output, signal, out.note)
        : undefined;
      out.result(downloaded ? { ...run, download: downloaded } : run, () => {
        printRun(run, out.line);
        if (downloaded) out.line(`\nfiles in ${shownPath(downloaded.directory)}`);
      });
    });

  runs
    .command('get')
    .description('Show a run: status, counters, parameters and generated files')
    .argument('<id>', 'run id')
    .option('--wait', 'wait for the run to end, showing progress')
    .addHelpText(
      'after',
      '\nExamples:\n  openframer runs get 3fa85f64-...\n  openframer runs get 3fa85f64-... --wait',
    )
    .action(async (id: string, opts: { wait?: boolean }, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      const run = opts.wait
        ? await followRun(client, id, signal)
        : await client.dataframer.runs.retrieve(id, { signal });
      out.result(run, () => printRun(run, out.line));
    });

  runs
    .command('list')
    .description('List runs, newest first')
    .option('--limit <n>', 'at most this many', positiveInt)
    .option('--offset <n>', 'skip this many', nonNegativeInt)
    .addHelpText('after', '\nExample:\n  openframer runs list --limit 20')
    .action(async (opts: { limit?: number; offset?: number }, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      const list = await client.dataframer.runs.list(opts, { signal });
      out.result(list, () => out.line(table(list, LIST_COLUMNS)));
    });

  runs
    .command('cancel')
    .description('Cancel a PENDING or PROCESSING run (finished samples are kept)')
    .argument('<id>', 'run id')
    .addHelpText('after', '\nExample:\n  openframer runs cancel 3fa85f64-...')
    .action(async (id: string, _opts: object, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      const run = await client.dataframer.runs.cancel(id, { signal });
      out.result(run, () => out.line(`run ${id} is ${run.status}`));
    });

  runs
    .command('delete')
    .description('Delete a run and its files')
    .argument('<id>', 'run id')
    .addHelpText('after', '\nExample:\n  openframer runs delete 3fa85f64-...')
    .action(async (id: string, _opts: object, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      await client.dataframer.runs.delete(id, { signal });
      out.result({ id, deleted: true }, () => out.line(`deleted run ${id}`));
    });

  runs
    .command('download')
    .description("Download a finished run's files and unzip them into a folder")
    .argument('<id>', 'run id')
    .requiredOption('-o, --output <dir>', 'folder to extract into (created if needed)')
    .option('--wait', 'wait for the run to end first, showing progress')
    .addHelpText(
      'after',
      '\nThe last line on stdout is the folder.\n\nExamples:\n  openframer runs download 3fa85f64-... -o out/\n  openframer runs download 3fa85f64-... -o out/ --wait',
    )
    .action(async (id: string, opts: { output: string; wait?: boolean }, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      if (opts.wait) await followRun(client, id, signal);
      const downloaded = await downloadRun(client, id, opts.output, signal, out.note);
      out.result(downloaded, () => {
        for (const file of downloaded.files) out.note(`  ${file}`);
        out.line(shownPath(downloaded.directory));
      });
    });

  return runs;
}
