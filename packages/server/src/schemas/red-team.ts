import { z } from 'zod';
import { PageQuery, uuidParam } from './common.js';

const dateTime = (description: string) => z.string().meta({ format: 'date-time', description });

const text = (field: string, max: number) =>
  z
    .string({ message: `${field} must be a string` })
    .trim()
    .min(1, { message: `${field} must not be empty` })
    .max(max, { message: `${field} must be at most ${max} characters` });

export const RedTeamSpecSchema = z
  .object({
    id: z.uuid(),
    name: z.string().describe('snake_case name, unique within the company'),
    domain_description: z.string().describe('The domain the application works in'),
    app_description: z.string().describe('What the application does and for whom'),
    concerns: z.string().nullable().describe('What the application must not do'),
    created_at: dateTime('When the spec was created'),
    updated_at: dateTime('When the spec was last changed'),
    company_id: z.uuid(),
    company_name: z.string(),
    created_by: z.uuid().describe('User id of the creator'),
    created_by_email: z.string().meta({ format: 'email' }),
  })
  .meta({ id: 'RedTeamSpec' });

export const CreateRedTeamSpecBody = z
  .object({
    name: text('name', 200).describe('Converted to snake_case; unique within the company'),
    domain_description: text('domain_description', 10_000),
    app_description: text('app_description', 20_000),
    concerns: z.string().max(20_000).nullable().optional(),
  })
  .strict();

export const UpdateRedTeamSpecBody = z
  .object({
    name: text('name', 200).optional(),
    domain_description: text('domain_description', 10_000).optional(),
    app_description: text('app_description', 20_000).optional(),
    concerns: z.string().max(20_000).nullable().optional(),
  })
  .strict();

export const RedTeamSpecParams = z.object({ spec_id: uuidParam('spec_id', 'red-team spec') });
export const RedTeamRunParams = z.object({ run_id: uuidParam('run_id', 'red-team run') });

export const RedTeamStatusSchema = z
  .enum(['PENDING', 'PROCESSING', 'SUCCEEDED', 'FAILED', 'CANCELED'])
  .describe('Current status of the red-team run.');

const TargetBody = z
  .object({
    base_url: z
      .url({ protocol: /^https?$/, message: 'target.base_url must be an http(s) URL' })
      .describe('Base URL of an OpenAI-compatible API; prompts go to `{base_url}/chat/completions`'),
    model: text('target.model', 200).describe('The `model` field sent to the target'),
    api_key: z
      .string()
      .min(1)
      .max(4096)
      .optional()
      .describe('Sent as a bearer token; stored encrypted, never returned'),
    headers: z
      .record(z.string().min(1).max(200), z.string().max(4096))
      .optional()
      .describe('Extra request headers; stored encrypted, never returned (only their names are)'),
    system_prompt: z.string().max(50_000).nullable().optional().describe('Sent before each prompt'),
    concurrency: z.number().int().min(1).max(64).optional().describe('Requests in flight (default 8)'),
    timeout_ms: z.number().int().min(1000).max(600_000).optional().describe('Per request (default 60,000)'),
  })
  .strict();

export const CreateRedTeamRunBody = z
  .object({
    red_team_spec_id: z.uuid({ message: 'red_team_spec_id must be a UUID' }).optional(),
    spec_id: z
      .uuid({ message: 'spec_id must be a UUID' })
      .optional()
      .describe('Same as red_team_spec_id (either may be given)'),
    number_of_behaviors: z.number().int().min(1).max(1000).describe('Undesirable behaviours to list'),
    number_of_prompts_per_behavior: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .describe('Adversarial prompts per behaviour'),
    model_name: z
      .string()
      .min(1)
      .optional()
      .describe('Attacker model (default deepseek-ai/DeepSeek-V3.1); any catalog model for red teaming'),
    grader_model: z.string().min(1).optional().describe('Grades target replies (default model_name)'),
    categories: z
      .array(z.string())
      .min(1)
      .optional()
      .describe('Restrict behaviours to these taxonomy categories (GET /red-team-taxonomy/)'),
    strategies: z
      .array(z.string())
      .min(1)
      .optional()
      .describe('Restrict attack strategies to these ids (GET /red-team-taxonomy/)'),
    seed: z
      .union([z.string().max(200), z.number().int()])
      .optional()
      .describe('Makes the plan reproducible'),
    target: TargetBody.optional().describe('Send each prompt to this app and grade the reply'),
  })
  .strict();

