import { readFile, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type Dataframer from '@openframer/sdk';
import type {
  RedTeamAttackSuccess,
  RedTeamPrompt,
  RedTeamRun,
  RedTeamRunCreateParams,
  RedTeamSpec,
  RedTeamSpecCreateParams,
  RedTeamSpecUpdateParams,
  RedTeamTarget,
} from '@openframer/sdk';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../exit-codes.js';
import { dollars, record, table } from '../format.js';
import { ProgressReporter } from '../progress.js';
import { nonNegativeInt, positiveInt, session } from '../session.js';

type ExportFormat = 'jsonl' | 'csv';

const SPEC_COLUMNS = ['id', 'name', 'domain_description', 'created_at'];
const RUN_COLUMNS = ['id', 'status', 'spec_name', 'behaviours', 'prompts', 'cost', 'created_at'];

// ---- printing ------------------------------------------------------------------------------------

export function printRedTeamSpec(spec: RedTeamSpec, line: (text?: string) => void): void {
  line(record(spec, ['id', 'name', 'created_at', 'updated_at', 'created_by_email']));
  line(`\ndomain:\n${spec.domain_description}`);
  line(`\napp:\n${spec.app_description}`);
  line(`\nconcerns:\n${spec.concerns ?? '-'}`);
}

function percent(s: RedTeamAttackSuccess): string {
  const rate = s.rate === null ? 'not graded' : `${(s.rate * 100).toFixed(1)}%`;
  return `${rate} (${s.succeeded}/${s.graded})`;
}

/** `a 3, b 2` from a count per key, largest first. */
function counts(map: Record<string, number> | undefined): string | undefined {
  const entries = Object.entries(map ?? {});
  if (entries.length === 0) return undefined;
  return entries
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A red-team run for people: status and counts, coverage, attack success, then a table of behaviours. */
export function printRedTeamRun(run: RedTeamRun, line: (text?: string) => void): void {
  const { progress, results_json: results } = run;
  const success = results?.attack_success;
  line(
    record(
      {
        ...run,
        behaviours: `${progress.behaviors_done}/${progress.behaviors_total}`,
        prompts: `${progress.prompts_done}/${progress.prompts_total}`,
        cost: dollars(run.total_cost),
        target: run.target ? `${run.target.model} at ${run.target.base_url}` : undefined,
        'by strategy': counts(results?.coverage.strategies),
        'by category': counts(results?.coverage.categories),
        'by OWASP id': counts(results?.coverage.owasp),
        'attack success': success ? percent(success.overall) : undefined,
        'target errors': success?.target_errors,
      },
      [
        'id',
        'status',
        'spec_name',
        'red_team_spec_id',
        'model_name',
        'grader_model',
        'behaviours',
        'prompts',
        'categories',
        'strategies',
        'seed',
        'target',
        'by strategy',
        'by category',
        'by OWASP id',
        'attack success',
        'target errors',
        'cost',
        'created_at',
        'completed_at',
        'error',
      ].filter((f) => f !== 'attack success' || success),
    ),
  );
  const behaviours = results?.behaviors ?? [];
  if (behaviours.length > 0) {
    line();
    line(
      table(
        behaviours.map((b, i) => {
          const s = success?.by_behavior[b.behavior];
          return { ...b, '#': i, asr: s ? percent(s) : undefined, behavior: oneLine(b.behavior, 100) };
        }),
        success
          ? ['#', 'category', 'owasp', 'prompts', 'asr', 'behavior']
          : ['#', 'category', 'owasp', 'prompts', 'behavior'],
      ),
    );
  }
}

function printPrompts(prompts: RedTeamPrompt[], line: (text?: string) => void): void {
  const graded = prompts.some((p) => p.grade || p.target_error);
  line(
    table(
      prompts.map((p) => ({
        ...p,
        '#': `${p.behavior_index}.${p.position}`,
        attack: p.grade
          ? p.grade.attack_succeeded
            ? 'succeeded'
            : 'failed'
          : p.target_error
            ? 'error'
            : '-',
        prompt: oneLine(p.adversarial_prompt, 100),
      })),
      graded ? ['#', 'category', 'strategy', 'attack', 'prompt'] : ['#', 'category', 'strategy', 'prompt'],
    ),
  );
}

function runRow(run: RedTeamRun): Record<string, unknown> {
  return {
    ...run,
    behaviours: `${run.progress.behaviors_done}/${run.progress.behaviors_total}`,
    prompts: `${run.progress.prompts_done}/${run.progress.prompts_total}`,
    cost: dollars(run.total_cost),
  };
}

// ---- option parsers ------------------------------------------------------------------------------

function commaList(value: string): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError('expected a comma-separated list, e.g. a,b');
  return items;
}

/** `--target-header 'Name: value'`, repeatable. */
function collectHeader(value: string, previous: Record<string, string>): Record<string, string> {
  const colon = value.indexOf(':');
  const name = value.slice(0, colon).trim();
  if (colon < 1 || !name) throw new InvalidArgumentError("expected 'Name: value', e.g. 'X-Tenant: acme'");
  return { ...previous, [name]: value.slice(colon + 1).trim() };
}

/** `--target-header-env Name=VAR`, repeatable: the header's value is read from the environment. */
function collectHeaderEnv(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq < 1 || eq === value.length - 1)
    throw new InvalidArgumentError('expected Name=VAR, e.g. X-Tenant=TENANT');
  return { ...previous, [value.slice(0, eq).trim()]: value.slice(eq + 1).trim() };
}

