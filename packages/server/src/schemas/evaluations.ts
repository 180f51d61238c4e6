import { z } from 'zod';
import { uuidParam } from './common.js';

export const EvaluationStatusSchema = z.enum(['PENDING', 'PROCESSING', 'SUCCEEDED', 'FAILED']);

const percentages = z.record(z.string(), z.number()).describe('Percent per property value');

export const DistributionAnalysisSchema = z
  .object({
    property_name: z.string(),
    total_samples: z.number().int().describe('Finished samples of the run'),
    total_samples_analyzed: z
      .number()
      .int()
      .describe('Samples the classifier gave a value for this property'),
    requested_distributions: percentages.describe(
      'As the spec asks (its base distribution; uniform if none)',
    ),
    expected_distributions: percentages.describe("What the run's plan assigned to the analysed samples"),
    evaluated_distributions: percentages.describe(
      'What the classifier saw (values outside the spec included)',
    ),
    assignment_agreement: z
      .number()
      .nullable()
      .describe('Share (0-1) of analysed samples classified as the value they were assigned'),
    tvd_requested_evaluated: z
      .number()
      .nullable()
      .describe('Total variation distance (0-1), requested vs evaluated'),
    tvd_expected_evaluated: z
      .number()
      .nullable()
      .describe('Total variation distance (0-1), expected vs evaluated'),
    chi_square_p_value: z
      .number()
      .nullable()
      .describe('χ² goodness of fit of the evaluated counts to the requested distribution'),
    property_score: z
      .number()
      .nullable()
      .describe('50 × agreement + 50 × (1 − TVD requested/evaluated), 0-100; null when nothing was analysed'),
  })
  .meta({ id: 'DistributionAnalysis' });

export const SampleClassificationSchema = z
  .object({
    id: z.uuid(),
    evaluation_id: z.uuid(),
    sample_identifier: z.string().describe('sample_<n>, n = position in the run plan (sample_index + 1)'),
    sample_index: z.number().int(),
    classifications: z.record(z.string(), z.string()).describe('property -> value the classifier saw'),
    sub_file_classifications: z
      .record(z.string(), z.record(z.string(), z.array(z.string())))
      .nullable()
      .describe('MULTI_FOLDER: property -> value -> files of the sample showing it'),
    assignment: z.record(z.string(), z.string()).describe('property -> value the sample was assigned'),
    created_at: z.string(),
  })
  .meta({ id: 'SampleClassification' });

const lengthSummary = z.object({ mean: z.number(), p10: z.number(), median: z.number(), p90: z.number() });

export const QualitySchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('table'),
      rows: z.object({ synthetic: z.number().int(), seed: z.number().int() }),
      fidelity: z
        .object({
          univariate: z.number(),
          bivariate: z.number(),
          overall: z.number(),
          expected_max: z.number().nullable(),
        })
        .nullable()
        .describe('Accuracy (1 − TVD of binned distributions) against the seed table, 0-1'),
      privacy: z
        .object({
          identical_row_share: z.number(),
          identical_match_share: z.number(),
          dcr_to_seeds: z.number(),
          dcr_seed_to_seed: z.number().nullable(),
          dcr_share: z.number().nullable(),
        })
        .nullable(),
      columns: z.array(z.object({ column: z.string(), accuracy: z.number() })),
    }),
    z.object({
      kind: z.literal('text'),
      texts: z.number().int(),
      diversity: z.object({
        distinct_1: z.number().nullable(),
        distinct_2: z.number().nullable(),
        compression_ratio: z.number().nullable(),
        near_duplicate_rate: z.number(),
        exact_duplicate_rate: z.number(),
      }),
      seed_copy: z
        .object({ near_duplicate_of_seed_rate: z.number(), exact_seed_copy_rate: z.number() })
        .nullable(),
      length: z.object({
        samples: lengthSummary.nullable(),
        seeds: lengthSummary.nullable(),
        ks_complement: z.number().nullable(),
      }),
    }),
  ])
  .meta({ id: 'EvaluationQuality' });

