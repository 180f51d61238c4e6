import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import {
  type AnonymizableFormat,
  type AnonymizedFileOutcome,
  Anonymizer,
  ConflictError,
  contentTypeForFormat,
  type DatasetType,
  type DetectionMethod,
  InvalidInputError,
  inOrder,
  isPiiType,
  type LlmConfig,
  type LlmGateway,
  type LlmModel,
  type MaskOperatorConfig,
  type MaskPlan,
  NotFoundError,
  PII_TYPES,
  type PiiDetectionPool,
  type PiiEntity,
  type PiiType,
  parseMaskConfig,
  usesLlm,
} from '@openframer/core';
import type { Kysely, Selectable } from 'kysely';
import yazl from 'yazl';
import type { Principal } from '../auth/service.js';
import type { UrlSigner } from '../blobs/signing.js';
import type { BlobStore } from '../blobs/store.js';
import type { Database } from '../db/index.js';
import type { JobContext, JobRunner } from '../jobs/runner.js';
import type { SecretBox } from '../secrets.js';
import { newId, nowIso } from '../util.js';
import type { DatasetDetail, DatasetService } from './datasets.js';
import type { LlmAccounting } from './llm-accounting.js';
import { requireLanguageModel } from './model-checks.js';

export const ANONYMIZATION_JOB = 'anonymization-run';

export type AnonymizationStatus = 'PENDING' | 'PROCESSING' | 'SUCCEEDED' | 'FAILED';
const TERMINAL: readonly string[] = ['SUCCEEDED', 'FAILED'];

/** Entities kept in `results.entities_found` (the summary counts them all). */
export const MAX_ENTITIES_FOUND = 10_000;
export const DEFAULT_THRESHOLD = 0.3;

/** Rows of migration 0004 (kept here, next to the only code that reads them). */
export interface AnonymizationRunTable {
  id: string;
  company_id: string;
  dataset_id: string | null;
  dataset_name: string | null;
  dataset_type: string;
  status: string;
  /** JSON array of labels. */
  pii_types: string;
  detection_method: string;
  llm_model_name: string | null;
  /** JSON: {plan, fallback}. */
  mask_config: string;
  threshold: number;
  /** The run's REPLACE/HASH secret, sealed with the server secret. */
  sealed_secret: string;
  /** JSON of AnonymizationResults once the run ends. */
  results: string | null;
  error: string | null;
  created_by: string;
  created_by_email: string;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  duration_seconds: number | null;
  job_id: string | null;
  /** null | building | ready | failed */
  zip_status: string | null;
  zip_blob_key: string | null;
  zip_size_bytes: number | null;
}

export interface AnonymizationFileTable {
  id: string;
  run_id: string;
  source_file_id: string;
  path: string;
  name: string;
  folder: string | null;
  file_type: string;
  content_type: string;
  size_bytes: number;
  blob_key: string;
  created_at: string;
}

type AnonymizationTables = {
  anonymization_runs: AnonymizationRunTable;
  anonymization_files: AnonymizationFileTable;
};

type Db = Kysely<Database & AnonymizationTables>;

export interface AnonymizationResults {
  entity_summary: Record<string, number>;
  samples_processed: number;
  entities_found?: { start: number; end: number; label: string; score: number }[];
  error?: string;
}

export interface AnonymizationRunView {
  id: string;
  status: AnonymizationStatus;
  dataset_id: string | null;
  dataset_name: string | null;
  pii_types: string[];
  detection_method: string;
  llm_model_name: string | null;
  created_by_email: string | null;
  duration_seconds: number | null;
  results: AnonymizationResults | null;
  anonymized_files: { id: string; path: string; size_in_bytes: number; content_type: string }[];
  completed_at: string | null;
  created_at: string;
}

export interface CreateAnonymizationInput {
  dataset_id: string;
  pii_types: string[];
  detection_method: DetectionMethod;
  llm_model_name?: string | null;
  mask_config?: Record<string, unknown> | null;
  threshold?: number;
}

interface JobPayload {
  runId: string;
}

interface StoredMaskConfig {
  plan: MaskPlan;
  fallback: MaskOperatorConfig;
}

const NOT_FOUND = "Anonymization run not found or does not belong to user's company";

/**
 * Anonymization runs: PII/PHI detection and masking of a seed dataset's files. Creating a run stores it
 * and enqueues its job in one transaction; the job writes one anonymized file per input file (bad files
 * are reported, not fatal) and the run's results; the files can be downloaded one by one or as a ZIP,
 * or become a new seed dataset.
 */
