import { DETECTION_METHOD_NAMES, DETECTION_METHODS, MASK_OPERATORS, PII_TYPES } from '@openframer/core';
import { z } from 'zod';
import { uuidParam } from './common.js';

export const AnonymizationStatusSchema = z
  .enum(['PENDING', 'PROCESSING', 'SUCCEEDED', 'FAILED'])
  .describe('Current status of the anonymization run.');

export const EntityFoundSchema = z.object({
  start: z.number().int(),
  end: z.number().int(),
  label: z.string(),
  score: z.number(),
});

export const AnonymizationResultsSchema = z
  .object({
    entity_summary: z
      .record(z.string(), z.number().int())
      .describe('Aggregated entity counts by type across all samples.'),
    samples_processed: z.number().int().describe('Total number of samples processed.'),
    entities_found: z
      .array(EntityFoundSchema)
      .optional()
      .describe(
        'Flat list of all entities detected across all samples (offsets within the document, or within the value for table cells and JSON fields; the first 10,000). Left out of the list endpoint.',
      ),
    error: z
      .string()
      .optional()
      .describe('Error message if the run failed, or the files that could not be anonymized.'),
  })
  .describe('Anonymization results once the run completes.');

export const AnonymizedFileSchema = z.object({
  id: z.string().describe('File ID. Pass this as `file_id` to the download-file endpoint.'),
  path: z.string().describe('Original file path/name (a PDF is anonymized as its text: `<name>.pdf.txt`).'),
  size_in_bytes: z.number().int().describe('Size of the anonymized file content in bytes.'),
  content_type: z.string().describe('MIME type of the file.'),
});

const dateTime = (description: string) => z.string().meta({ format: 'date-time', description });

export const AnonymizationRunSchema = z
  .object({
    id: z.uuid().describe('Unique identifier for the anonymization run.'),
    status: AnonymizationStatusSchema,
    dataset_id: z.uuid().nullable().describe('UUID of the seed dataset being anonymized.'),
    dataset_name: z.string().nullable().describe('Name of the seed dataset.'),
    pii_types: z.array(z.string()).describe('List of PII/PHI entity types being detected.'),
    detection_method: z.string().describe('Entity detection method used.'),
    llm_model_name: z.string().nullable().describe('LLM model name (when detection_method includes `llm`).'),
    created_by_email: z
      .string()
      .nullable()
      .meta({ format: 'email', description: 'Email of the user who created this run.' }),
    duration_seconds: z
      .number()
      .int()
      .nullable()
      .describe('Time taken to complete the run in seconds. Null until completed.'),
    results: AnonymizationResultsSchema.nullable(),
    anonymized_files: z
      .array(AnonymizedFileSchema)
      .describe('List of anonymized output files produced by the run.'),
    completed_at: dateTime('When the run completed (succeeded or failed).').nullable(),
    created_at: dateTime('When the run was created.'),
  })
  .meta({ id: 'AnonymizationRun', description: 'A PII/PHI anonymization run.' });

const operatorOptions = z
  .object({
    type: z.string().describe(`One of ${MASK_OPERATORS.join(', ')}`),
    keep_last: z
      .number()
      .int()
      .optional()
      .describe('MASK: letters or digits left visible at the end (default 4)'),
    masking_char: z.string().optional().describe('MASK: the masking character (default *)'),
  })
  // A misspelt option (`keeplast`) is refused, not silently dropped.
  .strict();

export const CreateAnonymizationRunBody = z
  .object({
    dataset_id: z.uuid({ message: 'dataset_id must be a UUID' }).describe('The seed dataset to anonymize'),
    pii_types: z
      .array(z.string())
      .min(1, { message: 'pii_types needs at least one label' })
      .describe(`Entity labels to detect (lower case): ${PII_TYPES.join(', ')}`),
    detection_method: z.enum(DETECTION_METHOD_NAMES).describe(
      Object.entries(DETECTION_METHODS)
        .map(([name, m]) => `${name}: ${m.description}`)
        .join('; '),
    ),
    llm_model_name: z
      .string()
      .nullable()
      .optional()
      .describe('Model for the llm, llm+heuristics and all methods (GET /api/dataframer/models/)'),
    mask_config: z
      .record(z.string(), z.union([z.string(), operatorOptions]))
      .nullable()
      .optional()
      .describe(
        `Operator per label: ${MASK_OPERATORS.join(', ')} (or {type, keep_last, masking_char}); "*" sets the default. Defaults to redact all.`,
      ),
    threshold: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('Entities scoring below this are left alone (0..1, default 0.3). Lower finds more.'),
  })
  .strict();

export const AnonymizationRunParams = z.object({ run_id: uuidParam('run_id', 'anonymization run') });
export const AnonymizationFileParams = AnonymizationRunParams.extend({
  file_id: uuidParam('file_id', 'anonymized file'),
});
export const DownloadFileQuery = z.object({ file_id: uuidParam('file_id', 'anonymized file') });

export const CreateDatasetFromRunBody = z
  .object({
    name: z.string().min(1).max(255).describe('Name of the new seed dataset (unique in your company)'),
    description: z.string().max(10_000).optional(),
  })
  .strict();