export const EvaluationSummarySchema = z
  .object({
    id: z.uuid(),
    run_id: z.uuid(),
    company_id: z.string(),
    status: EvaluationStatusSchema,
    status_display: z.string(),
    evaluation_model: z.string(),
    conformance_score: z
      .number()
      .nullable()
      .describe('0-100: how well the samples match the spec (docs/evaluations.md); null until SUCCEEDED'),
    conformance_explanation: z.string(),
    conformant_areas: z.string(),
    non_conformant_areas: z.string(),
    distribution_analysis: z.array(DistributionAnalysisSchema).nullable(),
    quality: QualitySchema.nullable().describe(
      'Beyond DataFramer: fidelity and privacy (tables) or diversity (text)',
    ),
    started_at: z.string().nullable(),
    completed_at: z.string().nullable(),
    duration_seconds: z.number().nullable(),
    error_message: z.string().nullable(),
    total_cost: z.number().describe('Cost of the evaluation in dollars'),
    trace: z.record(z.string(), z.unknown()),
    created_by: z.string(),
    created_by_email: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'EvaluationSummary' });

export const EvaluationSchema = EvaluationSummarySchema.extend({
  sample_classifications: z.array(SampleClassificationSchema),
}).meta({ id: 'Evaluation' });

export const CreateEvaluationBody = z
  .object({
    run_id: z.uuid({ message: 'run_id must be a UUID' }),
    evaluation_model: z
      .string()
      .optional()
      .describe('Default gemini/gemini-3-pro-preview; openframer/statistical runs offline'),
  })
  .strict();

export const CreateRunEvaluationBody = CreateEvaluationBody.omit({ run_id: true }).strict();

export const EvaluationParams = z.object({ evaluation_id: uuidParam('evaluation_id', 'evaluation') });

export const EvaluationQuery = z.object({
  include_samples: z
    .enum(['true', 'false'])
    .optional()
    .describe('false leaves sample_classifications out (default true)'),
});

export const EvaluationListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  offset: z.coerce.number().int().min(0).optional(),
  run_id: z.uuid({ message: 'run_id must be a UUID' }).optional(),
});

export const ChatBody = z
  .object({
    user_message: z.string().trim().min(1, 'user_message must not be empty').max(20_000),
    chat_model: z.string().optional().describe('Default anthropic/claude-sonnet-4-6'),
  })
  .strict();

export const ChatMessageSchema = z
  .object({
    id: z.uuid(),
    evaluation_id: z.uuid(),
    user_message: z.string(),
    assistant_message: z.string(),
    chat_model: z.string(),
    created_at: z.string(),
    user: z.string(),
    user_email: z.string(),
  })
  .meta({ id: 'EvaluationChatMessage' });

const labels = z.record(z.string(), z.unknown()).describe('Free-form JSON object');

export const HumanLabelBody = z
  .object({
    file_identifier: z
      .string()
      .trim()
      .min(1, 'file_identifier must not be empty')
      .max(1000)
      .describe('A generated file path ("sample_01.txt", "samples.csv") or a sample folder ("sample_1")'),
    sample_identifier: z.string().max(200).nullable().optional().describe('A row or sample within the file'),
    labels,
  })
  .strict();

export const UpdateHumanLabelBody = HumanLabelBody.partial({ file_identifier: true }).strict();

export const HumanLabelParams = z.object({ label_id: uuidParam('label_id', 'human label') });

export const HumanLabelQuery = z.object({
  file_identifier: z.string().optional(),
  sample_identifier: z.string().optional(),
});

export const HumanLabelSchema = z
  .object({
    id: z.uuid(),
    run_id: z.uuid(),
    company_id: z.string(),
    file_identifier: z.string(),
    sample_identifier: z.string().nullable(),
    labels,
    created_at: z.string(),
    created_by: z.string(),
    created_by_name: z.string(),
    created_by_email: z.string(),
    updated_at: z.string(),
    updated_by: z.string(),
    updated_by_name: z.string(),
    updated_by_email: z.string(),
  })
  .meta({ id: 'HumanLabel' });
