import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { authErrors, ErrorSchema, PageQuery } from '../schemas/common.js';
import { DownloadLinkSchema } from '../schemas/datasets.js';
import {
  CreateRunBody,
  RunFileParams,
  RunParams,
  RunSchema,
  RunSummarySchema,
  SamplesByIndex,
  SamplesByIndexBody,
  SamplesPage,
  SamplesQuery,
  ZipLinkSchema,
  ZipPendingSchema,
} from '../schemas/runs.js';
import { zipReply } from './zip-download.js';

const tags = ['Runs'];
const base = '/api/dataframer/runs';

export const runRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const runs = ctx.services.runs;
    const reads = ctx.services.runReads;

    app.post(
      `${base}/`,
      {
        schema: {
          tags: ['Generation'],
          summary: 'Start generating samples from a SUCCEEDED spec; poll GET /runs/{id}/ or stream /events/',
          body: CreateRunBody,
          response: { 202: z.object({ id: z.uuid() }), 400: ErrorSchema, ...authErrors },
        },
      },
      async (req, reply) => reply.code(202).send(await runs.create(req.principal, req.body)),
    );

    app.get(
      `${base}/`,
      {
        schema: {
          tags,
          summary: 'List runs, newest first',
          querystring: PageQuery,
          response: { 200: z.array(RunSummarySchema) },
        },
      },
      async (req) => runs.list(req.principal, req.query),
    );

    app.get(
      `${base}/:run_id/`,
      {
        schema: {
          tags,
          summary: 'Get a run: status, progress, runtime params, generated files',
          params: RunParams,
          response: { 200: RunSchema, ...authErrors },
        },
      },
      async (req) => runs.get(req.principal, req.params.run_id),
    );

    app.post(
      `${base}/:run_id/cancel/`,
      {
        schema: {
          tags,
          summary: 'Cancel a PENDING or PROCESSING run; finished samples are kept',
          params: RunParams,
          response: { 200: RunSchema, 400: ErrorSchema, ...authErrors },
        },
      },
      async (req) => runs.cancel(req.principal, req.params.run_id),
    );

    app.delete(
      `${base}/:run_id/`,
      {
        schema: {
          tags,
          summary: 'Delete a run and its files',
          params: RunParams,
          response: { 204: z.null(), ...authErrors },
        },
      },
      async (req, reply) => {
        await runs.delete(req.principal, req.params.run_id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      `${base}/:run_id/files/download/`,
      {
        schema: {
          tags,
          summary:
            'ZIP of all generated files: 202 while it is built (call again), then 200 with a link valid one hour',
          params: RunParams,
          response: { 200: ZipLinkSchema, 202: ZipPendingSchema, 409: ErrorSchema, ...authErrors },
        },
      },
      async (req, reply) => zipReply(reply, await reads.zipDownload(req.principal, req.params.run_id)),
    );

    app.get(
      `${base}/:run_id/files/:file_id/download/`,
      {
        schema: {
          tags,
          summary: 'A signed link to one generated file (valid one hour)',
          params: RunFileParams,
          response: { 200: DownloadLinkSchema, ...authErrors },
        },
      },
      async (req) => reads.fileDownload(req.principal, req.params.run_id, req.params.file_id),
    );

    app.get(
      `${base}/:run_id/samples/`,
      {
        schema: {
          tags,
          summary: 'Finished samples in finish order (index 0 = first finished); limit up to 1000',
          params: RunParams,
          querystring: SamplesQuery,
          response: { 200: SamplesPage, ...authErrors },
        },
      },
      async (req) => reads.samples(req.principal, req.params.run_id, req.query),
    );

    app.post(
      `${base}/:run_id/samples/`,
      {
        schema: {
          tags,
          summary:
            'Samples by finish-order index (up to 1000); missing ones are null with status out_of_range',
          params: RunParams,
          body: SamplesByIndexBody,
          response: { 200: SamplesByIndex, ...authErrors },
        },
      },
      async (req) => reads.samplesByIndex(req.principal, req.params.run_id, req.body.indices),
    );

    app.get(
      `${base}/:run_id/events/`,
      {
        schema: {
          tags,
          summary: 'Progress as server-sent events: `progress` on every change, `done` when the run ends',
          params: RunParams,
          produces: ['text/event-stream'],
          response: { 200: z.string().describe('text/event-stream'), ...authErrors },
        },
      },
      async (req, reply) => {
        const controller = new AbortController();
        req.raw.on('close', () => controller.abort());
        // Ownership is checked before the stream starts, so a 404 is still a normal JSON error.
        const stream = reads.progress(req.principal, req.params.run_id, controller.signal);
        const first = await stream.next();
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        const send = (event: string, data: unknown) =>
          res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
        try {
          let last: { status: string } | undefined;
          if (!first.done) {
            last = first.value;
            send('progress', first.value);
          }
          for await (const snapshot of stream) {
            last = snapshot;
            send('progress', snapshot);
          }
          if (last && ['SUCCEEDED', 'FAILED', 'CANCELED'].includes(last.status)) send('done', last);
        } finally {
          clearInterval(heartbeat);
          res.end();
        }
      },
    );
  };
