import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadRequestError, type Spec, type SpecCreateParams } from '@openframer/sdk';
import { Command } from 'commander';
import { openEditor, withoutProblem, withProblem } from '../editor.js';
import { UsageError } from '../exit-codes.js';
import { dollars, record, table } from '../format.js';
import { ProgressReporter } from '../progress.js';
import { nonNegativeInt, positiveInt, session } from '../session.js';

const LIST_COLUMNS = ['id', 'name', 'status', 'dataset_name', 'latest_version', 'created_at'];

export function printSpec(spec: Spec, line: (text?: string) => void, withYaml: boolean): void {
  line(
    record({ ...spec, cost: dollars(spec.total_cost) }, [
      'id',
      'name',
      'status',
      'dataset_id',
      'dataset_name',
      'dataset_type',
      'latest_version',
      'cost',
      'created_at',
      'error',
    ]),
  );
  if (withYaml && spec.content_yaml) {
    line();
    line(spec.content_yaml.trimEnd());
  }
}

interface CreateOptions {
  dataset?: string;
  name: string;
  description?: string;
  objectives?: string;
  model?: string;
  distributions: boolean;
  conditional?: boolean;
  extrapolateValues: boolean;
  extrapolateAxes?: boolean;
  wait?: boolean;
}

export function specsCommand(): Command {
  const specs = new Command('specs').description(
    'Specs: what the data is, its requirements and the properties samples vary on',
  );

  specs
    .command('create')
    .description('Work out a spec from a seed dataset (or from objectives alone)')
    .requiredOption('--name <name>', 'spec name, unique in your company')
    .option('--dataset <id>', 'seed dataset id (omit for a seedless spec with --objectives)')
    .option('--objectives <text>', 'what the data should cover (required without --dataset)')
    .option('--description <text>', 'a note for people')
    .option('--model <id>', 'spec model (see `openframer models`; openframer/statistical works offline)')
    .option('--no-distributions', 'uniform distributions instead of the observed shares')
    .option('--conditional', 'also work out how properties depend on each other')
    .option('--no-extrapolate-values', 'only values the seeds show')
    .option('--extrapolate-axes', 'add properties the seeds do not vary on')
    .option('--wait', 'wait until the spec is ready, showing progress; exit 4 if it fails')
    .addHelpText(
      'after',
      `
Examples:
  openframer specs create --dataset 3fa85f64-... --name claims --model openframer/statistical --wait
  openframer specs create --name faq --objectives "Customer questions about a bank's mobile app" --wait
  openframer --json specs create --dataset 3fa85f64-... --name claims | jq -r .id`,
    )
    .action(async (opts: CreateOptions, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      if (!opts.dataset && !opts.objectives) {
        throw new UsageError('give --dataset, or --objectives for a seedless spec');
      }
      const body: SpecCreateParams = {
        name: opts.name,
        generate_distributions: opts.distributions,
        extrapolate_values: opts.extrapolateValues,
        ...(opts.dataset && { dataset_id: opts.dataset }),
        ...(opts.objectives && { generation_objectives: opts.objectives }),
        ...(opts.description !== undefined && { description: opts.description }),
        ...(opts.model && { spec_generation_model_name: opts.model }),
        ...(opts.conditional && { generate_conditional_distributions: true }),
        ...(opts.extrapolateAxes && { extrapolate_axes: true }),
      };
      // Seedless specs take no value extrapolation; leave the server's default alone then.
      if (!opts.dataset) delete body.extrapolate_values;
      const created = await client.dataframer.specs.create(body, { signal });
      if (!opts.wait) {
        out.result(created, () => {
          out.line(created.id);
          out.note(`spec ${created.id} is PROCESSING; follow it with: openframer specs get ${created.id}`);
        });
        return;
      }
      const progress = new ProgressReporter();
      let spec: Spec;
      try {
        spec = await client.waitFor(created, { onProgress: progress.update, signal });
      } finally {
        progress.finish();
      }
      out.result(spec, () => printSpec(spec, out.line, true));
    });

  specs
    .command('get')
    .description('Show a spec (with its YAML)')
    .argument('<id>', 'spec id')
    .option('--yaml', 'print only the latest YAML (e.g. to save it to a file)')
    .option('--versions', 'include every version (with --json)')
    .addHelpText(
      'after',
      '\nExamples:\n  openframer specs get 3fa85f64-...\n  openframer specs get 3fa85f64-... --yaml > spec.yaml\n  openframer --json specs get 3fa85f64-... --versions',
    )
    .action(async (id: string, opts: { yaml?: boolean; versions?: boolean }, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      const spec = await client.dataframer.specs.retrieve(
        id,
        opts.versions ? { include_versions: true } : {},
        { signal },
      );
      if (opts.yaml && !out.json) {
        if (!spec.content_yaml) throw new UsageError(`spec ${id} has no YAML yet: it is ${spec.status}`);
        process.stdout.write(spec.content_yaml.endsWith('\n') ? spec.content_yaml : `${spec.content_yaml}\n`);
        return;
      }
      out.result(spec, () => {
        printSpec(spec, out.line, true);
        for (const v of spec.versions ?? []) out.line(`version ${v.version}: ${v.created_at}`);
      });
    });

  specs
    .command('list')
    .description('List specs, newest first')
    .option('--limit <n>', 'at most this many', positiveInt)
    .option('--offset <n>', 'skip this many', nonNegativeInt)
    .addHelpText('after', '\nExample:\n  openframer specs list --limit 10')
    .action(async (opts: { limit?: number; offset?: number }, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      const list = await client.dataframer.specs.list(opts, { signal });
      out.result(list, () => out.line(table(list, LIST_COLUMNS)));
    });

  specs
    .command('edit')
    .description('Edit the spec YAML in $EDITOR and save it as a new version')
    .argument('<id>', 'spec id')
    .option('--editor <command>', 'editor to use (default: $VISUAL, then $EDITOR, then vi)')
    .addHelpText(
      'after',
      `
The YAML opens in $VISUAL or $EDITOR (vi if neither is set). Saving stores a new version. When the server
refuses it, the editor opens again with the problems listed at the end of the file; quit without
changing anything to give up (exit 3). Quitting without changes the first time leaves the spec as it was.

Examples:
  openframer specs edit 3fa85f64-...
  EDITOR="code --wait" openframer specs edit 3fa85f64-...`,
    )
    .action(async (id: string, opts: { editor?: string }, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      const spec = await client.dataframer.specs.retrieve(id, {}, { signal });
      if (!spec.content_yaml) throw new UsageError(`spec ${id} cannot be edited yet: it is ${spec.status}`);
      const dir = await mkdtemp(join(tmpdir(), 'openframer-spec-'));
      const file = join(dir, `${spec.name.replace(/[^\w.-]+/g, '_') || 'spec'}.yaml`);
      try {
        const original = spec.content_yaml;
        let draft = original;
        let refusal: BadRequestError | undefined;
        for (;;) {
          await writeFile(file, refusal ? withProblem(draft, problemText(refusal)) : draft);
          await openEditor(file, opts.editor);
          const edited = withoutProblem(await readFile(file, 'utf8'));
          // An emptied file is how editors' users usually abort (as with git commit): exit 1, nothing saved.
          if (edited.trim() === '') throw new Error('the file is empty: spec not changed');
          if (!refusal && edited === original) {
            out.note('no changes: spec not changed');
            out.result(spec, () => {});
            return;
          }
          if (refusal && edited === draft) throw refusal;
          try {
            const updated = await client.dataframer.specs.update(id, { content_yaml: edited }, { signal });
            out.result(updated, () => out.line(`saved spec ${id} as version ${updated.latest_version}`));
            return;
          } catch (err) {
            if (!(err instanceof BadRequestError)) throw err;
            out.note(`the server refused the spec; reopening the editor:\n${problemText(err)}`);
            refusal = err;
            draft = edited;
          }
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

  specs
    .command('delete')
    .description('Delete a spec and its versions (refused while a run uses it)')
    .argument('<id>', 'spec id')
    .addHelpText('after', '\nExample:\n  openframer specs delete 3fa85f64-...')
    .action(async (id: string, _opts: object, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      await client.dataframer.specs.delete(id, { signal });
      out.result({ id, deleted: true }, () => out.line(`deleted spec ${id}`));
    });

  return specs;
}

function problemText(err: BadRequestError): string {
  return err.detail ?? err.message;
}
