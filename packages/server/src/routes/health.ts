import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.js';

const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    uptime_seconds: z.number(),
    database: z.object({
      status: z.enum(['ok', 'error']),
      dialect: z.string(),
      latency_ms: z.number().nullable(),
      error: z.string().optional(),
    }),
    jobs: z.object({
      status: z.enum(['ok', 'error']),
      state: z.enum(['running', 'stopped']).optional(),
      kind: z.string().optional(),
      queued: z.number().int().optional(),
      running: z.number().int().optional(),
      workers: z.number().int().optional(),
      error: z.string().optional(),
    }),
    blobs: z.object({ kind: z.string() }),
    anonymization: z.object({
      detection_threads: z
        .number()
        .int()
        .describe('Threads anonymization runs may use for detection (0: in the job thread)'),
      running_threads: z.number().int().describe('Detection threads up now (they stop when idle)'),
    }),
  })
  .meta({ id: 'Health' });

export const healthRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/dataframer/health/',
      {
        schema: {
          tags: ['Health'],
          summary: 'Health of the server, its database and its job runner (no authentication)',
          security: [],
          response: { 200: HealthSchema, 503: HealthSchema },
        },
      },
      async (_req, reply) => {
        const report = await ctx.services.health.check();
        return reply.code(report.status === 'ok' ? 200 : 503).send(report);
      },
    );
  };
