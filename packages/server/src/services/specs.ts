import {
  analyzeSeeds,
  ConflictError,
  checkModelConfigured,
  type DatasetType,
  DEFAULT_MODELS,
  InvalidInputError,
  type LlmConfig,
  type LlmGateway,
  type LlmModel,
  NotFoundError,
  parseSpecYaml,
  type SpecMetadata,
  STATISTICAL_MODEL,
  serialiseSpec,
} from '@openframer/core';
import type { Kysely, Selectable } from 'kysely';
import { parse as parseYaml } from 'yaml';
import type { Principal } from '../auth/service.js';
import type { BlobStore } from '../blobs/store.js';
import type { Database } from '../db/index.js';
import type { SpecTable } from '../db/schema.js';
import type { JobContext, JobRunner } from '../jobs/runner.js';
import { databricksCredentials, type SecretBox } from '../secrets.js';
import { newId, nowIso } from '../util.js';
import { isUniqueViolation } from './db-errors.js';
import type { LlmAccounting } from './llm-accounting.js';
import { loadSeedCorpus } from './seed-corpus.js';

export const SPEC_JOB = 'spec-analysis';

export interface CreateSpecInput {
  name: string;
  description?: string;
  dataset_id?: string | null;
  generation_objectives?: string | null;
  spec_generation_model_name?: string;
  generate_distributions?: boolean;
  generate_conditional_distributions?: boolean;
  extrapolate_values?: boolean;
  extrapolate_axes?: boolean;
  databricks_client_id?: string;
  databricks_client_secret?: string;
  databricks_api_base?: string;
}

export interface SpecView {
  id: string;
  name: string;
  description: string;
  status: 'PROCESSING' | 'SUCCEEDED' | 'FAILED';
  created_at: string;
  updated_at: string;
  dataset_id: string | null;
  dataset_name: string | null;
  dataset_type: DatasetType;
  created_by_email: string;
  runtime_params: Record<string, unknown>;
  content_yaml: string | null;
  error: string | null;
  latest_version: number | null;
  total_cost: number;
  versions?: { version: number; content_yaml: string; created_at: string }[];
}

interface SpecJobPayload {
  specId: string;
  /** Databricks client secret, sealed with the server secret. */
  sealedDatabricks?: string;
}

/** Tables are sampled to this many records for the model; the offline engine reads up to 100,000. */
const LLM_MAX_RECORDS = 20_000;
const STATISTICAL_MAX_RECORDS = 100_000;

