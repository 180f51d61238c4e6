// The evaluation pipeline is reached by path until `@openframer/core`'s index exports it; then import it from there.
import {
  checkModelConfigured,
  type DatasetType,
  DEFAULT_MODELS,
  type EvaluationSample,
  evaluateSamples,
  evaluationChatSystem,
  InvalidInputError,
  type LlmConfig,
  type LlmGateway,
  type LlmModel,
  NotFoundError,
  type PropertyAnalysis,
  parseSpecYaml,
  type QualityBlock,
  type SampleOutput,
  type SeedCorpus,
  STATISTICAL_MODEL,
} from '@openframer/core';
import type { Kysely, Selectable } from 'kysely';
import type { Principal } from '../auth/service.js';
import type { BlobStore } from '../blobs/store.js';
import {
  type EvaluationDatabase,
  type EvaluationSampleTable,
  type EvaluationTable,
  withEvaluationTables,
} from '../db/evaluation-tables.js';
import type { Database } from '../db/index.js';
import type { JobContext, JobRunner } from '../jobs/runner.js';
import { newId, nowIso } from '../util.js';
import type { LlmAccounting } from './llm-accounting.js';
import { loadRunSpec } from './run-spec.js';
import { loadSeedCorpus } from './seed-corpus.js';

export const EVALUATION_JOB = 'evaluation';

export type EvaluationStatus = 'PENDING' | 'PROCESSING' | 'SUCCEEDED' | 'FAILED';
const TERMINAL: EvaluationStatus[] = ['SUCCEEDED', 'FAILED'];
const STATUS_DISPLAY: Record<EvaluationStatus, string> = {
  PENDING: 'Pending',
  PROCESSING: 'Processing',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
};

/** Seed records loaded for the quality block (fidelity and distances subsample further). */
const QUALITY_SEED_RECORDS = 5_000;
/** Earlier chat turns sent back to the model with a new message. */
const CHAT_HISTORY_TURNS = 20;
/** Samples whose classification differs from their assignment, shown to the chat model. */
const CHAT_DISAGREEMENTS = 30;

export interface CreateEvaluationInput {
  run_id: string;
  evaluation_model?: string;
}

export interface SampleClassificationView {
  id: string;
  evaluation_id: string;
  sample_identifier: string;
  sample_index: number;
  classifications: Record<string, string>;
  sub_file_classifications: Record<string, Record<string, string[]>> | null;
  assignment: Record<string, string>;
  created_at: string;
}

export interface EvaluationSummaryView {
  id: string;
  run_id: string;
  company_id: string;
  status: EvaluationStatus;
  status_display: string;
  evaluation_model: string;
  conformance_score: number | null;
  conformance_explanation: string;
  conformant_areas: string;
  non_conformant_areas: string;
  distribution_analysis: PropertyAnalysis[] | null;
  quality: QualityBlock | null;
  started_at: string | null;
  completed_at: string | null;
  duration_seconds: number | null;
  error_message: string | null;
  total_cost: number;
  trace: Record<string, unknown>;
  created_by: string;
  created_by_email: string;
  created_at: string;
  updated_at: string;
}

export interface EvaluationView extends EvaluationSummaryView {
  sample_classifications: SampleClassificationView[];
}

export interface ChatMessageView {
  id: string;
  evaluation_id: string;
  user_message: string;
  assistant_message: string;
  chat_model: string;
  created_at: string;
  user: string;
  user_email: string;
}

interface EvaluationJobPayload {
  evaluationId: string;
}

interface Creator {
  companyId: string;
  userId: string;
  email: string;
}

/**
 * Evaluations of SUCCEEDED runs (classification, distribution analysis, score, quality) as background
 * jobs, and chat about a finished evaluation. Tenancy: every object belongs to the caller's company;
 * another company's objects are 404s.
 */
export class EvaluationService {
  private readonly db: Kysely<EvaluationDatabase>;

  constructor(
    private readonly baseDb: Kysely<Database>,
    private readonly blobs: BlobStore,
    private readonly jobs: JobRunner,
    private readonly llm: LlmGateway,
    private readonly llmConfig: LlmConfig,
    private readonly catalog: readonly LlmModel[],
    private readonly accounting: LlmAccounting,
    private readonly log?: { warn(obj: object, msg: string): void },
  ) {
    this.db = withEvaluationTables(baseDb);
  }

