import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { ErrorSchema } from '../schemas/common.js';

const RotatedKeySchema = z
  .object({
    api_key: z.string().describe('The new key. Shown once: store it now'),
    masked_key: z.string().describe('First 4 and last 4 characters'),
    expires_at: z.string(),
  })
  .meta({ id: 'RotatedApiKey' });

export const apiKeyRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/users/api-key/rotate',
      {
        schema: {
          tags: ['API Keys'],
          summary: 'Issue a new API key and revoke the one used for this call (5 per hour per IP)',
          response: { 200: RotatedKeySchema, 401: ErrorSchema, 429: ErrorSchema },
        },
      },
      async (req) => ctx.services.auth.rotate(req.principal, req.ip),
    );
  };
