import { randomBytes } from 'node:crypto';
import {
  InvalidInputError,
  type LlmConfig,
  type LlmGateway,
  type LlmModel,
  NotFoundError,
  type RedTeamBehavior,
  type RedTeamCheckpoint,
  type RedTeamPrompt,
  type RedTeamTarget,
  runRedTeam,
  summarizeRedTeam,
  validateRedTeamOptions,
  writeTable,
} from '@openframer/core';
import type { Kysely, Selectable } from 'kysely';
import type { Principal } from '../auth/service.js';
import type { Database } from '../db/index.js';
import type { JobContext, JobRunner } from '../jobs/runner.js';
import type { SecretBox } from '../secrets.js';
import { newId, nowIso } from '../util.js';
import { waitForTerminalStatus } from './job-status.js';
import type { LlmAccounting } from './llm-accounting.js';
import { requireLanguageModel } from './model-checks.js';
import type { RedTeamSpecService, RedTeamSpecTable } from './red-team-specs.js';

export const RED_TEAM_JOB = 'red-team-run';
export const DEFAULT_RED_TEAM_MODEL = 'deepseek-ai/DeepSeek-V3.1';

export type RedTeamStatus = 'PENDING' | 'PROCESSING' | 'SUCCEEDED' | 'FAILED' | 'CANCELED';
const TERMINAL: readonly string[] = ['SUCCEEDED', 'FAILED', 'CANCELED'];
const RESOURCE = 'red_team_run';
const NOT_FOUND = "Red-team run not found or does not belong to user's company";

/** Rows of migration 0006. */
export interface RedTeamRunTable {
  id: string;
  company_id: string;
  red_team_spec_id: string | null;
  spec_name: string;
  /** JSON: the spec as it was when the run was created (RedTeamAppContext). */
  app_context: string;
  number_of_behaviors: number;
  number_of_prompts_per_behavior: number;
  model_name: string;
  grader_model: string | null;
  /** JSON arrays, or null for all. */
  categories: string | null;
  strategies: string | null;
  seed: string;
  /** JSON of StoredTarget (no secrets). */
  target: string | null;
  /** The target's api key and header values, sealed. */
  sealed_target_secrets: string | null;
  status: string;
  error: string | null;
  /** JSON of RedTeamBehavior[] once listed (the checkpoint a resumed job starts from). */
  behaviors: string | null;
  /** JSON of the final results (without the prompts map, which is rebuilt from red_team_prompts). */
  results: string | null;
  trace: string | null;
  prompts_done: number;
  behaviors_done: number;
  total_cost: number;
  job_id: string | null;
  created_by: string;
  created_by_email: string;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  completed_at: string | null;
}

export interface RedTeamPromptTable {
  run_id: string;
  behavior_index: number;
  position: number;
  query: string;
  adversarial_prompt: string;
  strategy: string;
  /** The language of a multilingual prompt. */
  language: string | null;
  target_response: string | null;
  target_error: string | null;
  /** JSON of RedTeamGrade. */
  grade: string | null;
  /** Why a reply could not be graded. */
  grade_error: string | null;
}

type Tables = {
  red_team_runs: RedTeamRunTable;
  red_team_prompts: RedTeamPromptTable;
  red_team_specs: RedTeamSpecTable;
};
type Db = Kysely<Database & Tables>;

interface StoredTarget {
  base_url: string;
  model: string;
  system_prompt: string | null;
  concurrency: number | null;
  timeout_ms: number | null;
  has_api_key: boolean;
  header_names: string[];
}

interface TargetSecrets {
  api_key?: string;
  headers?: Record<string, string>;
}

export interface CreateRedTeamRunInput {
  red_team_spec_id?: string;
  spec_id?: string;
  number_of_behaviors: number;
  number_of_prompts_per_behavior: number;
  model_name?: string;
  grader_model?: string;
  categories?: string[];
  strategies?: string[];
  seed?: string | number;
  target?: {
    base_url: string;
    model: string;
    api_key?: string;
    headers?: Record<string, string>;
    system_prompt?: string | null;
    concurrency?: number;
    timeout_ms?: number;
  };
}

type Summary = ReturnType<typeof summarizeRedTeam>;