  /** `POST /evaluations/`: the run must be the caller's and SUCCEEDED; the model usable for evaluation. */
  async create(principal: Principal, input: CreateEvaluationInput): Promise<EvaluationView> {
    const run = await this.findRun(principal, input.run_id);
    if (run.status !== 'SUCCEEDED') {
      throw new InvalidInputError(
        `the run is ${run.status}; only a SUCCEEDED run can be evaluated`,
        'run_id',
      );
    }
    const model = input.evaluation_model ?? DEFAULT_MODELS.evaluation;
    this.checkModel(model, 'evaluation_model', 'evaluation');
    const id = await this.insert(
      run.id,
      { companyId: principal.companyId, userId: principal.userId, email: principal.email },
      model,
      'api',
    );
    return this.get(principal, id);
  }

  /**
   * Starts the automatic evaluation of a run that has just SUCCEEDED (the run option `evaluate_after`,
   * default true, read from the run's `runtime_params`). Idempotent: a run gets one automatic
   * evaluation. The model: `runtime_params.evaluation_model` if set; the offline engine for a run
   * generated offline; else the default evaluation model, then the run's generation model, whichever is
   * configured; else the offline engine. Resolves to the evaluation's id, or undefined when none starts.
   */
  async startForRun(runId: string): Promise<{ id: string } | undefined> {
    const run = await this.db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirst();
    if (run?.status !== 'SUCCEEDED') return undefined;
    const params = JSON.parse(run.runtime_params) as Record<string, unknown>;
    if (params.evaluate_after === false) return undefined;
    const existing = await this.db
      .selectFrom('evaluations')
      .select('id')
      .where('run_id', '=', runId)
      .where('origin', '=', 'auto')
      .executeTakeFirst();
    if (existing) return existing;
    const model = this.autoModel(params);
    const id = await this.insert(
      run.id,
      { companyId: run.company_id, userId: run.created_by, email: run.created_by_email },
      model,
      'auto',
    );
    return { id };
  }

  private autoModel(params: Record<string, unknown>): string {
    const usable = (id: unknown): id is string => {
      if (typeof id !== 'string') return false;
      const entry = this.catalog.find((m) => m.id === id);
      if (!entry?.supported_for.includes('evaluation')) return false;
      return id === STATISTICAL_MODEL || !checkModelConfigured(id, this.llmConfig, this.catalog);
    };
    if (usable(params.evaluation_model)) return params.evaluation_model;
    if (params.generation_model === STATISTICAL_MODEL) return STATISTICAL_MODEL;
    for (const candidate of [DEFAULT_MODELS.evaluation, params.generation_model]) {
      if (usable(candidate)) return candidate;
    }
    return STATISTICAL_MODEL;
  }

  private async insert(
    runId: string,
    creator: Creator,
    model: string,
    origin: 'api' | 'auto',
  ): Promise<string> {
    const id = newId();
    const now = nowIso();
    await this.db.transaction().execute(async (trx) => {
      const jobId = await this.jobs.enqueue(
        EVALUATION_JOB,
        { evaluationId: id } satisfies EvaluationJobPayload,
        { db: trx as unknown as Kysely<Database>, companyId: creator.companyId, maxAttempts: 3 },
      );
      await trx
        .insertInto('evaluations')
        .values({
          id,
          company_id: creator.companyId,
          run_id: runId,
          status: 'PENDING',
          evaluation_model: model,
          origin,
          conformance_score: null,
          conformance_explanation: '',
          conformant_areas: '',
          non_conformant_areas: '',
          distribution_analysis: null,
          quality: null,
          trace: JSON.stringify({ origin }),
          error_message: null,
          total_cost: 0,
          job_id: jobId,
          created_by: creator.userId,
          created_by_email: creator.email,
          created_at: now,
          updated_at: now,
          started_at: null,
          completed_at: null,
        })
        .execute();
    });
    return id;
  }

  async get(
    principal: Principal,
    id: string,
    options: { includeSamples?: boolean } = {},
  ): Promise<EvaluationView> {
    const row = await this.findOwned(principal, id);
    const samples =
      options.includeSamples === false
        ? []
        : await this.db
            .selectFrom('evaluation_samples')
            .selectAll()
            .where('evaluation_id', '=', id)
            .orderBy('sample_index')
            .execute();
    return { ...summaryView(row), sample_classifications: samples.map(sampleView) };
  }

  async list(
    principal: Principal,
    query: { limit?: number; offset?: number; run_id?: string } = {},
  ): Promise<EvaluationSummaryView[]> {
    let q = this.db.selectFrom('evaluations').selectAll().where('company_id', '=', principal.companyId);
    if (query.run_id) q = q.where('run_id', '=', query.run_id);
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(query.limit ?? 1_000_000)
      .offset(query.offset ?? 0)
      .execute();
    return rows.map(summaryView);
  }

