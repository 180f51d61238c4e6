import { SEED_SHUFFLING_LEVELS, SQL_VALIDATION_LEVELS } from '@openframer/core';
import { z } from 'zod';
import { uuidParam } from './common.js';

export const RunStatusSchema = z.enum(['PENDING', 'PROCESSING', 'SUCCEEDED', 'FAILED', 'CANCELED']);

export const RunRuntimeParamsSchema = z
  .object({
    number_of_samples: z.number().int(),
    generation_model: z.string(),
    outline_model: z.string(),
    revision_model: z.string().nullable().describe('Null if revisions are disabled'),
    enable_revisions: z.boolean(),
    revision_types: z.array(z.string()).describe('Revision types that were applied'),
    filtering_types: z.array(z.string()).describe('Filtering types that were applied'),
    max_revision_cycles: z.number().int().nullable(),
    seed_shuffling_level: z.enum(SEED_SHUFFLING_LEVELS),
    max_examples_in_prompt: z.number().int().nullable(),
    unified_multifield: z.boolean(),
    generation_thinking_budget: z.number().int().nullable().describe('Null if not a thinking model'),
    outline_thinking_budget: z.number().int().nullable(),
    revision_thinking_budget: z.number().int().nullable(),
    skip_outline: z.boolean().nullable(),
    tools: z.array(z.string()).nullable(),
    sql_validation_level: z.enum(SQL_VALIDATION_LEVELS).nullable(),
    evaluate_after: z.boolean().optional().describe('Present (false) when the run asked not to be evaluated'),
  })
  .meta({ id: 'RunRuntimeParams' });

export const GeneratedFileSchema = z
  .object({
    id: z.string().describe('File identifier for download'),
    path: z.string(),
    file_type: z.string().describe('MIME type'),
    size_bytes: z.number().int(),
  })
  .meta({ id: 'GeneratedFile' });

export const RunSummarySchema = z
  .object({
    id: z.uuid(),
    status: RunStatusSchema,
    spec_id: z.uuid(),
    spec_name: z.string(),
    spec_version: z.number().int(),
    dataset_id: z.uuid().nullable(),
    dataset_name: z.string().nullable(),
    dataset_type: z.enum(['SINGLE_FILE', 'MULTI_FILE', 'MULTI_FOLDER']),
    number_of_samples: z.number().int(),
    samples_completed: z.number().int(),
    samples_failed: z.number().int(),
    total_cost: z.number().nullable().describe('Total cost of the run in dollars'),
    created_at: z.string(),
    created_by_email: z.string(),
    started_at: z.string().nullable(),
    completed_at: z.string().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'RunSummary' });

export const RunSchema = RunSummarySchema.extend({
  runtime_params: RunRuntimeParamsSchema,
  generated_files: z.array(GeneratedFileSchema),
}).meta({ id: 'Run' });

const budget = z.number().int().nullable().optional();

export const CreateRunBody = z
  .object({
    spec_id: z.uuid({ message: 'spec_id must be a UUID' }),
    number_of_samples: z.number().int().min(1).max(20_000),
    spec_version: z.number().int().min(1).optional(),
    generation_model: z.string().optional(),
    outline_model: z.string().optional(),
    revision_model: z.string().nullable().optional(),
    enable_revisions: z.boolean().optional(),
    max_revision_cycles: z.number().int().min(1).max(5).nullable().optional(),
    revision_types: z.array(z.string()).optional(),
    filtering_types: z.array(z.string()).optional(),
    seed_shuffling_level: z.enum(SEED_SHUFFLING_LEVELS).optional(),
    max_examples_in_prompt: z.number().int().min(1).max(200).nullable().optional(),
    unified_multifield: z.boolean().optional(),
    generation_thinking_budget: budget,
    outline_thinking_budget: budget,
    revision_thinking_budget: budget,
    skip_outline: z.boolean().optional(),
    tools: z.array(z.string()).nullable().optional(),
    sql_validation_level: z.enum(SQL_VALIDATION_LEVELS).nullable().optional(),
    evaluate_after: z.boolean().optional().describe('Evaluate the run when it succeeds (default true)'),
    databricks_client_id: z.string().optional(),
    databricks_client_secret: z.string().optional().describe('Stored encrypted; never returned'),
    databricks_api_base: z.url().optional(),
  })
  .strict();

export const RunParams = z.object({ run_id: uuidParam('run_id', 'run') });
export const RunFileParams = RunParams.extend({ file_id: uuidParam('file_id', 'generated file') });

export const SampleSchema = z
  .object({
    sample_index: z.number().int().describe('Position in the run plan'),
    status: z.enum(['completed', 'failed']),
    assignment: z.record(z.string(), z.string()).describe('Property values the sample was asked to have'),
    record: z.record(z.string(), z.unknown()).nullable().describe('SINGLE_FILE: the generated record'),
    files: z
      .array(z.object({ name: z.string(), content: z.string() }))
      .nullable()
      .describe('MULTI_*: the files'),
    reason: z.string().nullable().describe('Why a failed sample failed'),
    revisions: z.number().int(),
    cost_usd: z.number(),
    finished_at: z.string().nullable(),
  })
  .meta({ id: 'RunSample' });

export const SamplesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

export const SamplesPage = z.object({
  run_id: z.uuid(),
  total_samples: z.number().int().describe('Finished samples (completed + failed)'),
  offset: z.number().int(),
  returned_count: z.number().int(),
  samples: z.array(SampleSchema),
});

export const SamplesByIndexBody = z
  .object({ indices: z.array(z.number().int().min(0)).min(1).max(1000) })
  .strict();

export const SamplesByIndex = z.object({
  run_id: z.uuid(),
  returned_count: z.number().int(),
  samples: z.array(SampleSchema.nullable()),
  sample_statuses: z.array(z.enum(['completed', 'failed', 'pending', 'out_of_range'])),
});

export const ZipLinkSchema = z.object({
  download_url: z.string().describe('Signed link valid for one hour'),
  size_bytes: z.number().int(),
  expires_at: z.string(),
});

export const ZipPendingSchema = z.object({ status: z.literal('building'), detail: z.string() });