export interface RedTeamResultsView extends Omit<Summary, 'behaviors'> {
  behavior_to_enhanced_queries?: Record<string, RedTeamPrompt[]>;
  behaviors: { behavior: string; category: string; owasp: string[]; prompts: number }[];
}

export interface RedTeamRunView {
  id: string;
  red_team_spec_id: string | null;
  spec_name: string;
  company_id: string;
  company_name: string;
  number_of_behaviors: number;
  number_of_prompts_per_behavior: number;
  model_name: string;
  grader_model: string | null;
  categories: string[] | null;
  strategies: string[] | null;
  seed: string;
  target: StoredTarget | null;
  status: RedTeamStatus;
  error: string | null;
  progress: { behaviors_done: number; behaviors_total: number; prompts_done: number; prompts_total: number };
  total_cost: number;
  task_id: string | null;
  trace: Record<string, unknown> | null;
  results_json: RedTeamResultsView | null;
  created_by_email: string;
  created_at: string;
  completed_at: string | null;
}

export interface RedTeamPromptRow extends RedTeamPrompt {
  behavior_index: number;
  behavior: string;
  category: string;
  position: number;
}

interface JobPayload {
  runId: string;
}

/**
 * Red-team runs: a job lists undesirable behaviours for the spec's app, writes adversarial prompts for
 * each (and, with a target, sends them and grades the replies). Behaviours and each behaviour's prompts
 * are stored as they are finished, so a job that restarts (shutdown, crash) carries on from there.
 */
export class RedTeamRunService {
  private readonly db: Db;

  constructor(
    db: Kysely<Database>,
    private readonly jobs: JobRunner,
    private readonly llm: LlmGateway,
    private readonly llmConfig: LlmConfig,
    private readonly catalog: readonly LlmModel[],
    private readonly accounting: LlmAccounting,
    private readonly secrets: SecretBox,
    private readonly specs: RedTeamSpecService,
  ) {
    this.db = db.withTables<Tables>();
  }

  async create(principal: Principal, input: CreateRedTeamRunInput): Promise<RedTeamRunView> {
    const specId = input.red_team_spec_id ?? input.spec_id;
    if (!specId) throw new InvalidInputError('red_team_spec_id is required', 'red_team_spec_id');
    if (input.red_team_spec_id && input.spec_id && input.red_team_spec_id !== input.spec_id) {
      throw new InvalidInputError(
        'red_team_spec_id and spec_id name different specs; give one of them',
        'spec_id',
      );
    }
    const model = input.model_name?.trim() || DEFAULT_RED_TEAM_MODEL;
    requireLanguageModel(model, 'red_team', 'red teaming', 'model_name', this.catalog, this.llmConfig);
    const grader = input.grader_model?.trim() || null;
    if (grader)
      requireLanguageModel(grader, 'red_team', 'red teaming', 'grader_model', this.catalog, this.llmConfig);
    if (grader && !input.target) {
      throw new InvalidInputError('grader_model grades target replies: give a target too', 'grader_model');
    }
    const problems = validateRedTeamOptions({
      categories: input.categories,
      strategies: input.strategies,
      numberOfBehaviors: input.number_of_behaviors,
      promptsPerBehavior: input.number_of_prompts_per_behavior,
      target: input.target ? { baseUrl: input.target.base_url, model: input.target.model } : null,
    });
    if (problems.length > 0) {
      const first = problems[0]!;
      throw new InvalidInputError(problems.map((p) => p.message).join('; '), first.field);
    }
    const spec = await this.specs.findOwned(principal, specId);
    const id = newId();
    const now = nowIso();
    const target = input.target;
    const secrets: TargetSecrets = {};
    if (target?.api_key) secrets.api_key = target.api_key;
    if (target?.headers && Object.keys(target.headers).length) secrets.headers = target.headers;
    const storedTarget: StoredTarget | null = target
      ? {
          base_url: target.base_url.replace(/\/+$/, ''),
          model: target.model,
          system_prompt: target.system_prompt ?? null,
          concurrency: target.concurrency ?? null,
          timeout_ms: target.timeout_ms ?? null,
          has_api_key: Boolean(target.api_key),
          header_names: Object.keys(target.headers ?? {}),
        }
      : null;
    await this.db.transaction().execute(async (trx) => {
      const jobId = await this.jobs.enqueue(RED_TEAM_JOB, { runId: id } satisfies JobPayload, {
        db: trx as unknown as Kysely<Database>,
        companyId: principal.companyId,
        maxAttempts: 3,
      });
      await trx
        .insertInto('red_team_runs')
        .values({
          id,
          company_id: principal.companyId,
          red_team_spec_id: spec.id,
          spec_name: spec.name,
          app_context: JSON.stringify({
            name: spec.name,
            domainDescription: spec.domain_description,
            appDescription: spec.app_description,
            concerns: spec.concerns,
          }),
          number_of_behaviors: input.number_of_behaviors,
          number_of_prompts_per_behavior: input.number_of_prompts_per_behavior,
          model_name: model,
          grader_model: grader,
          categories: input.categories ? JSON.stringify(unique(input.categories)) : null,
          strategies: input.strategies ? JSON.stringify(unique(input.strategies)) : null,
          seed: input.seed === undefined ? randomBytes(8).toString('hex') : String(input.seed),
          target: storedTarget ? JSON.stringify(storedTarget) : null,
          sealed_target_secrets: Object.keys(secrets).length
            ? this.secrets.seal(JSON.stringify(secrets))
            : null,
          status: 'PENDING',
          error: null,
          behaviors: null,
          results: null,
          trace: null,
          prompts_done: 0,
          behaviors_done: 0,
          total_cost: 0,
          job_id: jobId,
          created_by: principal.userId,
          created_by_email: principal.email,
          created_at: now,
          updated_at: now,
          started_at: null,
          completed_at: null,
        })
        .execute();
    });
    return this.get(principal, id);
  }