export const RedTeamPromptSchema = z.object({
  query: z.string().describe('A plain user request that would trigger the behaviour'),
  adversarial_prompt: z.string().describe('The query rewritten with the attack strategy'),
  strategy: z.string().describe('Attack strategy id'),
  language: z.string().nullable().optional().describe('The language of a multilingual prompt'),
  target_response: z.string().nullable().optional(),
  target_error: z.string().nullable().optional(),
  grade: z
    .object({ attack_succeeded: z.boolean(), reason: z.string() })
    .nullable()
    .optional()
    .describe('With a target: whether the reply showed the behaviour'),
  grade_error: z.string().nullable().optional().describe('Why the reply could not be graded'),
});

const AttackSuccessSchema = z.object({
  graded: z.number().int(),
  succeeded: z.number().int(),
  rate: z.number().nullable(),
});

export const RedTeamResultsSchema = z
  .object({
    behavior_to_enhanced_queries: z
      .record(z.string(), z.array(RedTeamPromptSchema))
      .optional()
      .describe('Each undesirable behaviour -> its prompts (left out of the list and status endpoints)'),
    behaviors: z
      .array(
        z.object({
          behavior: z.string(),
          category: z.string(),
          owasp: z.array(z.string()).describe('OWASP LLM Top 10 (2025) ids'),
          prompts: z.number().int(),
        }),
      )
      .describe('The behaviours in order, with their taxonomy category'),
    coverage: z.object({
      categories: z.record(z.string(), z.number().int()),
      strategies: z.record(z.string(), z.number().int()),
      owasp: z.record(z.string(), z.number().int()),
    }),
    attack_success: z
      .object({
        overall: AttackSuccessSchema,
        by_behavior: z.record(z.string(), AttackSuccessSchema),
        by_strategy: z.record(z.string(), AttackSuccessSchema),
        by_category: z.record(z.string(), AttackSuccessSchema),
        target_errors: z.number().int(),
      })
      .optional(),
  })
  .describe('Results so far (complete when SUCCEEDED)');

export const RedTeamRunSchema = z
  .object({
    id: z.uuid(),
    red_team_spec_id: z.uuid().nullable(),
    spec_name: z.string(),
    company_id: z.uuid(),
    company_name: z.string(),
    number_of_behaviors: z.number().int(),
    number_of_prompts_per_behavior: z.number().int(),
    model_name: z.string(),
    grader_model: z.string().nullable(),
    categories: z.array(z.string()).nullable(),
    strategies: z.array(z.string()).nullable(),
    seed: z.string(),
    target: z
      .object({
        base_url: z.string(),
        model: z.string(),
        has_api_key: z.boolean(),
        header_names: z.array(z.string()),
        system_prompt: z.string().nullable(),
        concurrency: z.number().int().nullable(),
        timeout_ms: z.number().int().nullable(),
      })
      .nullable(),
    status: RedTeamStatusSchema,
    error: z.string().nullable().describe('Why the run failed, written for a person'),
    progress: z.object({
      behaviors_done: z.number().int(),
      behaviors_total: z.number().int(),
      prompts_done: z.number().int(),
      prompts_total: z.number().int(),
    }),
    total_cost: z.number().describe('USD spent on model calls'),
    task_id: z.string().nullable(),
    trace: z.record(z.string(), z.unknown()).nullable(),
    results_json: RedTeamResultsSchema.nullable(),
    created_by_email: z.string(),
    created_at: dateTime('When the run was created'),
    completed_at: dateTime('When the run ended').nullable(),
  })
  .meta({ id: 'RedTeamRun' });

export const RedTeamPromptRowSchema = RedTeamPromptSchema.extend({
  behavior_index: z.number().int(),
  behavior: z.string(),
  category: z.string(),
  position: z.number().int(),
});

export const RedTeamPromptsQuery = PageQuery;

export const RedTeamExportQuery = z.object({
  format: z.enum(['jsonl', 'csv']).default('jsonl').describe('jsonl (default) or csv'),
});

export const RedTeamTaxonomySchema = z.object({
  categories: z.array(
    z.object({ id: z.string(), name: z.string(), description: z.string(), owasp: z.array(z.string()) }),
  ),
  strategies: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      description: z.string(),
      kind: z.enum(['llm', 'transform']),
    }),
  ),
  owasp: z.record(z.string(), z.string()).describe('OWASP LLM Top 10 (2025) id -> title'),
});