  async listForRun(
    principal: Principal,
    runId: string,
    page: { limit?: number; offset?: number } = {},
  ): Promise<EvaluationSummaryView[]> {
    await this.findRun(principal, runId);
    return this.list(principal, { ...page, run_id: runId });
  }

  async delete(principal: Principal, id: string): Promise<void> {
    const row = await this.findOwned(principal, id);
    if (!TERMINAL.includes(row.status as EvaluationStatus) && row.job_id) await this.jobs.cancel(row.job_id);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('evaluation_samples').where('evaluation_id', '=', id).execute();
      await trx.deleteFrom('evaluation_chat_messages').where('evaluation_id', '=', id).execute();
      await trx.deleteFrom('evaluations').where('id', '=', id).execute();
    });
  }

  async chatHistory(principal: Principal, id: string): Promise<ChatMessageView[]> {
    await this.findOwned(principal, id);
    const rows = await this.db
      .selectFrom('evaluation_chat_messages')
      .selectAll()
      .where('evaluation_id', '=', id)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(chatView);
  }

  /**
   * One chat turn about a SUCCEEDED evaluation: the model gets the evaluation's results, the earlier
   * turns (up to 20) and the new message; the turn is stored and returned.
   */
  async chat(
    principal: Principal,
    id: string,
    input: { user_message: string; chat_model?: string },
  ): Promise<ChatMessageView> {
    const row = await this.findOwned(principal, id);
    if (row.status !== 'SUCCEEDED') {
      throw new InvalidInputError(
        `the evaluation is ${row.status}; chat needs a SUCCEEDED evaluation`,
        'evaluation_id',
      );
    }
    const model = input.chat_model ?? DEFAULT_MODELS.chat;
    this.checkModel(model, 'chat_model', 'chat');
    const history = await this.db
      .selectFrom('evaluation_chat_messages')
      .select(['user_message', 'assistant_message'])
      .where('evaluation_id', '=', id)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(CHAT_HISTORY_TURNS)
      .execute();
    const system = evaluationChatSystem(await this.chatFacts(row));
    const messages = [
      ...history.reverse().flatMap((h) => [
        { role: 'user' as const, content: h.user_message },
        { role: 'assistant' as const, content: h.assistant_message },
      ]),
      { role: 'user' as const, content: input.user_message },
    ];
    const reply = await this.accounting.attribute(
      {
        companyId: principal.companyId,
        jobId: null,
        resourceType: 'evaluation_chat',
        resourceId: id,
      },
      () => this.llm.generateText({ model, stage: 'chat', system, messages }),
    );
    const message = {
      id: newId(),
      evaluation_id: id,
      company_id: principal.companyId,
      user_id: principal.userId,
      user_email: principal.email,
      chat_model: model,
      user_message: input.user_message,
      assistant_message: reply.text.trim(),
      created_at: nowIso(),
    };
    await this.db.insertInto('evaluation_chat_messages').values(message).execute();
    return chatView(message);
  }

  private async chatFacts(row: Selectable<EvaluationTable>) {
    const run = await this.db
      .selectFrom('runs')
      .select(['spec_id', 'spec_version', 'samples_completed'])
      .where('id', '=', row.run_id)
      .executeTakeFirstOrThrow();
    const version = await this.db
      .selectFrom('spec_versions')
      .select('content_yaml')
      .where('spec_id', '=', run.spec_id)
      .where('version', '=', run.spec_version)
      .executeTakeFirst();
    const spec = version ? parseSpecYaml(version.content_yaml) : undefined;
    const samples = await this.db
      .selectFrom('evaluation_samples')
      .select(['sample_identifier', 'classifications', 'assignment'])
      .where('evaluation_id', '=', row.id)
      .orderBy('sample_index')
      .execute();
    const disagreements = [];
    for (const s of samples) {
      const classifications = JSON.parse(s.classifications) as Record<string, string>;
      const assignment = JSON.parse(s.assignment) as Record<string, string>;
      if (Object.entries(classifications).some(([k, v]) => k in assignment && assignment[k] !== v)) {
        disagreements.push({ sample_identifier: s.sample_identifier, assignment, classifications });
        if (disagreements.length >= CHAT_DISAGREEMENTS) break;
      }
    }
    const view = summaryView(row);
    return {
      specDescription: spec?.description ?? '',
      status: view.status,
      conformance_score: view.conformance_score,
      conformance_explanation: view.conformance_explanation,
      conformant_areas: view.conformant_areas,
      non_conformant_areas: view.non_conformant_areas,
      distribution_analysis: view.distribution_analysis,
      quality: view.quality,
      disagreements,
      totalSamples: run.samples_completed,
    };
  }

  private checkModel(model: string, field: string, stage: 'evaluation' | 'chat'): void {
    const entry = this.catalog.find((m) => m.id === model);
    if (!entry) {
      throw new InvalidInputError(
        `${field}: unknown model "${model}"; GET /api/dataframer/models/ lists the models`,
        field,
      );
    }
    if (!entry.supported_for.includes(stage)) {
      throw new InvalidInputError(
        `${field}: ${model} cannot be used for ${stage === 'chat' ? 'chat' : 'evaluations'}`,
        field,
      );
    }
    if (model === STATISTICAL_MODEL) return;
    const problem = checkModelConfigured(model, this.llmConfig, this.catalog);
    if (problem) throw new InvalidInputError(`${field}: ${problem}`, field);
  }

  private async findRun(principal: Principal, runId: string) {
    const run = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('id', '=', runId)
      .where('company_id', '=', principal.companyId)
      .executeTakeFirst();
    if (!run) throw new NotFoundError("Run not found or does not belong to user's company");
    return run;
  }

  async findOwned(principal: Principal, id: string): Promise<Selectable<EvaluationTable>> {
    const row = await this.db
      .selectFrom('evaluations')
      .selectAll()
      .where('id', '=', id)
      .where('company_id', '=', principal.companyId)
      .executeTakeFirst();
    if (!row) throw new NotFoundError("Evaluation not found or does not belong to user's company");
    return row;
  }

  /** The evaluation job. Idempotent: a retried job recomputes everything and replaces what it stored. */
  readonly runJob = async (job: JobContext<EvaluationJobPayload>): Promise<void> => {
    const row = await this.db
      .selectFrom('evaluations')
      .selectAll()
      .where('id', '=', job.payload.evaluationId)
      .executeTakeFirst();
    if (!row || TERMINAL.includes(row.status as EvaluationStatus)) return;
    try {
      await this.accounting.attribute(
        { companyId: row.company_id, jobId: job.jobId, resourceType: 'evaluation', resourceId: row.id },
        () => this.execute(row, job),
      );
    } catch (err) {
      if (job.signal.aborted && job.signal.reason === 'shutdown') throw err;
      const message = job.signal.aborted
        ? 'the evaluation was canceled'
        : err instanceof Error
          ? err.message
          : String(err);
      await this.finishFailed(row.id, message);
    }
  };

  private async execute(row: Selectable<EvaluationTable>, job: JobContext<EvaluationJobPayload>) {
    await this.db
      .updateTable('evaluations')
      .set({ status: 'PROCESSING', started_at: row.started_at ?? nowIso(), updated_at: nowIso() })
      .where('id', '=', row.id)
      .where('status', 'in', ['PENDING', 'PROCESSING'])
      .execute();
    const run = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('id', '=', row.run_id)
      .executeTakeFirstOrThrow();
    const { spec, content, metadata } = await loadRunSpec(this.baseDb, run);
    const rows = await this.db
      .selectFrom('run_samples')
      .select(['idx', 'assignment', 'output'])
      .where('run_id', '=', run.id)
      .where('status', '=', 'completed')
      .orderBy('idx')
      .execute();
    const samples: EvaluationSample[] = rows.map((r) => {
      const output = JSON.parse(r.output ?? '{}') as SampleOutput;
      return {
        index: r.idx,
        assignment: JSON.parse(r.assignment) as Record<string, string>,
        ...(output.record ? { record: output.record } : {}),
        ...(output.files ? { files: output.files } : {}),
      };
    });
    let seeds: SeedCorpus | null = null;
    if (spec.dataset_id) {
      seeds = await loadSeedCorpus(this.db as unknown as Kysely<Database>, this.blobs, spec.dataset_id, {
        maxRecords: QUALITY_SEED_RECORDS,
        seed: row.id,
      }).catch((err: unknown) => {
        this.log?.warn({ err, evaluationId: row.id }, 'seeds unavailable for the quality block');
        return null;
      });
    }
    const result = await evaluateSamples(
      {
        model: row.evaluation_model,
        spec: content,
        datasetType: (spec.dataset_type as DatasetType) ?? 'MULTI_FILE',
        samples,
        seeds,
        columns: metadata.columns?.length ? metadata.columns : seeds?.table?.columns,
        contextWindow: this.catalog.find((m) => m.id === row.evaluation_model)?.context_window,
      },
      { llm: this.llm },
      job.signal,
    );
    const cost = await this.accounting.totalCost('evaluation', row.id);
    const now = nowIso();
    const sampleRows: EvaluationSampleTable[] = result.sample_classifications.map((c) => ({
      id: newId(),
      evaluation_id: row.id,
      sample_index: c.index,
      sample_identifier: c.sample_identifier,
      classifications: JSON.stringify(c.classifications),
      sub_file_classifications: c.sub_file_classifications
        ? JSON.stringify(c.sub_file_classifications)
        : null,
      assignment: JSON.stringify(c.assignment),
      created_at: now,
    }));
    const { calls: _calls, costUsd: _cost, ...stored } = result;
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('evaluation_samples').where('evaluation_id', '=', row.id).execute();
      for (let i = 0; i < sampleRows.length; i += 200) {
        await trx
          .insertInto('evaluation_samples')
          .values(sampleRows.slice(i, i + 200))
          .execute();
      }
      await trx
        .updateTable('evaluations')
        .set({
          status: 'SUCCEEDED',
          conformance_score: stored.conformance_score,
          conformance_explanation: stored.conformance_explanation,
          conformant_areas: stored.conformant_areas,
          non_conformant_areas: stored.non_conformant_areas,
          distribution_analysis: JSON.stringify(stored.distribution_analysis),
          quality: stored.quality ? JSON.stringify(stored.quality) : null,
          trace: JSON.stringify({ origin: row.origin, ...stored.trace, samples: samples.length }),
          error_message: null,
          total_cost: cost,
          completed_at: now,
          updated_at: now,
        })
        .where('id', '=', row.id)
        .where('status', 'in', ['PENDING', 'PROCESSING'])
        .execute();
    });
  }

  private async finishFailed(id: string, message: string): Promise<void> {
    const cost = await this.accounting.totalCost('evaluation', id).catch(() => 0);
    const now = nowIso();
    await this.db
      .updateTable('evaluations')
      .set({
        status: 'FAILED',
        error_message: message.slice(0, 2000),
        total_cost: cost,
        completed_at: now,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('status', 'in', ['PENDING', 'PROCESSING'])
      .execute();
  }
}

const parseJson = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

function summaryView(row: Selectable<EvaluationTable>): EvaluationSummaryView {
  const status = row.status as EvaluationStatus;
  const duration =
    row.started_at && row.completed_at
      ? Math.round((Date.parse(row.completed_at) - Date.parse(row.started_at)) / 10) / 100
      : null;
  return {
    id: row.id,
    run_id: row.run_id,
    company_id: row.company_id,
    status,
    status_display: STATUS_DISPLAY[status] ?? row.status,
    evaluation_model: row.evaluation_model,
    conformance_score: row.conformance_score === null ? null : Number(row.conformance_score),
    conformance_explanation: row.conformance_explanation,
    conformant_areas: row.conformant_areas,
    non_conformant_areas: row.non_conformant_areas,
    distribution_analysis: parseJson<PropertyAnalysis[]>(row.distribution_analysis),
    quality: parseJson<QualityBlock>(row.quality),
    started_at: row.started_at,
    completed_at: row.completed_at,
    duration_seconds: duration,
    error_message: row.error_message,
    total_cost: Math.round(Number(row.total_cost) * 1e6) / 1e6,
    trace: parseJson<Record<string, unknown>>(row.trace) ?? {},
    created_by: row.created_by,
    created_by_email: row.created_by_email,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function sampleView(row: Selectable<EvaluationSampleTable>): SampleClassificationView {
  return {
    id: row.id,
    evaluation_id: row.evaluation_id,
    sample_identifier: row.sample_identifier,
    sample_index: row.sample_index,
    classifications: JSON.parse(row.classifications) as Record<string, string>,
    sub_file_classifications: parseJson(row.sub_file_classifications),
    assignment: JSON.parse(row.assignment) as Record<string, string>,
    created_at: row.created_at,
  };
}

function chatView(row: {
  id: string;
  evaluation_id: string;
  user_id: string;
  user_email: string;
  chat_model: string;
  user_message: string;
  assistant_message: string;
  created_at: string;
}): ChatMessageView {
  return {
    id: row.id,
    evaluation_id: row.evaluation_id,
    user_message: row.user_message,
    assistant_message: row.assistant_message,
    chat_model: row.chat_model,
    created_at: row.created_at,
    user: row.user_id,
    user_email: row.user_email,
  };
}
