import {
  type Assignment,
  type DatasetType,
  DEFAULT_MODELS,
  duplicateText,
  type GenerationContext,
  generateSamples,
  InvalidInputError,
  type LlmConfig,
  type LlmGateway,
  type LlmModel,
  NotFoundError,
  parseSpecYaml,
  planAssignments,
  type RunParams,
  type SampleOutcome,
  type SampleOutput,
  type SqlExecutor,
  STATISTICAL_MODEL,
} from '@openframer/core';
import type { Kysely, Selectable } from 'kysely';
import type { Principal } from '../auth/service.js';
import type { BlobStore } from '../blobs/store.js';
import type { Database } from '../db/index.js';
import type { RunTable } from '../db/schema.js';
import type { JobContext, JobRunner } from '../jobs/runner.js';
import { databricksCredentials, type SecretBox } from '../secrets.js';
import { newId, nowIso } from '../util.js';
import { waitForTerminalStatus } from './job-status.js';
import type { LlmAccounting } from './llm-accounting.js';
import { offlineOutcomes } from './run-offline.js';
import type { RunOutputStore } from './run-output.js';
import { type CreateRunInput, resolveRunParams } from './run-params.js';
import { RunSampleWriter } from './run-sample-writer.js';
import { seedExamples, shapeOf } from './run-shape.js';
import { loadRunSpec } from './run-spec.js';
import { loadSeedCorpus } from './seed-corpus.js';

export const RUN_JOB = 'generation-run';

export type RunStatus = 'PENDING' | 'PROCESSING' | 'SUCCEEDED' | 'FAILED' | 'CANCELED';
const TERMINAL: RunStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELED'];

export interface RunSummaryView {
  id: string;
  status: RunStatus;
  spec_id: string;
  spec_name: string;
  spec_version: number;
  dataset_id: string | null;
  dataset_name: string | null;
  dataset_type: DatasetType;
  number_of_samples: number;
  samples_completed: number;
  samples_failed: number;
  total_cost: number | null;
  created_at: string;
  created_by_email: string;
  started_at: string | null;
  completed_at: string | null;
  error: string | null;
}

export interface RunView extends RunSummaryView {
  runtime_params: RunParams;
  generated_files: { id: string; path: string; file_type: string; size_bytes: number }[];
}

interface RunJobPayload {
  runId: string;
  sealedDatabricks?: string;
}

/** Records loaded for the offline engine; prompts see at most `PROMPT_SEEDS` examples. */
const OFFLINE_MAX_RECORDS = 100_000;
const PROMPT_MAX_RECORDS = 2_000;