export class AnonymizationService {
  private readonly db: Db;
  private readonly zips = new Map<string, Promise<void>>();

  constructor(
    db: Kysely<Database>,
    private readonly blobs: BlobStore,
    private readonly jobs: JobRunner,
    private readonly llm: LlmGateway,
    private readonly llmConfig: LlmConfig,
    private readonly catalog: readonly LlmModel[],
    private readonly accounting: LlmAccounting,
    private readonly secrets: SecretBox,
    private readonly signer: UrlSigner,
    private readonly datasets: DatasetService,
    /** Threads for pattern and NER detection; undefined runs it in the job's own thread. */
    private readonly detectionPool?: PiiDetectionPool,
    private readonly log?: { error(obj: object, msg: string): void },
  ) {
    this.db = db.withTables<AnonymizationTables>();
  }

  async create(principal: Principal, input: CreateAnonymizationInput): Promise<AnonymizationRunView> {
    const piiTypes = parsePiiTypes(input.pii_types);
    const model = input.llm_model_name?.trim() || null;
    if (usesLlm(input.detection_method)) this.checkModel(model, input.detection_method);
    const mask = parseMaskConfig(input.mask_config ?? undefined, PII_TYPES);
    const dataset = await this.db
      .selectFrom('datasets')
      .select(['id', 'name', 'dataset_type'])
      .where('id', '=', input.dataset_id)
      .where('company_id', '=', principal.companyId)
      .executeTakeFirst();
    if (!dataset) throw new NotFoundError("Dataset not found or does not belong to user's company");
    const id = newId();
    const stored: StoredMaskConfig = { plan: mask.plan, fallback: mask.fallback };
    await this.db.transaction().execute(async (trx) => {
      const jobId = await this.jobs.enqueue(ANONYMIZATION_JOB, { runId: id } satisfies JobPayload, {
        db: trx as unknown as Kysely<Database>,
        companyId: principal.companyId,
        maxAttempts: 3,
      });
      await trx
        .insertInto('anonymization_runs')
        .values({
          id,
          company_id: principal.companyId,
          dataset_id: dataset.id,
          dataset_name: dataset.name,
          dataset_type: dataset.dataset_type,
          status: 'PENDING',
          pii_types: JSON.stringify(piiTypes),
          detection_method: input.detection_method,
          llm_model_name: model,
          mask_config: JSON.stringify(stored),
          threshold: input.threshold ?? DEFAULT_THRESHOLD,
          sealed_secret: this.secrets.seal(randomBytes(32).toString('base64url')),
          results: null,
          error: null,
          created_by: principal.userId,
          created_by_email: principal.email,
          created_at: nowIso(),
          started_at: null,
          completed_at: null,
          duration_seconds: null,
          job_id: jobId,
          zip_status: null,
          zip_blob_key: null,
          zip_size_bytes: null,
        })
        .execute();
    });
    return this.get(principal, id);
  }

  async get(principal: Principal, id: string): Promise<AnonymizationRunView> {
    const run = await this.findOwned(principal, id);
    const [view] = await this.views([run], true);
    return view!;
  }

