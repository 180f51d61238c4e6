import type Dataframer from '@openframer/sdk';
import type { AnonymizationRun, AnonymizationRunCreateParams, DownloadedRun } from '@openframer/sdk';
import { Command, InvalidArgumentError } from 'commander';
import { bytes, record, table } from '../format.js';
import { ProgressReporter } from '../progress.js';
import { session } from '../session.js';
import { shownPath } from './runs.js';

type MaskConfig = NonNullable<AnonymizationRunCreateParams['mask_config']>;

export function printAnonymizationRun(run: AnonymizationRun, line: (text?: string) => void): void {
  line(
    record(
      {
        ...run,
        entities: run.results ? JSON.stringify(run.results.entity_summary) : undefined,
        samples_processed: run.results?.samples_processed,
        error: run.results?.error,
      },
      [
        'id',
        'status',
        'dataset_id',
        'dataset_name',
        'pii_types',
        'detection_method',
        'llm_model_name',
        'samples_processed',
        'entities',
        'duration_seconds',
        'created_at',
        'completed_at',
        'error',
      ],
    ),
  );
  if (run.anonymized_files.length > 0) {
    line();
    line(
      table(
        run.anonymized_files.map((f) => ({ ...f, size: bytes(f.size_in_bytes) })),
        ['id', 'path', 'size'],
      ),
    );
  }
}

function list(value: string): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0)
    throw new InvalidArgumentError('expected a comma-separated list, e.g. email,phone_number');
  return items;
}

function threshold(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new InvalidArgumentError('must be a number from 0 to 1');
  }
  return n;
}

/** `--mask TYPE=OP`: the operator for one label (`*` sets the default), repeatable. */
function collectMask(value: string, previous: MaskConfig): MaskConfig {
  const eq = value.indexOf('=');
  if (eq < 1 || eq === value.length - 1)
    throw new InvalidArgumentError('expected TYPE=OPERATOR, e.g. email=MASK');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1).toUpperCase() };
}

interface AnonymizeOptions {
  piiTypes: string[];
  method: AnonymizationRunCreateParams['detection_method'];
  model?: string;
  threshold?: number;
  mask: MaskConfig;
  wait?: boolean;
  output?: string;
}

/** Waits for an anonymization run with a progress line on stderr; throws JobFailedError when it fails. */
async function followAnonymization(
  client: Dataframer,
  id: string,
  signal: AbortSignal,
): Promise<AnonymizationRun> {
  const progress = new ProgressReporter();
  try {
    return await client.dataframer.anonymizationRuns.waitFor(id, { onProgress: progress.update, signal });
  } finally {
    progress.finish();
  }
}

export function anonymizeCommand(): Command {
  return new Command('anonymize')
    .description('Find and mask PII/PHI in a seed dataset (an anonymization run)')
    .argument('<dataset>', 'seed dataset id')
    .requiredOption(
      '--pii-types <types>',
      'labels to detect, comma-separated (e.g. email,phone_number)',
      list,
    )
    .requiredOption(
      '--method <method>',
      'detection method: heuristics, ner, llm, ner+heuristics, llm+heuristics, all',
    )
    .option('--model <id>', 'model for the llm methods')
    .option('--threshold <t>', 'entities scoring below this are left alone (0-1, default 0.3)', threshold)
    .option(
      '--mask <TYPE=OP>',
      'operator per label: REDACT, REPLACE, MASK, HASH, KEEP (`*=OP` sets the default), repeatable',
      collectMask,
      {},
    )
    .option('--wait', 'wait for the run to end, showing progress; exit 4 if it fails')
    .option('-o, --output <dir>', 'with --wait: download and unzip the anonymized files into this folder')
    .addHelpText(
      'after',
      `
Examples:
  openframer anonymize 3fa85f64-... --pii-types email,phone_number --method heuristics --wait -o clean/
  openframer anonymize 3fa85f64-... --pii-types first_name,last_name,email --method all --model openai/gpt-4.1 \\
    --mask email=MASK --mask '*=REPLACE' --threshold 0.5 --wait`,
    )
    .action(async (datasetId: string, opts: AnonymizeOptions, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      const body: AnonymizationRunCreateParams = {
        dataset_id: datasetId,
        pii_types: opts.piiTypes,
        detection_method: opts.method,
        ...(opts.model && { llm_model_name: opts.model }),
        ...(opts.threshold !== undefined && { threshold: opts.threshold }),
        ...(Object.keys(opts.mask).length > 0 && { mask_config: opts.mask }),
      };
      const created = await client.dataframer.anonymizationRuns.create(body, { signal });
      if (!opts.wait) {
        if (opts.output) out.note('--output needs --wait');
        out.result(created, () => {
          out.line(created.id);
          out.note(`anonymization run ${created.id} started`);
        });
        return;
      }
      const run = await followAnonymization(client, created.id, signal);
      let downloaded: DownloadedRun | undefined;
      if (opts.output) {
        out.note(`downloading anonymization run ${run.id} into ${opts.output}`);
        downloaded = await client.dataframer.anonymizationRuns.downloadTo(run.id, opts.output, { signal });
      }
      out.result(downloaded ? { ...run, download: downloaded } : run, () => {
        printAnonymizationRun(run, out.line);
        if (downloaded) out.line(`\nfiles in ${shownPath(downloaded.directory)}`);
      });
    });
}
