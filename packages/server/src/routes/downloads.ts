import { basename } from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { ErrorSchema } from '../schemas/common.js';
import { contentDisposition } from './seed-datasets.js';

const SignedQuery = z.object({
  key: z.string().min(1),
  filename: z.string().min(1),
  expires: z.coerce.number().int(),
  signature: z.string().min(1),
});

const CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv',
  json: 'application/json',
  jsonl: 'application/x-ndjson',
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  pdf: 'application/pdf',
  zip: 'application/zip',
};

/** Serves blobs behind signed, expiring links: the signature is the authorisation, no API key needed. */
export const downloadRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/dataframer/downloads/',
      {
        schema: {
          tags: ['Downloads'],
          summary: 'Download through a signed link (links come from the download endpoints)',
          security: [],
          querystring: SignedQuery,
          response: { 200: z.any(), 403: ErrorSchema, 404: ErrorSchema },
        },
      },
      async (req, reply) => {
        const { key, filename, expires, signature } = req.query;
        const problem = ctx.signer.verify(key, filename, expires, signature);
        if (problem) return reply.code(403).send({ detail: `download link rejected: ${problem}` });
        const stat = await ctx.blobs.stat(key);
        if (!stat) return reply.code(404).send({ detail: 'the file behind this link no longer exists' });
        const ext = basename(filename).split('.').pop()?.toLowerCase() ?? '';
        return reply
          .type(CONTENT_TYPES[ext] ?? 'application/octet-stream')
          .header('content-length', stat.size)
          .header('content-disposition', contentDisposition(filename))
          .send(await ctx.blobs.get(key));
      },
    );
  };