  async get(principal: Principal, id: string): Promise<RedTeamRunView> {
    return this.view(principal, await this.findOwned(principal, id), true);
  }

  /** Like `get`, without the prompts map (for polling). */
  async status(principal: Principal, id: string): Promise<RedTeamRunView> {
    return this.view(principal, await this.findOwned(principal, id), false);
  }

  /** Newest first; results without the prompts map (GET one run, or its prompts, for those). */
  async list(
    principal: Principal,
    page: { limit?: number; offset?: number } = {},
  ): Promise<RedTeamRunView[]> {
    const rows = await this.db
      .selectFrom('red_team_runs')
      .selectAll()
      .where('company_id', '=', principal.companyId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(page.limit ?? 1_000_000)
      .offset(page.offset ?? 0)
      .execute();
    const views: RedTeamRunView[] = [];
    for (const row of rows) views.push(await this.view(principal, row, false));
    return views;
  }

  async cancel(principal: Principal, id: string): Promise<RedTeamRunView> {
    const run = await this.findOwned(principal, id);
    if (TERMINAL.includes(run.status)) {
      throw new InvalidInputError(
        `the run is already ${run.status}; only PENDING or PROCESSING runs can be canceled`,
        'run_id',
      );
    }
    if (run.status === 'PENDING') {
      await this.finish(run.id, 'CANCELED', null);
    }
    if (run.job_id) await this.jobs.cancel(run.job_id);
    // A PROCESSING run ends CANCELED once its job has stopped and kept what it wrote; wait briefly for it.
    await waitForTerminalStatus(
      async () =>
        (
          await this.db
            .selectFrom('red_team_runs')
            .select('status')
            .where('id', '=', id)
            .executeTakeFirstOrThrow()
        ).status,
      TERMINAL,
    );
    return this.get(principal, id);
  }

  async delete(principal: Principal, id: string): Promise<void> {
    const run = await this.findOwned(principal, id);
    if (!TERMINAL.includes(run.status) && run.job_id) await this.jobs.cancel(run.job_id);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('red_team_prompts').where('run_id', '=', id).execute();
      await trx.deleteFrom('red_team_runs').where('id', '=', id).execute();
    });
  }

  /** The run's prompts in order (behaviour, then position), a page at a time. */
  async prompts(
    principal: Principal,
    id: string,
    page: { limit?: number; offset?: number } = {},
  ): Promise<RedTeamPromptRow[]> {
    const run = await this.findOwned(principal, id);
    const behaviors = behaviorsByIndex(run);
    const rows = await this.promptRowsOf(run.id, { limit: page.limit ?? 100, offset: page.offset ?? 0 });
    return rows.map((r) => promptRow(r, behaviors));
  }

  /** Every prompt as JSON Lines or CSV (one row per prompt; grade columns flattened in CSV). */
  async export(principal: Principal, id: string, format: 'jsonl' | 'csv'): Promise<string> {
    const run = await this.findOwned(principal, id);
    const behaviors = behaviorsByIndex(run);
    const rows = (await this.promptRowsOf(run.id)).map((r) => promptRow(r, behaviors));
    if (format === 'jsonl') return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
    const columns = [
      'behavior_index',
      'behavior',
      'category',
      'position',
      'strategy',
      'language',
      'query',
      'adversarial_prompt',
      'target_response',
      'target_error',
      'attack_succeeded',
      'grade_reason',
      'grade_error',
    ];
    return writeTable(
      'csv',
      columns,
      rows.map(({ grade, ...r }) => ({
        ...r,
        attack_succeeded: grade ? grade.attack_succeeded : null,
        grade_reason: grade?.reason ?? null,
      })),
    );
  }

  private async findOwned(principal: Principal, id: string): Promise<Selectable<RedTeamRunTable>> {
    const run = await this.db
      .selectFrom('red_team_runs')
      .selectAll()
      .where('id', '=', id)
      .where('company_id', '=', principal.companyId)
      .executeTakeFirst();
    if (!run) throw new NotFoundError(NOT_FOUND);
    return run;
  }

  private promptRowsOf(runId: string, page?: { limit: number; offset: number }) {
    let query = this.db
      .selectFrom('red_team_prompts')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('behavior_index')
      .orderBy('position');
    if (page) query = query.limit(page.limit).offset(page.offset);
    return query.execute();
  }

  /** What is stored so far: the behaviours and every finished behaviour's prompts. */
  private async checkpoint(run: Selectable<RedTeamRunTable>): Promise<Required<RedTeamCheckpoint>> {
    const behaviors = parseBehaviors(run);
    const prompts: Record<number, RedTeamPrompt[]> = {};
    for (const row of await this.promptRowsOf(run.id)) {
      const list = prompts[row.behavior_index] ?? [];
      list.push(promptOf(row));
      prompts[row.behavior_index] = list;
    }
    return { behaviors, prompts };
  }

  /**
   * The results: the summary stored when the run ended, or (GET one run) one computed from what is stored
   * so far; the prompts map is always read from red_team_prompts.
   */
  private async results(
    run: Selectable<RedTeamRunTable>,
    withPrompts: boolean,
  ): Promise<RedTeamResultsView | null> {
    let summary = run.results ? (JSON.parse(run.results) as RedTeamResultsView) : null;
    // Polling and lists stay cheap on runs of thousands of prompts: they read the summary stored when the
    // run ended (null while it works), never the prompts.
    if (!withPrompts) return summary;
    const { behaviors, prompts } = await this.checkpoint(run);
    if (behaviors.length === 0) return summary;
    summary ??= summaryView(behaviors, prompts, run.target !== null);
    if (!withPrompts) return summary;
    const map: Record<string, RedTeamPrompt[]> = {};
    for (const b of behaviors) {
      const done = prompts[b.index];
      if (done) map[b.behavior] = done;
    }
    return { behavior_to_enhanced_queries: map, ...summary };
  }

  private async view(
    principal: Principal,
    run: Selectable<RedTeamRunTable>,
    withPrompts: boolean,
  ): Promise<RedTeamRunView> {
    const total = run.number_of_behaviors * run.number_of_prompts_per_behavior;
    return {
      id: run.id,
      red_team_spec_id: run.red_team_spec_id,
      spec_name: run.spec_name,
      company_id: run.company_id,
      company_name: principal.companyName,
      number_of_behaviors: run.number_of_behaviors,
      number_of_prompts_per_behavior: run.number_of_prompts_per_behavior,
      model_name: run.model_name,
      grader_model: run.grader_model,
      categories: run.categories ? (JSON.parse(run.categories) as string[]) : null,
      strategies: run.strategies ? (JSON.parse(run.strategies) as string[]) : null,
      seed: run.seed,
      target: run.target ? (JSON.parse(run.target) as StoredTarget) : null,
      status: run.status as RedTeamStatus,
      error: run.error,
      progress: {
        behaviors_done: Number(run.behaviors_done),
        behaviors_total: run.number_of_behaviors,
        prompts_done: Number(run.prompts_done),
        prompts_total: total,
      },
      total_cost: Number(run.total_cost),
      task_id: run.job_id,
      trace: run.trace ? (JSON.parse(run.trace) as Record<string, unknown>) : null,
      results_json: await this.results(run, withPrompts),
      created_by_email: run.created_by_email,
      created_at: run.created_at,
      completed_at: run.completed_at,
    };
  }

  /** The job. Resumable: behaviours and finished behaviours' prompts come back from the database. */
  readonly runJob = async (job: JobContext<JobPayload>): Promise<void> => {
    const run = await this.db
      .selectFrom('red_team_runs')
      .selectAll()
      .where('id', '=', job.payload.runId)
      .executeTakeFirst();
    if (!run || TERMINAL.includes(run.status)) return;
    const attribution = {
      companyId: run.company_id,
      jobId: job.jobId,
      resourceType: RESOURCE,
      resourceId: run.id,
    };
    try {
      await this.execute(run, job, this.accounting.attributed(this.llm, attribution));
    } catch (err) {
      if (job.signal.aborted) {
        // Shutdown: the job runs again and resumes. Cancel: keep what was written.
        if (job.signal.reason === 'shutdown') throw err;
        await this.finish(run.id, 'CANCELED', null);
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      await this.finish(run.id, 'FAILED', message);
    }
  };

  private async execute(run: Selectable<RedTeamRunTable>, job: JobContext<JobPayload>, llm: LlmGateway) {
    await this.db
      .updateTable('red_team_runs')
      .set({ status: 'PROCESSING', started_at: run.started_at ?? nowIso(), updated_at: nowIso() })
      .where('id', '=', run.id)
      .where('status', 'in', ['PENDING', 'PROCESSING'])
      .execute();
    const resume = await this.checkpoint(run);
    const stored = run.target ? (JSON.parse(run.target) as StoredTarget) : null;
    let target: RedTeamTarget | null = null;
    if (stored) {
      const secrets: TargetSecrets = run.sealed_target_secrets
        ? (JSON.parse(this.secrets.open(run.sealed_target_secrets)) as TargetSecrets)
        : {};
      target = {
        baseUrl: stored.base_url,
        model: stored.model,
        apiKey: secrets.api_key ?? null,
        headers: secrets.headers ?? {},
        systemPrompt: stored.system_prompt,
        ...(stored.concurrency ? { concurrency: stored.concurrency } : {}),
        ...(stored.timeout_ms ? { timeoutMs: stored.timeout_ms } : {}),
      };
    }
    const result = await runRedTeam(
      {
        model: run.model_name,
        ...(run.grader_model ? { graderModel: run.grader_model } : {}),
        app: JSON.parse(run.app_context),
        numberOfBehaviors: run.number_of_behaviors,
        promptsPerBehavior: run.number_of_prompts_per_behavior,
        ...(run.categories ? { categories: JSON.parse(run.categories) as string[] } : {}),
        ...(run.strategies ? { strategies: JSON.parse(run.strategies) as string[] } : {}),
        seed: run.seed,
        target,
        resume,
      },
      {
        llm,
        saveBehaviors: async (behaviors) => {
          await this.db
            .updateTable('red_team_runs')
            .set({ behaviors: JSON.stringify(behaviors), updated_at: nowIso() })
            .where('id', '=', run.id)
            .execute();
        },
        saveBehaviorPrompts: (index, prompts) => this.savePrompts(run.id, index, prompts),
      },
      job.signal,
    );
    const cost = await this.accounting.totalCost(RESOURCE, run.id);
    await this.db
      .updateTable('red_team_runs')
      .set({ trace: JSON.stringify(result.trace), total_cost: cost })
      .where('id', '=', run.id)
      .execute();
    await this.finish(run.id, 'SUCCEEDED', null);
  }

  /** One behaviour's prompts, replacing any an earlier attempt wrote, and the progress counters. */
  private async savePrompts(runId: string, behaviorIndex: number, prompts: RedTeamPrompt[]): Promise<void> {
    const cost = await this.accounting.totalCost(RESOURCE, runId);
    await this.db.transaction().execute(async (trx) => {
      const [deleted] = await trx
        .deleteFrom('red_team_prompts')
        .where('run_id', '=', runId)
        .where('behavior_index', '=', behaviorIndex)
        .execute();
      const replaced = Number(deleted?.numDeletedRows ?? 0);
      for (let i = 0; i < prompts.length; i += 100) {
        await trx
          .insertInto('red_team_prompts')
          .values(
            prompts.slice(i, i + 100).map((p, j) => ({
              run_id: runId,
              behavior_index: behaviorIndex,
              position: i + j,
              query: p.query,
              adversarial_prompt: p.adversarial_prompt,
              strategy: p.strategy,
              language: p.language ?? null,
              target_response: p.target_response ?? null,
              target_error: p.target_error ?? null,
              grade: p.grade ? JSON.stringify(p.grade) : null,
              grade_error: p.grade_error ?? null,
            })),
          )
          .execute();
      }
      // Increments, not counts: behaviours finish concurrently, and a count inside one transaction does
      // not see another's rows until it commits (PostgreSQL); the row lock orders the increments.
      await trx
        .updateTable('red_team_runs')
        .set((eb) => ({
          prompts_done: eb('prompts_done', '+', prompts.length - replaced),
          behaviors_done: eb('behaviors_done', '+', replaced > 0 ? 0 : 1),
          total_cost: cost,
          updated_at: nowIso(),
        }))
        .where('id', '=', runId)
        .execute();
    });
  }

  private async finish(runId: string, status: RedTeamStatus, error: string | null): Promise<void> {
    const run = await this.db
      .selectFrom('red_team_runs')
      .selectAll()
      .where('id', '=', runId)
      .executeTakeFirst();
    if (!run) return;
    const { behaviors, prompts } = await this.checkpoint(run);
    const summary = behaviors.length ? summaryView(behaviors, prompts, run.target !== null) : null;
    const now = nowIso();
    const cost = await this.accounting.totalCost(RESOURCE, runId);
    await this.db
      .updateTable('red_team_runs')
      .set({
        status,
        results: summary ? JSON.stringify(summary) : null,
        error: error ? error.slice(0, 2000) : null,
        total_cost: cost,
        completed_at: now,
        updated_at: now,
      })
      .where('id', '=', runId)
      .where('status', 'in', ['PENDING', 'PROCESSING'])
      .execute();
  }
}