export class RunService {
  private readonly sampleWriter: RunSampleWriter;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly blobs: BlobStore,
    private readonly jobs: JobRunner,
    private readonly llm: LlmGateway,
    private readonly llmConfig: LlmConfig,
    private readonly catalog: readonly LlmModel[],
    private readonly accounting: LlmAccounting,
    private readonly secrets: SecretBox,
    private readonly output: RunOutputStore,
    /** Starts the automatic evaluation when a run succeeds (unless the run asked not to). */
    private readonly evaluations?: { startForRun(runId: string): Promise<unknown> },
    /** Runs SQL for `syntax+schema+execute` and the `sql_execute` tool. */
    private readonly sqlExecutor?: SqlExecutor,
  ) {
    this.sampleWriter = new RunSampleWriter(db);
  }

  async create(principal: Principal, input: CreateRunInput): Promise<{ id: string }> {
    const spec = await this.db
      .selectFrom('specs')
      .selectAll()
      .where('id', '=', input.spec_id)
      .where('company_id', '=', principal.companyId)
      .executeTakeFirst();
    if (!spec) throw new NotFoundError("Spec not found or does not belong to user's company");
    if (spec.status !== 'SUCCEEDED') {
      throw new InvalidInputError(`the spec is ${spec.status}; runs need a SUCCEEDED spec`, 'spec_id');
    }
    const versions = await this.db
      .selectFrom('spec_versions')
      .select(['version', 'content_yaml'])
      .where('spec_id', '=', spec.id)
      .execute();
    const latest = Math.max(...versions.map((v) => v.version));
    const version = input.spec_version ?? latest;
    const chosen = versions.find((v) => v.version === version);
    if (!chosen) {
      throw new InvalidInputError(
        `spec_version ${version} does not exist; the spec has versions 1 to ${latest}`,
        'spec_version',
      );
    }
    const content = parseSpecYaml(chosen.content_yaml);
    const params = resolveRunParams(input, {
      catalog: this.catalog,
      llmConfig: this.llmConfig,
      defaultModel: DEFAULT_MODELS.generation,
      hasSql: Boolean(content.selected_sql_query_columns?.length),
    });
    const id = newId();
    const payload: RunJobPayload = { runId: id };
    if (input.databricks_client_secret)
      payload.sealedDatabricks = this.secrets.seal(input.databricks_client_secret);
    const runtime = {
      ...(input.evaluate_after === false ? { evaluate_after: false } : {}),
      ...params,
      ...(input.databricks_client_id ? { databricks_client_id: input.databricks_client_id } : {}),
      ...(input.databricks_api_base ? { databricks_api_base: input.databricks_api_base } : {}),
    };
    await this.db.transaction().execute(async (trx) => {
      const jobId = await this.jobs.enqueue(RUN_JOB, payload, {
        db: trx,
        companyId: principal.companyId,
        maxAttempts: 5,
      });
      await trx
        .insertInto('runs')
        .values({
          id,
          company_id: principal.companyId,
          spec_id: spec.id,
          spec_version: version,
          status: 'PENDING',
          number_of_samples: params.number_of_samples,
          samples_completed: 0,
          samples_failed: 0,
          total_cost: 0,
          runtime_params: JSON.stringify(runtime),
          error: null,
          created_by: principal.userId,
          created_by_email: principal.email,
          created_at: nowIso(),
          started_at: null,
          completed_at: null,
          job_id: jobId,
          seed: id,
          zip_status: null,
          zip_blob_key: null,
          zip_size_bytes: null,
        })
        .execute();
    });
    return { id };
  }

  async get(principal: Principal, id: string): Promise<RunView> {
    const run = await this.findOwned(principal, id);
    const [summary] = await this.summaries([run]);
    const files = await this.db
      .selectFrom('run_files')
      .select(['id', 'path', 'file_type', 'size_bytes'])
      .where('run_id', '=', id)
      .orderBy('path')
      .execute();
    return {
      ...summary!,
      runtime_params: publicParams(run.runtime_params),
      generated_files: files.map((f) => ({ ...f, size_bytes: Number(f.size_bytes) })),
    };
  }

  async list(
    principal: Principal,
    page: { limit?: number; offset?: number } = {},
  ): Promise<RunSummaryView[]> {
    const runs = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('company_id', '=', principal.companyId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(page.limit ?? 1_000_000)
      .offset(page.offset ?? 0)
      .execute();
    return this.summaries(runs);
  }

  async cancel(principal: Principal, id: string): Promise<RunView> {
    const run = await this.findOwned(principal, id);
    if (TERMINAL.includes(run.status as RunStatus)) {
      throw new InvalidInputError(
        `the run is already ${run.status}; only PENDING or PROCESSING runs can be canceled`,
        'run_id',
      );
    }
    if (run.status === 'PENDING') {
      // Not started: cancel outright (the job is dropped or, if it starts meanwhile, sees the status).
      await this.db
        .updateTable('runs')
        .set({ status: 'CANCELED', completed_at: nowIso() })
        .where('id', '=', id)
        .where('status', '=', 'PENDING')
        .execute();
    }
    if (run.job_id) await this.jobs.cancel(run.job_id);
    // A PROCESSING run ends CANCELED when its job has stopped and kept what it made; wait briefly for that.
    await waitForTerminalStatus(
      async () =>
        (await this.db.selectFrom('runs').select('status').where('id', '=', id).executeTakeFirstOrThrow())
          .status,
      TERMINAL,
    );
    return this.get(principal, id);
  }

  async delete(principal: Principal, id: string): Promise<void> {
    const run = await this.findOwned(principal, id);
    if (!TERMINAL.includes(run.status as RunStatus) && run.job_id) {
      await this.jobs.cancel(run.job_id);
    }
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('run_samples').where('run_id', '=', id).execute();
      await trx.deleteFrom('run_files').where('run_id', '=', id).execute();
      await trx.deleteFrom('runs').where('id', '=', id).execute();
    });
    await this.blobs.deletePrefix(`runs/${id}`);
  }

  async findOwned(principal: Principal, id: string): Promise<Selectable<RunTable>> {
    const run = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('id', '=', id)
      .where('company_id', '=', principal.companyId)
      .executeTakeFirst();
    if (!run) throw new NotFoundError("Run not found or does not belong to user's company");
    return run;
  }

  private async summaries(runs: Selectable<RunTable>[]): Promise<RunSummaryView[]> {
    if (runs.length === 0) return [];
    const specs = await this.db
      .selectFrom('specs')
      .leftJoin('datasets', 'datasets.id', 'specs.dataset_id')
      .select([
        'specs.id',
        'specs.name',
        'specs.dataset_id',
        'specs.dataset_type',
        'datasets.name as dataset_name',
      ])
      .where('specs.id', 'in', [...new Set(runs.map((r) => r.spec_id))])
      .execute();
    const byId = new Map(specs.map((s) => [s.id, s]));
    return runs.map((r) => {
      const spec = byId.get(r.spec_id);
      return {
        id: r.id,
        status: r.status as RunStatus,
        spec_id: r.spec_id,
        spec_name: spec?.name ?? '',
        spec_version: r.spec_version,
        dataset_id: spec?.dataset_id ?? null,
        dataset_name: spec?.dataset_name ?? null,
        dataset_type: (spec?.dataset_type ?? 'MULTI_FILE') as DatasetType,
        number_of_samples: r.number_of_samples,
        samples_completed: r.samples_completed,
        samples_failed: r.samples_failed,
        total_cost: Math.round(Number(r.total_cost) * 1e6) / 1e6,
        created_at: r.created_at,
        created_by_email: r.created_by_email,
        started_at: r.started_at,
        completed_at: r.completed_at,
        error: r.error,
      };
    });
  }

  /**
   * The generation job. Idempotent: the plan is stored once; each finished sample is stored at once; a
   * restarted job continues with the samples still pending, so a run ends with exactly N samples and no
   * sample is paid for twice.
   */
  readonly runJob = async (job: JobContext<RunJobPayload>): Promise<void> => {
    const run = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('id', '=', job.payload.runId)
      .executeTakeFirst();
    if (!run || TERMINAL.includes(run.status as RunStatus)) return;
    const attribution = {
      companyId: run.company_id,
      jobId: job.jobId,
      resourceType: 'run',
      resourceId: run.id,
    };
    try {
      await this.execute(run, job, this.accounting.attributed(this.llm, attribution));
    } catch (err) {
      if (job.signal.aborted && job.signal.reason === 'shutdown') throw err;
      if (job.signal.aborted) {
        await this.finish(run.id, 'CANCELED', null);
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      await this.finish(run.id, 'FAILED', message);
    }
  };

  private async execute(
    run: Selectable<RunTable>,
    job: JobContext<RunJobPayload>,
    llm: LlmGateway,
  ): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ status: 'PROCESSING', started_at: run.started_at ?? nowIso() })
      .where('id', '=', run.id)
      .where('status', 'in', ['PENDING', 'PROCESSING'])
      .execute();
    const params = JSON.parse(run.runtime_params) as RunParams & Record<string, unknown>;
    const { spec, content, metadata } = await loadRunSpec(this.db, run);

    await this.ensurePlan(run, content);

    const offline = params.generation_model === STATISTICAL_MODEL;
    const corpus = spec.dataset_id
      ? await loadSeedCorpus(this.db, this.blobs, spec.dataset_id, {
          maxRecords: offline ? OFFLINE_MAX_RECORDS : PROMPT_MAX_RECORDS,
          seed: run.seed ?? run.id,
        })
      : null;
    if (corpus?.table && metadata.columns?.length) {
      // Keep the seed's column order as recorded in the spec.
      const known = new Set(corpus.table.columns);
      corpus.table.columns = [
        ...metadata.columns.filter((c) => known.has(c)),
        ...corpus.table.columns.filter((c) => !metadata.columns!.includes(c)),
      ];
    }
    const tableFormat = spec.dataset_id ? await this.tableFormat(spec.dataset_id) : undefined;
    const ctx: GenerationContext = {
      runId: run.id,
      seed: run.seed ?? run.id,
      spec: content,
      datasetType: (spec.dataset_type as DatasetType) ?? 'MULTI_FILE',
      seedless: !spec.dataset_id,
      shape: shapeOf(corpus, tableFormat),
      seeds: seedExamples(corpus),
      params,
      credentials: databricksCredentials(this.secrets, params, job.payload.sealedDatabricks),
    };

    const pendingRows = await this.db
      .selectFrom('run_samples')
      .select(['idx', 'assignment'])
      .where('run_id', '=', run.id)
      .where('status', '=', 'pending')
      .orderBy('idx')
      .execute();
    const planned = pendingRows.map((r) => ({
      index: r.idx,
      assignment: JSON.parse(r.assignment) as Assignment,
    }));
    const sink = {
      save: async (index: number, outcome: SampleOutcome) => {
        const stored = await this.saveSample(run.id, index, outcome);
        // A completed sample's files are written now, while the run waits on the model anyway.
        if (stored && outcome.ok) await this.output.stageSample(run.id, ctx.shape, index, outcome.output);
      },
    };

    if (planned.length > 0) {
      if (offline) {
        const outcomes = offlineOutcomes(ctx, corpus, planned);
        for (const [i, outcome] of outcomes.entries()) {
          if (job.signal.aborted) throw job.signal.reason;
          await sink.save(planned[i]!.index, outcome);
        }
      } else {
        const acceptedRows = await this.db
          .selectFrom('run_samples')
          .select(['idx', 'output'])
          .where('run_id', '=', run.id)
          .where('status', '=', 'completed')
          .execute();
        await generateSamples(
          ctx,
          planned,
          {
            llm,
            sink,
            ...(this.sqlExecutor && { sqlExecutor: this.sqlExecutor }),
            accepted: acceptedRows.map((r) => ({
              index: r.idx,
              text: duplicateText(JSON.parse(r.output ?? '{}') as SampleOutput, ctx.shape),
            })),
          },
          job.signal,
        );
      }
    }
    await this.complete(run.id, ctx);
  }

  /** Draws every sample's assignment once and stores it; later attempts reuse the stored plan. */
  private async ensurePlan(
    run: Selectable<RunTable>,
    content: import('@openframer/core').SpecContent,
  ): Promise<void> {
    const existing = await this.db
      .selectFrom('run_samples')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('run_id', '=', run.id)
      .executeTakeFirstOrThrow();
    if (Number(existing.n) === run.number_of_samples) return;
    const plan = planAssignments(content, run.number_of_samples, run.seed ?? run.id);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('run_samples').where('run_id', '=', run.id).execute();
      for (let i = 0; i < plan.length; i += 200) {
        await trx
          .insertInto('run_samples')
          .values(
            plan.slice(i, i + 200).map((assignment, k) => ({
              run_id: run.id,
              idx: i + k,
              status: 'pending',
              assignment: JSON.stringify(assignment),
              output: null,
              reason: null,
              revisions: 0,
              input_tokens: 0,
              output_tokens: 0,
              calls: 0,
              cost_usd: 0,
              finish_seq: null,
              finished_at: null,
            })),
          )
          .execute();
      }
    });
  }

  /**
   * Stores one finished sample and bumps the run's counters; resolves once committed, with false when the
   * sample had been stored before. Saves finishing together share a transaction (see `RunSampleWriter`).
   */
  private saveSample(runId: string, index: number, outcome: SampleOutcome): Promise<boolean> {
    return this.sampleWriter.save(runId, index, outcome);
  }

  private async complete(runId: string, ctx: GenerationContext): Promise<void> {
    const run = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('id', '=', runId)
      .executeTakeFirstOrThrow();
    if (run.samples_completed === 0) {
      const reasons = await this.db
        .selectFrom('run_samples')
        .select(['reason'])
        .where('run_id', '=', runId)
        .where('status', '=', 'failed')
        .limit(3)
        .execute();
      await this.output.write(runId, ctx);
      await this.finish(
        runId,
        'FAILED',
        `all ${run.samples_failed} samples failed; for example: ${reasons.map((r) => r.reason).join(' | ')}`,
      );
      return;
    }
    await this.output.write(runId, ctx);
    await this.finish(runId, 'SUCCEEDED', null);
    // The evaluation is its own job; failing to start it must not fail the run.
    await this.evaluations?.startForRun(runId).catch(() => undefined);
  }

  private async finish(runId: string, status: RunStatus, error: string | null): Promise<void> {
    if (status === 'CANCELED') {
      // Keep what was done: the finished samples become files.
      const ctx = await this.contextForFiles(runId).catch(() => undefined);
      if (ctx) await this.output.write(runId, ctx).catch(() => undefined);
    }
    // The run's LLM call records are stored by the time it ends.
    await this.accounting.flush();
    await this.output.release(runId);
    await this.db
      .updateTable('runs')
      .set({ status, error: error ? error.slice(0, 2000) : null, completed_at: nowIso() })
      .where('id', '=', runId)
      .where('status', 'in', ['PENDING', 'PROCESSING'])
      .execute();
  }

  /** Enough of the generation context to write files (shape and columns), without loading seeds for prompts. */
  private async contextForFiles(runId: string): Promise<GenerationContext | undefined> {
    const run = await this.db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirst();
    if (!run) return undefined;
    const spec = await this.db
      .selectFrom('specs')
      .selectAll()
      .where('id', '=', run.spec_id)
      .executeTakeFirstOrThrow();
    const corpus = spec.dataset_id
      ? await loadSeedCorpus(this.db, this.blobs, spec.dataset_id, { maxRecords: 1, seed: run.id })
      : null;
    const format = spec.dataset_id ? await this.tableFormat(spec.dataset_id) : undefined;
    return {
      runId,
      seed: run.seed ?? run.id,
      spec: { description: '', requirements: '', data_property_variations: [] },
      datasetType: spec.dataset_type as DatasetType,
      seedless: !spec.dataset_id,
      shape: shapeOf(corpus, format),
      seeds: [],
      params: JSON.parse(run.runtime_params) as RunParams,
    };
  }

  private async tableFormat(datasetId: string): Promise<'csv' | 'json' | 'jsonl' | undefined> {
    const file = await this.db
      .selectFrom('dataset_files')
      .select('file_type')
      .where('dataset_id', '=', datasetId)
      .executeTakeFirst();
    const t = file?.file_type;
    return t === 'csv' || t === 'json' || t === 'jsonl' ? t : undefined;
  }
}

/** The runtime params as DataFramer shows them (credentials' ids stay server-side). */
function publicParams(json: string): RunParams {
  const {
    databricks_client_id: _id,
    databricks_api_base: _base,
    ...rest
  } = JSON.parse(json) as RunParams & Record<string, unknown>;
  return rest as RunParams;
}