  /** Runs newest first; `results.entities_found` is left out (GET one run for it). */
  async list(
    principal: Principal,
    page: { limit?: number; offset?: number } = {},
  ): Promise<AnonymizationRunView[]> {
    const runs = await this.db
      .selectFrom('anonymization_runs')
      .selectAll()
      .where('company_id', '=', principal.companyId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(page.limit ?? 1_000_000)
      .offset(page.offset ?? 0)
      .execute();
    return this.views(runs, false);
  }

  async delete(principal: Principal, id: string): Promise<void> {
    const run = await this.findOwned(principal, id);
    if (!TERMINAL.includes(run.status) && run.job_id) await this.jobs.cancel(run.job_id);
    await this.zips.get(id)?.catch(() => undefined);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('anonymization_files').where('run_id', '=', id).execute();
      await trx.deleteFrom('anonymization_runs').where('id', '=', id).execute();
    });
    await this.blobs.deletePrefix(`anonymizations/${id}`);
  }

  async fileDownload(principal: Principal, runId: string, fileId: string) {
    await this.findOwned(principal, runId);
    const file = await this.db
      .selectFrom('anonymization_files')
      .selectAll()
      .where('id', '=', fileId)
      .where('run_id', '=', runId)
      .executeTakeFirst();
    if (!file) throw new NotFoundError('File not found in this anonymization run');
    const { url, expiresAt } = this.signer.sign(file.blob_key, file.name, 3600);
    return {
      download_url: url,
      expires_at: expiresAt.toISOString(),
      size_bytes: Number(file.size_bytes),
      path: file.path,
    };
  }

  /** 200 with a link when the ZIP of the run's files is ready; otherwise starts building it (202). */
  async zipDownload(
    principal: Principal,
    runId: string,
  ): Promise<
    { ready: true; download_url: string; size_bytes: number; expires_at: string } | { ready: false }
  > {
    const run = await this.findOwned(principal, runId);
    if (!TERMINAL.includes(run.status)) {
      throw new ConflictError(`the run is ${run.status}; its files can be downloaded when it has finished`);
    }
    if (run.zip_status === 'ready' && run.zip_blob_key) {
      const { url, expiresAt } = this.signer.sign(run.zip_blob_key, `anonymization-${run.id}.zip`, 3600);
      return {
        ready: true,
        download_url: url,
        size_bytes: Number(run.zip_size_bytes),
        expires_at: expiresAt.toISOString(),
      };
    }
    this.ensureZip(runId);
    return { ready: false };
  }

  /** Waits for a ZIP being built here (tests, in-process CLI). */
  async zipSettled(runId: string): Promise<void> {
    await this.zips.get(runId);
  }

  /** Turns the run's anonymized files into a new seed dataset of the same type (same folders, same names). */
  async createDataset(
    principal: Principal,
    runId: string,
    input: { name: string; description?: string },
  ): Promise<DatasetDetail> {
    const run = await this.findOwned(principal, runId);
    if (run.status !== 'SUCCEEDED') {
      throw new ConflictError(`the run is ${run.status}; a dataset can be made from a SUCCEEDED run`);
    }
    const files = await this.filesOf(runId);
    if (files.length === 0) throw new ConflictError('the run produced no anonymized files');
    const contents = [];
    for (const f of files) {
      contents.push({
        name: f.name,
        folder: f.folder,
        content: await buffer(await this.blobs.get(f.blob_key)),
      });
    }
    return this.datasets.createFromFiles(principal, {
      name: input.name,
      description:
        input.description ??
        `Anonymized copy of ${run.dataset_name ?? 'a dataset'} (anonymization run ${run.id})`,
      datasetType: run.dataset_type as DatasetType,
      files: contents,
    });
  }

  private checkModel(model: string | null, method: string): void {
    if (!model) {
      throw new InvalidInputError(
        `detection_method ${method} uses a language model: give llm_model_name`,
        'llm_model_name',
      );
    }
    requireLanguageModel(
      model,
      'anonymization',
      'anonymization',
      'llm_model_name',
      this.catalog,
      this.llmConfig,
    );
  }

  private async findOwned(principal: Principal, id: string): Promise<Selectable<AnonymizationRunTable>> {
    const run = await this.db
      .selectFrom('anonymization_runs')
      .selectAll()
      .where('id', '=', id)
      .where('company_id', '=', principal.companyId)
      .executeTakeFirst();
    if (!run) throw new NotFoundError(NOT_FOUND);
    return run;
  }

  private filesOf(runId: string) {
    return this.db
      .selectFrom('anonymization_files')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('path')
      .execute();
  }

  private async views(
    runs: Selectable<AnonymizationRunTable>[],
    withEntities: boolean,
  ): Promise<AnonymizationRunView[]> {
    if (runs.length === 0) return [];
    const ids = runs.map((r) => r.id);
    const files = await this.db
      .selectFrom('anonymization_files')
      .select(['id', 'run_id', 'path', 'size_bytes', 'content_type'])
      .where('run_id', 'in', ids)
      .orderBy('path')
      .execute();
    const datasetIds = [...new Set(runs.map((r) => r.dataset_id).filter((d): d is string => d !== null))];
    const live = datasetIds.length
      ? await this.db.selectFrom('datasets').select(['id', 'name']).where('id', 'in', datasetIds).execute()
      : [];
    const names = new Map(live.map((d) => [d.id, d.name]));
    return runs.map((r) => {
      let results = r.results ? (JSON.parse(r.results) as AnonymizationResults) : null;
      if (results && !withEntities) {
        const { entities_found: _omit, ...rest } = results;
        results = rest;
      }
      return {
        id: r.id,
        status: r.status as AnonymizationStatus,
        dataset_id: r.dataset_id,
        dataset_name: (r.dataset_id && names.get(r.dataset_id)) ?? r.dataset_name,
        pii_types: JSON.parse(r.pii_types) as string[],
        detection_method: r.detection_method,
        llm_model_name: r.llm_model_name,
        created_by_email: r.created_by_email,
        duration_seconds: r.duration_seconds,
        results,
        anonymized_files: files
          .filter((f) => f.run_id === r.id)
          .map((f) => ({
            id: f.id,
            path: f.path,
            size_in_bytes: Number(f.size_bytes),
            content_type: f.content_type,
          })),
        completed_at: r.completed_at,
        created_at: r.created_at,
      };
    });
  }

  /**
   * The job. Idempotent: a restarted job removes what an earlier attempt wrote and starts over; REPLACE
   * fakes are a function of the run's secret, so the files come out the same.
   */
  readonly runJob = async (job: JobContext<JobPayload>): Promise<void> => {
    const run = await this.db
      .selectFrom('anonymization_runs')
      .selectAll()
      .where('id', '=', job.payload.runId)
      .executeTakeFirst();
    if (!run || TERMINAL.includes(run.status)) return;
    const attribution = {
      companyId: run.company_id,
      jobId: job.jobId,
      resourceType: 'anonymization_run',
      resourceId: run.id,
    };
    try {
      await this.accounting.attribute(attribution, () => this.execute(run, job));
    } catch (err) {
      // Shutdown: the job runs again. Cancel: the run is being deleted.
      if (job.signal.aborted) {
        if (job.signal.reason === 'shutdown') throw err;
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      await this.finish(run.id, 'FAILED', {
        entity_summary: {},
        samples_processed: 0,
        entities_found: [],
        error: message,
      });
    }
  };

  private async execute(run: Selectable<AnonymizationRunTable>, job: JobContext<JobPayload>): Promise<void> {
    const startedAt = run.started_at ?? nowIso();
    await this.db
      .updateTable('anonymization_runs')
      .set({ status: 'PROCESSING', started_at: startedAt })
      .where('id', '=', run.id)
      .where('status', 'in', ['PENDING', 'PROCESSING'])
      .execute();
    // Start over from a clean slate (a resumed job).
    await this.db.deleteFrom('anonymization_files').where('run_id', '=', run.id).execute();
    await this.blobs.deletePrefix(`anonymizations/${run.id}/files`);

    const sources = run.dataset_id
      ? await this.db
          .selectFrom('dataset_files')
          .selectAll()
          .where('dataset_id', '=', run.dataset_id)
          .orderBy('path')
          .execute()
      : [];
    if (sources.length === 0) throw new Error('the dataset has no files (was it deleted?)');

    const piiTypes = JSON.parse(run.pii_types) as PiiType[];
    const mask = JSON.parse(run.mask_config) as StoredMaskConfig;
    const method = run.detection_method as DetectionMethod;
    const anonymizer = await Anonymizer.create({
      piiTypes,
      method,
      threshold: Number(run.threshold),
      plan: mask.plan,
      fallback: mask.fallback,
      secret: this.secrets.open(run.sealed_secret),
      ...(this.detectionPool ? { pool: this.detectionPool } : {}),
      ...(usesLlm(method) && run.llm_model_name
        ? { llm: { gateway: this.llm, model: run.llm_model_name } }
        : {}),
    });

    const summary: Record<string, number> = {};
    const entities: PiiEntity<PiiType>[] = [];
    const problems: string[] = [];
    let samples = 0;
    let written = 0;
    // With detection threads, the next file is read and started while this one is detected, masked and
    // stored (its masking waits for this one's: the output is the same as one file at a time).
    const files = inOrder(sources, this.detectionPool ? 2 : 1, async (source) => {
      job.signal.throwIfAborted();
      const { key, format } = textOf(source);
      const outcome: AnonymizedFileOutcome = key
        ? await anonymizer.anonymizeFile(
            { path: source.path, format, bytes: await buffer(await this.blobs.get(key)) },
            job.signal,
            // Only the entities the run reports are made into objects (the summary counts them all): what
            // is left of its 10,000 before the file still being stored (the run keeps the first in order).
            MAX_ENTITIES_FOUND - entities.length,
          )
        : { ok: false, error: `${source.path}: no text could be extracted from this PDF` };
      return { source, outcome };
    });
    for await (const { source, outcome } of files) {
      const { isPdf, format } = textOf(source);
      if (!outcome.ok) {
        problems.push(outcome.error);
        continue;
      }
      const fileId = newId();
      const blobKey = `anonymizations/${run.id}/files/${fileId}`;
      const stored = await this.blobs.put(blobKey, outcome.content);
      const name = isPdf ? `${source.name}.txt` : source.name;
      await this.db
        .insertInto('anonymization_files')
        .values({
          id: fileId,
          run_id: run.id,
          source_file_id: source.id,
          path: isPdf ? `${source.path}.txt` : source.path,
          name,
          folder: source.folder,
          file_type: format,
          content_type: contentTypeForFormat(format),
          size_bytes: stored.size,
          blob_key: blobKey,
          created_at: nowIso(),
        })
        .execute();
      written++;
      samples += outcome.samples;
      for (const [label, n] of Object.entries(outcome.counts)) summary[label] = (summary[label] ?? 0) + n;
      for (const e of outcome.entities) {
        if (entities.length >= MAX_ENTITIES_FOUND) break;
        entities.push(e);
      }
    }
    const results: AnonymizationResults = {
      entity_summary: summary,
      samples_processed: samples,
      entities_found: entities.map((e) => ({ start: e.start, end: e.end, label: e.label, score: e.score })),
    };
    if (problems.length > 0) {
      results.error = `${problems.length} of ${sources.length} file${sources.length === 1 ? '' : 's'} could not be anonymized: ${problems.join('; ')}`;
    }
    await this.finish(run.id, written > 0 ? 'SUCCEEDED' : 'FAILED', results);
  }

  private async finish(
    runId: string,
    status: AnonymizationStatus,
    results: AnonymizationResults,
  ): Promise<void> {
    const run = await this.db
      .selectFrom('anonymization_runs')
      .select(['started_at', 'created_at'])
      .where('id', '=', runId)
      .executeTakeFirst();
    if (!run) return;
    const completed = new Date();
    const started = Date.parse(run.started_at ?? run.created_at);
    await this.db
      .updateTable('anonymization_runs')
      .set({
        status,
        results: JSON.stringify(results),
        error: results.error ? results.error.slice(0, 2000) : null,
        completed_at: completed.toISOString(),
        duration_seconds: Math.max(0, Math.round((completed.getTime() - started) / 1000)),
      })
      .where('id', '=', runId)
      .where('status', 'in', ['PENDING', 'PROCESSING'])
      .execute();
  }

  private ensureZip(runId: string): void {
    if (this.zips.has(runId)) return;
    const work = this.buildZip(runId)
      .catch(async (err) => {
        this.log?.error({ err, runId }, 'building the anonymization ZIP failed');
        await this.db
          .updateTable('anonymization_runs')
          .set({ zip_status: 'failed' })
          .where('id', '=', runId)
          .execute();
      })
      .finally(() => this.zips.delete(runId));
    this.zips.set(runId, work);
  }

  private async buildZip(runId: string): Promise<void> {
    await this.db
      .updateTable('anonymization_runs')
      .set({ zip_status: 'building' })
      .where('id', '=', runId)
      .execute();
    const files = await this.filesOf(runId);
    const zip = new yazl.ZipFile();
    for (const f of files) {
      // Opened one at a time as the ZIP is written.
      zip.addReadStreamLazy(f.path, (cb) => {
        this.blobs.get(f.blob_key).then(
          (stream) => cb(null, stream),
          (err) => cb(err, undefined as unknown as NodeJS.ReadableStream),
        );
      });
    }
    zip.end();
    const key = `anonymizations/${runId}/download.zip`;
    const stored = await this.blobs.put(key, zip.outputStream as unknown as Readable);
    await this.db
      .updateTable('anonymization_runs')
      .set({ zip_status: 'ready', zip_blob_key: key, zip_size_bytes: stored.size })
      .where('id', '=', runId)
      .execute();
  }
}

/** Lower-cases and checks `pii_types`; unknown labels are one error naming all of them. */
function parsePiiTypes(values: readonly string[]): PiiType[] {
  const labels = [...new Set(values.map((v) => v.trim().toLowerCase()))];
  const unknown = labels.filter((l) => !isPiiType(l));
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `unknown pii_types: ${unknown.map((u) => `"${u}"`).join(', ')}; known labels are ${PII_TYPES.join(', ')}`,
      'pii_types',
    );
  }
  return labels as PiiType[];
}

/** Where a dataset file's text is: the file itself, or for a PDF its extracted text. */
function textOf(source: { file_type: string; blob_key: string; text_blob_key: string | null }) {
  const isPdf = source.file_type === 'pdf';
  return {
    isPdf,
    format: (isPdf ? 'txt' : source.file_type) as AnonymizableFormat,
    key: isPdf ? source.text_blob_key : source.blob_key,
  };
}
