import type Dataframer from '@openframer/sdk';
import type { Evaluation } from '@openframer/sdk';
import { Command } from 'commander';
import { dollars, record, table } from '../format.js';
import { ProgressReporter } from '../progress.js';
import { session } from '../session.js';

export function printEvaluation(evaluation: Evaluation, line: (text?: string) => void): void {
  line(
    record({ ...evaluation, cost: dollars(evaluation.total_cost) }, [
      'id',
      'run_id',
      'status',
      'evaluation_model',
      'conformance_score',
      'cost',
      'duration_seconds',
      'created_at',
      'completed_at',
      'error_message',
    ]),
  );
  for (const [label, text] of [
    ['explanation', evaluation.conformance_explanation],
    ['conformant areas', evaluation.conformant_areas],
    ['non-conformant areas', evaluation.non_conformant_areas],
  ] as const) {
    if (text) line(`\n${label}:\n${text}`);
  }
  const distributions = evaluation.distribution_analysis ?? [];
  if (distributions.length > 0) {
    line();
    line(
      table(
        distributions.map((d) => ({ ...d })),
        ['property_name', 'total_samples_analyzed', 'assignment_agreement', 'tvd_requested_evaluated'],
      ),
    );
  }
}

/** Waits for an evaluation with a progress line on stderr; throws JobFailedError when it fails. */
async function followEvaluation(client: Dataframer, id: string, signal: AbortSignal): Promise<Evaluation> {
  const progress = new ProgressReporter();
  try {
    return await client.dataframer.evaluations.waitFor(id, { onProgress: progress.update, signal });
  } finally {
    progress.finish();
  }
}

export function evaluationsCommand(): Command {
  const evaluations = new Command('evaluations').description(
    'Evaluations: how well a run matches its spec, with quality measures',
  );

  evaluations
    .command('create')
    .description('Evaluate a SUCCEEDED run against its spec')
    .requiredOption('--run <id>', 'run id')
    .option('--model <id>', 'evaluation model (openframer/statistical works offline)')
    .option('--wait', 'wait for the evaluation to end, showing progress; exit 4 if it fails')
    .addHelpText(
      'after',
      `
Examples:
  openframer evaluations create --run 3fa85f64-... --wait
  openframer evaluations create --run 3fa85f64-... --model openframer/statistical --wait --json`,
    )
    .action(async (opts: { run: string; model?: string; wait?: boolean }, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      const created = await client.dataframer.evaluations.create(
        { run_id: opts.run, ...(opts.model && { evaluation_model: opts.model }) },
        { signal },
      );
      if (!opts.wait) {
        out.result(created, () => {
          out.line(created.id);
          out.note(
            `evaluation ${created.id} started; follow it with: openframer evaluations get ${created.id}`,
          );
        });
        return;
      }
      const evaluation = await followEvaluation(client, created.id, signal);
      out.result(evaluation, () => printEvaluation(evaluation, out.line));
    });

  evaluations
    .command('get')
    .description('Show an evaluation: status, score, explanation and distribution analysis')
    .argument('<id>', 'evaluation id')
    .option('--wait', 'wait for the evaluation to end, showing progress')
    .addHelpText(
      'after',
      '\nExamples:\n  openframer evaluations get 3fa85f64-...\n  openframer evaluations get 3fa85f64-... --wait',
    )
    .action(async (id: string, opts: { wait?: boolean }, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      const evaluation = opts.wait
        ? await followEvaluation(client, id, signal)
        : await client.dataframer.evaluations.retrieve(id, {}, { signal });
      out.result(evaluation, () => printEvaluation(evaluation, out.line));
    });

  return evaluations;
}