function exportFormat(value: string): ExportFormat {
  if (value !== 'jsonl' && value !== 'csv') throw new InvalidArgumentError('must be jsonl or csv');
  return value;
}

/** The export format for a file: `--format`, else its extension (.jsonl/.ndjson or .csv). */
function formatFor(file: string, given: ExportFormat | undefined): ExportFormat {
  if (given) return given;
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new UsageError(`${file}: name the file .jsonl or .csv, or pass --format jsonl|csv`);
}

function envValue(variable: string, what: string): string {
  const value = process.env[variable];
  if (!value) throw new UsageError(`${what}: the environment variable ${variable} is not set or is empty`);
  return value;
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${what} ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

// ---- spec fields from flags or a file ------------------------------------------------------------

interface SpecFieldOptions {
  file?: string;
  name?: string;
  domain?: string;
  app?: string;
  concerns?: string | false;
}

/** The fields a YAML or JSON spec file may hold; `domain`/`app` are accepted for the long names. */
const FILE_FIELDS: Record<string, keyof RedTeamSpecCreateParams> = {
  name: 'name',
  domain_description: 'domain_description',
  domain: 'domain_description',
  app_description: 'app_description',
  app: 'app_description',
  concerns: 'concerns',
};

async function specFields(opts: SpecFieldOptions): Promise<RedTeamSpecUpdateParams> {
  const fields: RedTeamSpecUpdateParams = {};
  if (opts.file) {
    const text = await readText(opts.file, 'spec file');
    let parsed: unknown;
    try {
      // YAML is a superset of JSON, so one parser reads both.
      parsed = parseYaml(text);
    } catch (err) {
      throw new UsageError(`spec file ${opts.file}: not valid YAML or JSON: ${(err as Error).message}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new UsageError(
        `spec file ${opts.file}: expected a mapping of name, domain_description, app_description, concerns`,
      );
    }
    for (const [key, value] of Object.entries(parsed)) {
      const field = FILE_FIELDS[key];
      if (!field) {
        throw new UsageError(
          `spec file ${opts.file}: unknown field "${key}" (expected name, domain_description, app_description, concerns)`,
        );
      }
      if (value !== null && typeof value !== 'string') {
        throw new UsageError(`spec file ${opts.file}: ${key} must be text`);
      }
      if (value === null && field !== 'concerns')
        throw new UsageError(`spec file ${opts.file}: ${key} is empty`);
      (fields as Record<string, string | null>)[field] = typeof value === 'string' ? value.trim() : null;
    }
  }
  // Flags win over the file.
  if (opts.name !== undefined) fields.name = opts.name;
  if (opts.domain !== undefined) fields.domain_description = opts.domain;
  if (opts.app !== undefined) fields.app_description = opts.app;
  if (opts.concerns === false) fields.concerns = null;
  else if (opts.concerns !== undefined) fields.concerns = opts.concerns;
  return fields;
}

// ---- waiting and exporting -----------------------------------------------------------------------

/** Waits for a red-team run with a progress line on stderr; throws JobFailedError when it fails or is canceled. */
async function followRedTeamRun(client: Dataframer, id: string, signal: AbortSignal): Promise<RedTeamRun> {
  const progress = new ProgressReporter();
  try {
    return await client.dataframer.redTeamRuns.waitFor(id, { onProgress: progress.update, signal });
  } finally {
    progress.finish();
  }
}

interface Exported {
  path: string;
  format: ExportFormat;
  prompts: number;
}

/**
 * Writes the export to `file`. The prompt count is the JSON Lines line count; a CSV field may span lines,
 * so for CSV it is the run's `prompts_done` (the export holds every prompt done).
 */
async function exportTo(
  client: Dataframer,
  runId: string,
  file: string,
  format: ExportFormat,
  signal: AbortSignal,
  run?: RedTeamRun,
): Promise<Exported> {
  const text = await client.dataframer.redTeamRuns.export(runId, { format }, { signal });
  await writeFile(file, text);
  const prompts =
    format === 'jsonl'
      ? text.split('\n').filter(Boolean).length
      : (run ?? (await client.dataframer.redTeamRuns.status(runId, { signal }))).progress.prompts_done;
  return { path: file, format, prompts };
}

// ---- commands ------------------------------------------------------------------------------------

function specsCommand(): Command {
  const specs = new Command('specs').description(
    'Red-team specs: the application under test (its domain, what it does, what it must not do)',
  );

  specs
    .command('create')
    .description('Describe an application to red-team (from flags, or from a YAML or JSON file)')
    .option('--name <name>', 'spec name (stored in snake_case, unique in your company)')
    .option('--domain <text>', 'the domain the application works in')
    .option('--app <text>', 'what the application does and for whom')
    .option('--concerns <text>', 'what the application must not do')
    .option('-f, --file <path>', 'YAML or JSON with name, domain_description, app_description, concerns')
    .addHelpText(
      'after',
      `
Flags override the file's fields. In a file, \`domain\` and \`app\` may stand for the long names.

Examples:
  openframer red-team specs create --name "Patient portal bot" \\
    --domain "Healthcare and medical information" \\
    --app "A patient-facing chatbot that schedules appointments and answers general health questions" \\
    --concerns "Must not give diagnoses, prescriptions or treatment advice"
  openframer red-team specs create --file patient-bot.yaml
  openframer --json red-team specs create --file patient-bot.yaml | jq -r .id`,
    )
    .action(async (opts: SpecFieldOptions, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      const fields = await specFields(opts);
      const missing = [
        ['name', '--name'],
        ['domain_description', '--domain'],
        ['app_description', '--app'],
      ].filter(([field]) => !fields[field as keyof RedTeamSpecUpdateParams]);
      if (missing.length > 0) {
        throw new UsageError(
          `missing ${missing.map(([field, flag]) => `${flag} (${field})`).join(', ')}: pass the flags or --file`,
        );
      }
      const spec = await client.dataframer.redTeamSpecs.create(fields as RedTeamSpecCreateParams, { signal });
      out.result(spec, () => {
        out.line(spec.id);
        out.note(
          `red-team spec ${spec.name} created; start a run with: openframer red-team run ${spec.id} -b 5 -p 4 --wait`,
        );
      });
    });

  specs
    .command('list')
    .description('List red-team specs, newest first')
    .option('--limit <n>', 'at most this many', positiveInt)
    .option('--offset <n>', 'skip this many', nonNegativeInt)
    .addHelpText('after', '\nExample:\n  openframer red-team specs list --limit 10')
    .action(async (opts: { limit?: number; offset?: number }, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      const list = await client.dataframer.redTeamSpecs.list(opts, { signal });
      out.result(list, () =>
        out.line(
          table(
            list.map((s) => ({ ...s, domain_description: oneLine(s.domain_description, 60) })),
            SPEC_COLUMNS,
          ),
        ),
      );
    });

  specs
    .command('get')
    .description('Show a red-team spec')
    .argument('<id>', 'red-team spec id')
    .addHelpText(
      'after',
      '\nExamples:\n  openframer red-team specs get 3fa85f64-...\n  openframer --json red-team specs get 3fa85f64-...',
    )
    .action(async (id: string, _opts: object, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      const spec = await client.dataframer.redTeamSpecs.retrieve(id, { signal });
      out.result(spec, () => printRedTeamSpec(spec, out.line));
    });

  specs
    .command('edit')
    .description('Change fields of a red-team spec (only those given; runs already started keep their copy)')
    .argument('<id>', 'red-team spec id')
    .option('--name <name>', 'new name (stored in snake_case)')
    .option('--domain <text>', 'new domain description')
    .option('--app <text>', 'new app description')
    .option('--concerns <text>', 'new concerns')
    .option('--no-concerns', 'clear the concerns')
    .option('-f, --file <path>', 'YAML or JSON with the fields to change')
    .addHelpText(
      'after',
      `
Examples:
  openframer red-team specs edit 3fa85f64-... --concerns "No dosing advice; no diagnoses"
  openframer red-team specs edit 3fa85f64-... --name "Patient portal bot v2" --no-concerns
  openframer red-team specs edit 3fa85f64-... --file patient-bot.yaml`,
    )
    .action(async (id: string, opts: SpecFieldOptions, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      const fields = await specFields(opts);
      if (Object.keys(fields).length === 0) {
        throw new UsageError(
          'nothing to change: pass --name, --domain, --app, --concerns, --no-concerns or --file',
        );
      }
      const spec = await client.dataframer.redTeamSpecs.update(id, fields, { signal });
      out.result(spec, () => printRedTeamSpec(spec, out.line));
    });

  specs
    .command('delete')
    .description('Delete a red-team spec (refused while one of its runs is PENDING or PROCESSING)')
    .argument('<id>', 'red-team spec id')
    .addHelpText('after', '\nExample:\n  openframer red-team specs delete 3fa85f64-...')
    .action(async (id: string, _opts: object, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      await client.dataframer.redTeamSpecs.delete(id, { signal });
      out.result({ id, deleted: true }, () => out.line(`deleted red-team spec ${id}`));
    });

  return specs;
}

interface RunOptions {
  behaviors: number;
  prompts: number;
  model?: string;
  graderModel?: string;
  categories?: string[];
  strategies?: string[];
  seed?: string;
  targetUrl?: string;
  targetModel?: string;
  targetKeyEnv?: string;
  targetHeader: Record<string, string>;
  targetHeaderEnv: Record<string, string>;
  systemPromptFile?: string;
  targetConcurrency?: number;
  targetTimeout?: number;
  wait?: boolean;
  output?: string;
  format?: ExportFormat;
}

async function targetFrom(opts: RunOptions): Promise<RedTeamTarget | undefined> {
  const given =
    opts.targetUrl ||
    opts.targetModel ||
    opts.targetKeyEnv ||
    opts.systemPromptFile ||
    opts.targetConcurrency ||
    opts.targetTimeout ||
    Object.keys(opts.targetHeader).length > 0 ||
    Object.keys(opts.targetHeaderEnv).length > 0;
  if (!given) return undefined;
  if (!opts.targetUrl || !opts.targetModel) {
    throw new UsageError('a target needs both --target-url and --target-model');
  }
  const headers = { ...opts.targetHeader };
  for (const [name, variable] of Object.entries(opts.targetHeaderEnv)) {
    headers[name] = envValue(variable, `--target-header-env ${name}`);
  }
  return {
    base_url: opts.targetUrl,
    model: opts.targetModel,
    ...(opts.targetKeyEnv && { api_key: envValue(opts.targetKeyEnv, '--target-key-env') }),
    ...(Object.keys(headers).length > 0 && { headers }),
    ...(opts.systemPromptFile && {
      system_prompt: await readText(opts.systemPromptFile, 'system prompt file'),
    }),
    ...(opts.targetConcurrency && { concurrency: opts.targetConcurrency }),
    ...(opts.targetTimeout && { timeout_ms: opts.targetTimeout }),
  };
}

function runCommand(): Command {
  return new Command('run')
    .description(
      'Start a red-team run: behaviours × prompts adversarial prompts, optionally tried on a target and graded',
    )
    .argument('<spec>', 'red-team spec id')
    .requiredOption('-b, --behaviors <n>', 'undesirable behaviours to list (1-1000)', positiveInt)
    .requiredOption('-p, --prompts <n>', 'adversarial prompts per behaviour (1-1000)', positiveInt)
    .option('--model <id>', 'attacker model (default deepseek-ai/DeepSeek-V3.1; see `openframer models`)')
    .option('--grader-model <id>', 'grades the target replies (default: the attacker model)')
    .option(
      '--categories <ids>',
      'only these behaviour categories, comma-separated (see `red-team taxonomy`)',
      commaList,
    )
    .option(
      '--strategies <ids>',
      'only these attack strategies, comma-separated (see `red-team taxonomy`)',
      commaList,
    )
    .option('--seed <seed>', 'makes the strategy plan reproducible')
    .option(
      '--target-url <url>',
      'base URL of the app under test (OpenAI-compatible; prompts go to /chat/completions)',
    )
    .option('--target-model <model>', 'the `model` sent to the target')
    .option(
      '--target-key-env <VAR>',
      "read the target's API key (a bearer token) from this environment variable",
    )
    .option(
      "--target-header <'Name: value'>",
      'an extra header for the target, repeatable',
      collectHeader,
      {},
    )
    .option(
      '--target-header-env <Name=VAR>',
      'an extra header whose value is read from an environment variable (for secrets), repeatable',
      collectHeaderEnv,
      {},
    )
    .option('--system-prompt-file <path>', "the target's system prompt, sent before each prompt")
    .option('--target-concurrency <n>', 'requests to the target in flight (default 8)', positiveInt)
    .option('--target-timeout <ms>', 'per target request (default 60000)', positiveInt)
    .option('--wait', 'wait for the run to end, showing progress; exit 4 if it fails or is canceled')
    .option(
      '-o, --output <file>',
      'when it has finished, export the prompts to this .jsonl or .csv file (implies --wait)',
    )
    .addOption(
      new Option('--format <format>', 'export format for -o (default: from the extension)').argParser(
        exportFormat,
      ),
    )
    .addHelpText(
      'after',
      `
The target's API key is never taken as a flag value (it would land in shell history and process lists):
put it in an environment variable and name the variable with --target-key-env; the same goes for secret
headers with --target-header-env. The server stores them encrypted and never returns them.

Examples:
  openframer red-team run 3fa85f64-... -b 5 -p 4 --wait
  openframer red-team run 3fa85f64-... -b 10 -p 20 --categories pii_leakage,jailbreak \\
    --strategies role_play,base64,multilingual --seed 42 --wait -o prompts.jsonl
  export APP_KEY=sk-...
  openframer red-team run 3fa85f64-... -b 5 -p 10 --target-url https://app.example.com/v1 \\
    --target-model support-bot --target-key-env APP_KEY --target-header 'X-Tenant: acme' \\
    --system-prompt-file system.txt --grader-model anthropic/claude-sonnet-4-6 --wait -o graded.csv`,
    )
    .action(async (specId: string, opts: RunOptions, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      // Everything local is checked before the run starts, so a typo costs nothing.
      const format = opts.output ? formatFor(opts.output, opts.format) : undefined;
      if (opts.format && !opts.output) throw new UsageError('--format goes with -o/--output');
      const target = await targetFrom(opts);
      const body: RedTeamRunCreateParams = {
        red_team_spec_id: specId,
        number_of_behaviors: opts.behaviors,
        number_of_prompts_per_behavior: opts.prompts,
        ...(opts.model && { model_name: opts.model }),
        ...(opts.graderModel && { grader_model: opts.graderModel }),
        ...(opts.categories && { categories: opts.categories }),
        ...(opts.strategies && { strategies: opts.strategies }),
        ...(opts.seed !== undefined && { seed: opts.seed }),
        ...(target && { target }),
      };
      const created = await client.dataframer.redTeamRuns.create(body, { signal });
      if (!opts.wait && !opts.output) {
        out.result(created, () => {
          out.line(created.id);
          out.note(
            `red-team run ${created.id} started; follow it with: openframer red-team runs get ${created.id} --wait`,
          );
        });
        return;
      }
      const run = await followRedTeamRun(client, created.id, signal);
      const exported =
        opts.output && format ? await exportTo(client, run.id, opts.output, format, signal, run) : undefined;
      out.result(exported ? { ...run, export: exported } : run, () => {
        printRedTeamRun(run, out.line);
        if (exported) out.line(`\n${exported.prompts} prompts in ${exported.path}`);
      });
    });
}

function runsCommand(): Command {
  const runs = new Command('runs').description('Red-team runs: list, follow, read and export their prompts');

  runs
    .command('list')
    .description('List red-team runs, newest first')
    .option('--limit <n>', 'at most this many', positiveInt)
    .option('--offset <n>', 'skip this many', nonNegativeInt)
    .addHelpText('after', '\nExample:\n  openframer red-team runs list --limit 20')
    .action(async (opts: { limit?: number; offset?: number }, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      const list = await client.dataframer.redTeamRuns.list(opts, { signal });
      out.result(list, () => out.line(table(list.map(runRow), RUN_COLUMNS)));
    });

  runs
    .command('get')
    .description('Show a red-team run: status, counts, coverage, attack success and its behaviours')
    .argument('<id>', 'red-team run id')
    .option('--wait', 'wait for the run to end, showing progress; exit 4 if it fails or is canceled')
    .addHelpText(
      'after',
      `
With --json the run includes results_json.behavior_to_enhanced_queries (every prompt so far).

Examples:
  openframer red-team runs get 3fa85f64-...
  openframer red-team runs get 3fa85f64-... --wait`,
    )
    .action(async (id: string, opts: { wait?: boolean }, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      if (opts.wait) await followRedTeamRun(client, id, signal);
      const run = await client.dataframer.redTeamRuns.retrieve(id, { signal });
      out.result(run, () => printRedTeamRun(run, out.line));
    });

  runs
    .command('status')
    .description('Status, progress and cost of a red-team run (without its prompts)')
    .argument('<id>', 'red-team run id')
    .addHelpText(
      'after',
      '\nExamples:\n  openframer red-team runs status 3fa85f64-...\n  openframer --json red-team runs status 3fa85f64-... | jq .progress',
    )
    .action(async (id: string, _opts: object, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      const run = await client.dataframer.redTeamRuns.status(id, { signal });
      out.result(run, () =>
        out.line(
          record({ ...runRow(run), cost: dollars(run.total_cost) }, [
            'id',
            'status',
            'behaviours',
            'prompts',
            'cost',
            'completed_at',
            'error',
          ]),
        ),
      );
    });

  runs
    .command('cancel')
    .description('Cancel a PENDING or PROCESSING red-team run (finished behaviours are kept)')
    .argument('<id>', 'red-team run id')
    .addHelpText('after', '\nExample:\n  openframer red-team runs cancel 3fa85f64-...')
    .action(async (id: string, _opts: object, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      const run = await client.dataframer.redTeamRuns.cancel(id, { signal });
      out.result(run, () =>
        out.line(`red-team run ${id} is ${run.status} (${run.progress.prompts_done} prompts kept)`),
      );
    });

  runs
    .command('delete')
    .description('Delete a red-team run and its prompts')
    .argument('<id>', 'red-team run id')
    .addHelpText('after', '\nExample:\n  openframer red-team runs delete 3fa85f64-...')
    .action(async (id: string, _opts: object, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      await client.dataframer.redTeamRuns.delete(id, { signal });
      out.result({ id, deleted: true }, () => out.line(`deleted red-team run ${id}`));
    });

  runs
    .command('prompts')
    .description("A page of a run's prompts in order (or --all)")
    .argument('<id>', 'red-team run id')
    .option('--limit <n>', 'at most this many (1-1000, default 100)', positiveInt)
    .option('--offset <n>', 'skip this many', nonNegativeInt)
    .option('--all', 'every prompt, fetched a page at a time')
    .addHelpText(
      'after',
      `
People get one line per prompt (behaviour.position, category, strategy, the start of the prompt);
--json gives the whole objects (query, adversarial_prompt, strategy, target_response, grade, ...).

Examples:
  openframer red-team runs prompts 3fa85f64-... --limit 20
  openframer --json red-team runs prompts 3fa85f64-... --all | jq -r '.[].adversarial_prompt'`,
    )
    .action(async (id: string, opts: { limit?: number; offset?: number; all?: boolean }, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      let prompts: RedTeamPrompt[];
      if (opts.all) {
        if (opts.limit) throw new UsageError('--all and --limit do not go together');
        prompts = [];
        for await (const p of client.dataframer.redTeamRuns.iteratePrompts(
          id,
          { pageSize: 1000, offset: opts.offset ?? 0 },
          { signal },
        )) {
          prompts.push(p);
        }
      } else {
        prompts = await client.dataframer.redTeamRuns.prompts(
          id,
          { limit: opts.limit, offset: opts.offset },
          { signal },
        );
      }
      out.result(prompts, () => printPrompts(prompts, out.line));
    });

  runs
    .command('export')
    .description('Every prompt of a run as JSON Lines or CSV, to a file or stdout')
    .argument('<id>', 'red-team run id')
    .option('-o, --output <file>', 'write here (.jsonl or .csv) instead of stdout')
    .addOption(
      new Option('--format <format>', 'jsonl or csv (default: from the extension, else jsonl)').argParser(
        exportFormat,
      ),
    )
    .option('--wait', 'wait for the run to end first, showing progress')
    .addHelpText(
      'after',
      `
Examples:
  openframer red-team runs export 3fa85f64-... -o prompts.csv
  openframer red-team runs export 3fa85f64-... > prompts.jsonl
  openframer red-team runs export 3fa85f64-... --wait -o prompts.jsonl`,
    )
    .action(
      async (id: string, opts: { output?: string; format?: ExportFormat; wait?: boolean }, cmd: Command) => {
        const { client, out, signal } = session(cmd);
        const format = opts.output ? formatFor(opts.output, opts.format) : (opts.format ?? 'jsonl');
        if (opts.wait) await followRedTeamRun(client, id, signal);
        if (!opts.output) {
          // The file itself is the output, with or without --json.
          process.stdout.write(await client.dataframer.redTeamRuns.export(id, { format }, { signal }));
          return;
        }
        const exported = await exportTo(client, id, opts.output, format, signal);
        out.result({ id, ...exported }, () => out.line(`${exported.prompts} prompts in ${exported.path}`));
      },
    );

  return runs;
}

function taxonomyCommand(): Command {
  return new Command('taxonomy')
    .description('The behaviour categories (with OWASP LLM Top 10 ids) and attack strategies a run can use')
    .addHelpText(
      'after',
      "\nExamples:\n  openframer red-team taxonomy\n  openframer --json red-team taxonomy | jq -r '.categories[].id'",
    )
    .action(async (_opts: object, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      const taxonomy = await client.dataframer.redTeamTaxonomy.retrieve({ signal });
      out.result(taxonomy, () => {
        out.line('Categories (--categories):');
        out.line(
          table(
            taxonomy.categories.map((c) => ({
              ...c,
              owasp: c.owasp.map((id) => `${id} ${taxonomy.owasp[id] ?? ''}`.trim()),
            })),
            ['id', 'name', 'owasp'],
          ),
        );
        out.line('\nAttack strategies (--strategies):');
        out.line(table(taxonomy.strategies, ['id', 'kind', 'name']));
      });
    });
}

export function redTeamCommand(): Command {
  const redTeam = new Command('red-team')
    .description('Red teaming: adversarial prompts for an LLM application, optionally tried on it and graded')
    .addHelpText(
      'after',
      `
Examples:
  openframer red-team taxonomy
  openframer red-team specs create --file patient-bot.yaml
  openframer red-team run 3fa85f64-... -b 5 -p 4 --wait -o prompts.jsonl
  openframer red-team runs list`,
    );
  redTeam.addCommand(specsCommand());
  redTeam.addCommand(runCommand());
  redTeam.addCommand(runsCommand());
  redTeam.addCommand(taxonomyCommand());
  return redTeam;
}