/** Coverage and attack success of what is stored, with each behaviour's prompt count. */
function summaryView(
  behaviors: RedTeamBehavior[],
  prompts: Record<number, RedTeamPrompt[]>,
  graded: boolean,
): RedTeamResultsView {
  const summary = summarizeRedTeam(behaviors, prompts, graded);
  return {
    ...summary,
    behaviors: behaviors.map((b) => ({
      behavior: b.behavior,
      category: b.category,
      owasp: b.owasp,
      prompts: prompts[b.index]?.length ?? 0,
    })),
  };
}

function parseBehaviors(run: Selectable<RedTeamRunTable>): RedTeamBehavior[] {
  return run.behaviors ? (JSON.parse(run.behaviors) as RedTeamBehavior[]) : [];
}

function promptOf(row: Selectable<RedTeamPromptTable>): RedTeamPrompt {
  const prompt: RedTeamPrompt = {
    query: row.query,
    adversarial_prompt: row.adversarial_prompt,
    strategy: row.strategy,
  };
  if (row.language !== null) prompt.language = row.language;
  if (
    row.target_response !== null ||
    row.target_error !== null ||
    row.grade !== null ||
    row.grade_error !== null
  ) {
    prompt.target_response = row.target_response;
    prompt.target_error = row.target_error;
    prompt.grade = row.grade ? JSON.parse(row.grade) : null;
    prompt.grade_error = row.grade_error;
  }
  return prompt;
}

function behaviorsByIndex(run: Selectable<RedTeamRunTable>): Map<number, RedTeamBehavior> {
  return new Map(parseBehaviors(run).map((b) => [b.index, b]));
}

function promptRow(
  row: Selectable<RedTeamPromptTable>,
  behaviors: Map<number, RedTeamBehavior>,
): RedTeamPromptRow {
  const behavior = behaviors.get(row.behavior_index);
  return {
    behavior_index: row.behavior_index,
    behavior: behavior?.behavior ?? '',
    category: behavior?.category ?? '',
    position: row.position,
    ...promptOf(row),
  };
}

const unique = (values: string[]) => [...new Set(values.map((v) => v.trim()))];
