import { z } from 'zod';
import { uuidParam } from './common.js';

export const DatasetTypeSchema = z.enum(['SINGLE_FILE', 'MULTI_FILE', 'MULTI_FOLDER']);

export const ShortSampleCompatibilitySchema = z
  .object({
    is_short_samples_compatible: z.boolean(),
    is_long_samples_compatible: z.boolean(),
    reason: z.string(),
  })
  .meta({ id: 'ShortSampleCompatibility' });

export const SeedDatasetSummarySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    dataset_type: DatasetTypeSchema,
    file_count: z.number().int(),
    folder_count: z.number().int(),
    total_size_bytes: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
    created_by_email: z.string(),
    short_sample_compatibility: ShortSampleCompatibilitySchema,
  })
  .meta({ id: 'SeedDatasetSummary' });

export const SeedDatasetFileSchema = z
  .object({
    id: z.uuid().describe('Pass as file_id to the file download endpoints'),
    path: z.string().describe('folder/name for MULTI_FOLDER datasets, else the file name'),
    name: z.string(),
    folder: z.string().nullable(),
    file_type: z.string().describe('csv, json, jsonl, txt, md or pdf'),
    content_type: z.string(),
    size_bytes: z.number().int(),
    sha256: z.string(),
    record_count: z.number().int().nullable().describe('Records of a CSV, JSON array or JSONL file'),
    columns: z.array(z.string()).nullable().describe('Columns of a table file'),
    created_at: z.string(),
  })
  .meta({ id: 'SeedDatasetFile' });

export const SeedDatasetSchema = SeedDatasetSummarySchema.extend({
  files: z.array(SeedDatasetFileSchema),
}).meta({ id: 'SeedDataset' });

export const DatasetParams = z.object({ dataset_id: uuidParam('dataset_id', 'seed dataset') });
export const DatasetFileParams = DatasetParams.extend({ file_id: uuidParam('file_id', 'dataset file') });

export const DatasetUpdateBody = z
  .object({
    name: z.string().min(1).max(255).optional(),
    description: z.string().max(10_000).optional(),
  })
  .strict();

export const DownloadLinkSchema = z
  .object({
    download_url: z.string().describe('Signed link, valid for one hour; needs no Authorization header'),
    expires_at: z.string(),
    size_bytes: z.number().int(),
    path: z.string(),
  })
  .meta({ id: 'DownloadLink' });

/** Documents the multipart body (validation happens while streaming, in the service). */
export const createDatasetMultipartDoc = {
  type: 'object',
  required: ['name', 'dataset_type', 'files'],
  properties: {
    name: { type: 'string', description: 'Unique within your company' },
    dataset_type: { type: 'string', enum: ['SINGLE_FILE', 'MULTI_FILE', 'MULTI_FOLDER'] },
    description: { type: 'string' },
    files: { type: 'array', items: { type: 'string', format: 'binary' } },
    folder_names: {
      type: 'array',
      items: { type: 'string' },
      description: 'MULTI_FOLDER only: folder_names[i] is the folder of files[i]',
    },
  },
} as const;

export const createFromZipMultipartDoc = {
  type: 'object',
  required: ['name', 'zip_file'],
  properties: {
    name: { type: 'string' },
    description: { type: 'string' },
    zip_file: { type: 'string', format: 'binary' },
  },
} as const;
