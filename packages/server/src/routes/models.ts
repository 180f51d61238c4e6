import { MODEL_STAGES } from '@openframer/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { ErrorSchema } from '../schemas/common.js';

const ModelSchema = z
  .object({
    id: z.string().describe('Model id as used in requests, e.g. anthropic/claude-sonnet-4-6'),
    display_name: z.string(),
    provider: z
      .string()
      .describe('anthropic, openai, gemini, together, databricks, openframer or a configured provider'),
    provider_model: z.string(),
    context_window: z.number().int(),
    max_output_tokens: z.number().int(),
    supports_thinking: z.boolean(),
    thinking: z.boolean().describe('A -thinking id: extended thinking on'),
    supports_structured_output: z.boolean(),
    pricing: z
      .object({ input: z.number(), output: z.number(), cached_input: z.number().nullable() })
      .nullable()
      .describe('US dollars per million tokens'),
    supported_for: z.array(z.enum(MODEL_STAGES)),
    offline: z.boolean(),
    available: z.boolean().describe('The server has the key or gateway this model needs'),
    requires: z.string().nullable().describe('What to configure when the model is not available'),
  })
  .meta({ id: 'Model' });

export const modelRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/dataframer/models/',
      {
        schema: {
          tags: ['Models'],
          summary: 'The model catalog: ids, providers, context sizes, prices, availability',
          response: { 200: z.object({ models: z.array(ModelSchema) }), 401: ErrorSchema },
        },
      },
      async () => ctx.services.models.list(),
    );
  };
