import { z } from 'zod';
import { uuidParam } from './common.js';

export const SpecStatusSchema = z.enum(['PROCESSING', 'SUCCEEDED', 'FAILED']);

export const SpecVersionSchema = z
  .object({
    version: z.number().int(),
    content_yaml: z.string(),
    created_at: z.string(),
  })
  .meta({ id: 'SpecVersionPublic' });

export const SpecSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    status: SpecStatusSchema,
    created_at: z.string(),
    updated_at: z.string(),
    dataset_id: z.uuid().nullable().describe('Null for seedless specs'),
    dataset_name: z.string().nullable(),
    dataset_type: z
      .enum(['SINGLE_FILE', 'MULTI_FILE', 'MULTI_FOLDER'])
      .describe('MULTI_FILE for seedless specs'),
    created_by_email: z.string(),
    runtime_params: z.record(z.string(), z.unknown()),
    versions: z.array(SpecVersionSchema).optional().describe('Only with include_versions=true'),
    content_yaml: z.string().nullable().describe('Latest version; null while PROCESSING or when FAILED'),
    error: z.string().nullable().describe('Why the spec FAILED; null otherwise'),
    latest_version: z.number().int().nullable(),
    total_cost: z.number().describe('Dollars spent on model calls to create this spec'),
  })
  .meta({ id: 'Spec' });

export const SpecParams = z.object({ spec_id: uuidParam('spec_id', 'spec') });

export const SpecQuery = z.object({
  include_versions: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1')
    .describe('Include all versions'),
});

export const CreateSpecBody = z
  .object({
    name: z.string().min(1).max(255).describe('Unique within your company'),
    description: z.string().max(10_000).optional(),
    dataset_id: z
      .uuid({ message: 'dataset_id must be a UUID' })
      .nullable()
      .optional()
      .describe('Omit for a seedless spec'),
    generation_objectives: z
      .string()
      .max(20_000)
      .nullable()
      .optional()
      .describe('Required for a seedless spec'),
    spec_generation_model_name: z
      .string()
      .optional()
      .describe('Default anthropic/claude-sonnet-4-6-thinking'),
    generate_distributions: z.boolean().optional(),
    generate_conditional_distributions: z.boolean().optional(),
    extrapolate_values: z.boolean().optional(),
    extrapolate_axes: z.boolean().optional(),
    databricks_client_id: z.string().optional(),
    databricks_client_secret: z.string().optional().describe('Stored encrypted; never returned'),
    databricks_api_base: z.url().optional(),
  })
  .strict();

export const UpdateSpecBody = z.object({ content_yaml: z.string().min(1).max(1_000_000) }).strict();