export class SpecService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly blobs: BlobStore,
    private readonly jobs: JobRunner,
    private readonly llm: LlmGateway,
    private readonly llmConfig: LlmConfig,
    private readonly catalog: readonly LlmModel[],
    private readonly accounting: LlmAccounting,
    private readonly secrets: SecretBox,
  ) {}

  async create(principal: Principal, input: CreateSpecInput): Promise<{ id: string }> {
    const name = input.name.trim();
    if (!name) throw new InvalidInputError('name must not be empty', 'name');
    const seedless = !input.dataset_id;
    const objectives = input.generation_objectives?.trim() || null;
    if (seedless && !objectives) {
      throw new InvalidInputError(
        'give dataset_id for a seeded spec, or generation_objectives for a seedless one',
        'dataset_id',
      );
    }
    const model = input.spec_generation_model_name ?? DEFAULT_MODELS.spec;
    this.checkModel(model, input, seedless);
    const generateDistributions = input.generate_distributions ?? true;
    const conditional = input.generate_conditional_distributions ?? false;
    if (conditional && !generateDistributions) {
      throw new InvalidInputError(
        'generate_conditional_distributions requires generate_distributions to be true',
        'generate_conditional_distributions',
      );
    }
    let dataset: { id: string; name: string; dataset_type: string } | undefined;
    if (!seedless) {
      dataset = await this.db
        .selectFrom('datasets')
        .select(['id', 'name', 'dataset_type'])
        .where('id', '=', input.dataset_id!)
        .where('company_id', '=', principal.companyId)
        .executeTakeFirst();
      if (!dataset) throw new NotFoundError("Dataset not found or does not belong to user's company");
    }
    const runtimeParams: Record<string, unknown> = seedless
      ? { spec_generation_model_name: model, generation_objectives: objectives }
      : {
          spec_generation_model_name: model,
          generate_distributions: generateDistributions,
          generate_conditional_distributions: conditional,
          extrapolate_values: input.extrapolate_values ?? true,
          extrapolate_axes: input.extrapolate_axes ?? false,
          ...(objectives ? { generation_objectives: objectives } : {}),
        };
    if (seedless) {
      runtimeParams.generate_distributions = generateDistributions;
      runtimeParams.generate_conditional_distributions = conditional;
      runtimeParams.extrapolate_axes = input.extrapolate_axes ?? false;
    }
    if (input.databricks_api_base) runtimeParams.databricks_api_base = input.databricks_api_base;
    if (input.databricks_client_id) runtimeParams.databricks_client_id = input.databricks_client_id;

    const id = newId();
    const now = nowIso();
    const payload: SpecJobPayload = { specId: id };
    if (input.databricks_client_secret)
      payload.sealedDatabricks = this.secrets.seal(input.databricks_client_secret);
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('specs')
          .values({
            id,
            company_id: principal.companyId,
            name,
            description: input.description?.trim() ?? '',
            status: 'PROCESSING',
            dataset_id: dataset?.id ?? null,
            dataset_type: dataset?.dataset_type ?? 'MULTI_FILE',
            runtime_params: JSON.stringify(runtimeParams),
            error: null,
            created_by: principal.userId,
            created_by_email: principal.email,
            created_at: now,
            updated_at: now,
            total_cost: 0,
          })
          .execute();
        await this.jobs.enqueue(SPEC_JOB, payload, { db: trx, companyId: principal.companyId });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`a spec named "${name}" already exists`, 'name');
      throw err;
    }
    return { id };
  }

  private checkModel(model: string, input: CreateSpecInput, seedless: boolean): void {
    const entry = this.catalog.find((m) => m.id === model);
    if (!entry) {
      throw new InvalidInputError(
        `unknown model "${model}"; GET /api/dataframer/models/ lists the models`,
        'spec_generation_model_name',
      );
    }
    if (!entry.supported_for.includes('spec')) {
      throw new InvalidInputError(`${model} cannot create specs`, 'spec_generation_model_name');
    }
    if (model === STATISTICAL_MODEL) {
      if (seedless) {
        throw new InvalidInputError(
          'openframer/statistical learns from seed data; a seedless spec needs a language model',
          'spec_generation_model_name',
        );
      }
      return;
    }
    if (entry.provider === 'databricks' && input.databricks_client_id) {
      if (!input.databricks_client_secret || !input.databricks_api_base) {
        throw new InvalidInputError(
          'databricks models need databricks_client_id, databricks_client_secret and databricks_api_base together',
          'databricks_client_secret',
        );
      }
      return;
    }
    const problem = checkModelConfigured(model, this.llmConfig, this.catalog);
    if (problem) throw new InvalidInputError(problem, 'spec_generation_model_name');
  }

  async get(principal: Principal, id: string, includeVersions = false): Promise<SpecView> {
    const row = await this.findOwned(principal, id);
    return this.view(row, includeVersions);
  }

  async list(principal: Principal, page: { limit?: number; offset?: number } = {}): Promise<SpecView[]> {
    const rows = await this.db
      .selectFrom('specs')
      .selectAll()
      .where('company_id', '=', principal.companyId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(page.limit ?? 1_000_000)
      .offset(page.offset ?? 0)
      .execute();
    return Promise.all(rows.map((r) => this.view(r, false)));
  }

  /** Replaces the spec's content with a new version; the `metadata:` block is read-only and carried over. */
  async update(principal: Principal, id: string, contentYaml: string): Promise<SpecView> {
    const row = await this.findOwned(principal, id);
    if (row.status !== 'SUCCEEDED') {
      throw new ConflictError(`the spec is ${row.status}; only a SUCCEEDED spec can be edited`);
    }
    const content = parseSpecYaml(contentYaml);
    const latest = await this.latestVersion(id);
    const metadata = {
      ...metadataOf(latest?.content_yaml),
      version: (latest?.version ?? 0) + 1,
      created_at: nowIso(),
    };
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('spec_versions')
        .values({
          id: newId(),
          spec_id: id,
          version: metadata.version,
          content_yaml: serialiseSpec(content, metadata),
          created_at: metadata.created_at,
        })
        .execute();
      await trx.updateTable('specs').set({ updated_at: metadata.created_at }).where('id', '=', id).execute();
    });
    return this.get(principal, id);
  }

  async delete(principal: Principal, id: string): Promise<void> {
    await this.findOwned(principal, id);
    const runs = await this.db.selectFrom('runs').select('id').where('spec_id', '=', id).limit(1).execute();
    if (runs.length > 0) throw new ConflictError('the spec is used by runs; delete the runs first');
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('spec_versions').where('spec_id', '=', id).execute();
      await trx.deleteFrom('specs').where('id', '=', id).execute();
    });
  }

  /** The background job: analyse the seeds (or objectives), store version 1, or fail with a reason. */
  readonly runAnalysisJob = async (job: JobContext<SpecJobPayload>): Promise<void> => {
    const spec = await this.db
      .selectFrom('specs')
      .selectAll()
      .where('id', '=', job.payload.specId)
      .executeTakeFirst();
    if (spec?.status !== 'PROCESSING') return;
    const params = JSON.parse(spec.runtime_params) as Record<string, unknown>;
    const model = String(params.spec_generation_model_name);
    try {
      const result = await this.accounting.attribute(
        { companyId: spec.company_id, jobId: job.jobId, resourceType: 'spec', resourceId: spec.id },
        async () => {
          const seeds = spec.dataset_id
            ? await loadSeedCorpus(this.db, this.blobs, spec.dataset_id, {
                maxRecords: model === STATISTICAL_MODEL ? STATISTICAL_MAX_RECORDS : LLM_MAX_RECORDS,
                seed: spec.id,
              })
            : null;
          const analysis = await analyzeSeeds(
            {
              model,
              seeds,
              objectives: (params.generation_objectives as string | undefined) ?? null,
              options: {
                generateDistributions: params.generate_distributions !== false,
                generateConditionalDistributions: params.generate_conditional_distributions === true,
                extrapolateValues: params.extrapolate_values === true,
                extrapolateAxes: params.extrapolate_axes === true,
              },
              credentials: databricksCredentials(this.secrets, params, job.payload.sealedDatabricks),
              contextWindow: this.catalog.find((m) => m.id === model)?.context_window,
            },
            { llm: this.llm },
            job.signal,
          );
          return { analysis, columns: seeds?.table?.columns };
        },
      );
      const now = nowIso();
      const metadata: SpecMetadata = {
        spec_id: spec.id,
        spec_name: spec.name,
        version: 1,
        dataset_id: spec.dataset_id,
        dataset_type: spec.dataset_type,
        generation_model: model,
        created_at: now,
        samples_analysed: result.analysis.samplesAnalysed,
        chunks: result.analysis.chunks,
        ...(result.columns ? { columns: result.columns } : {}),
      };
      const totalCost = await this.accounting.totalCost('spec', spec.id);
      await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('spec_versions')
          .values({
            id: newId(),
            spec_id: spec.id,
            version: 1,
            content_yaml: serialiseSpec(result.analysis.content, metadata),
            created_at: now,
          })
          .onConflict((oc) => oc.columns(['spec_id', 'version']).doNothing())
          .execute();
        await trx
          .updateTable('specs')
          .set({ status: 'SUCCEEDED', error: null, updated_at: now, total_cost: totalCost })
          .where('id', '=', spec.id)
          .execute();
      });
    } catch (err) {
      // Shutdown and cancel leave the spec PROCESSING: the job runs again or the spec is deleted.
      if (job.signal.aborted) throw err;
      const message = err instanceof Error ? err.message : String(err);
      await this.db
        .updateTable('specs')
        .set({
          status: 'FAILED',
          error: `Spec generation failed: ${message}`,
          updated_at: nowIso(),
          total_cost: await this.accounting.totalCost('spec', spec.id),
        })
        .where('id', '=', spec.id)
        .execute();
    }
  };

  private async latestVersion(specId: string) {
    return this.db
      .selectFrom('spec_versions')
      .selectAll()
      .where('spec_id', '=', specId)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  private async findOwned(principal: Principal, id: string): Promise<Selectable<SpecTable>> {
    const row = await this.db
      .selectFrom('specs')
      .selectAll()
      .where('id', '=', id)
      .where('company_id', '=', principal.companyId)
      .executeTakeFirst();
    if (!row) throw new NotFoundError("Spec not found or does not belong to user's company");
    return row;
  }

  private async view(row: Selectable<SpecTable>, includeVersions: boolean): Promise<SpecView> {
    const dataset = row.dataset_id
      ? await this.db
          .selectFrom('datasets')
          .select('name')
          .where('id', '=', row.dataset_id)
          .executeTakeFirst()
      : undefined;
    const ready = row.status === 'SUCCEEDED';
    const versions = ready
      ? await this.db
          .selectFrom('spec_versions')
          .select(['version', 'content_yaml', 'created_at'])
          .where('spec_id', '=', row.id)
          .orderBy('version')
          .execute()
      : [];
    const latest = versions[versions.length - 1];
    const view: SpecView = {
      id: row.id,
      name: row.name,
      description: row.description,
      status: row.status as SpecView['status'],
      created_at: row.created_at,
      updated_at: row.updated_at,
      dataset_id: row.dataset_id,
      dataset_name: dataset?.name ?? null,
      dataset_type: row.dataset_type as DatasetType,
      created_by_email: row.created_by_email,
      runtime_params: JSON.parse(row.runtime_params) as Record<string, unknown>,
      content_yaml: ready ? (latest?.content_yaml ?? null) : null,
      error: row.status === 'FAILED' ? row.error : null,
      latest_version: latest?.version ?? null,
      total_cost: Number(row.total_cost),
    };
    if (includeVersions) view.versions = versions;
    return view;
  }
}

function metadataOf(yaml: string | undefined): SpecMetadata {
  if (!yaml) return {};
  try {
    const doc = parseYaml(yaml) as { metadata?: SpecMetadata } | null;
    return doc?.metadata ?? {};
  } catch {
    return {};
  }
}
