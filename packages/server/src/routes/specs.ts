import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { authErrors, ErrorSchema, PageQuery } from '../schemas/common.js';
import { CreateSpecBody, SpecParams, SpecQuery, SpecSchema, UpdateSpecBody } from '../schemas/specs.js';

const tags = ['Specs'];
const base = '/api/dataframer/specs';

export const specRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const specs = ctx.services.specs;

    app.post(
      `${base}/`,
      {
        schema: {
          tags: ['Spec Creation'],
          summary:
            'Create a spec from a seed dataset or from objectives (seedless); poll GET until SUCCEEDED',
          body: CreateSpecBody,
          response: { 202: z.object({ id: z.uuid() }), 400: ErrorSchema, 409: ErrorSchema, ...authErrors },
        },
      },
      async (req, reply) => reply.code(202).send(await specs.create(req.principal, req.body)),
    );

    app.get(
      `${base}/`,
      {
        schema: {
          tags,
          summary: 'List specs, newest first',
          querystring: PageQuery,
          response: { 200: z.array(SpecSchema) },
        },
      },
      async (req) => specs.list(req.principal, req.query),
    );

    app.get(
      `${base}/:spec_id/`,
      {
        schema: {
          tags,
          summary: 'Get a spec (poll this while it is PROCESSING)',
          params: SpecParams,
          querystring: SpecQuery,
          response: { 200: SpecSchema, ...authErrors },
        },
      },
      async (req) => specs.get(req.principal, req.params.spec_id, req.query.include_versions),
    );

    app.put(
      `${base}/:spec_id/`,
      {
        schema: {
          tags,
          summary: 'Replace the spec content: creates a new version (the metadata block is read-only)',
          params: SpecParams,
          body: UpdateSpecBody,
          response: { 200: SpecSchema, 400: ErrorSchema, 409: ErrorSchema, ...authErrors },
        },
      },
      async (req) => specs.update(req.principal, req.params.spec_id, req.body.content_yaml),
    );

    app.delete(
      `${base}/:spec_id/`,
      {
        schema: {
          tags,
          summary: 'Delete a spec and its versions (refused while a run uses it)',
          params: SpecParams,
          response: { 204: z.null(), 409: ErrorSchema, ...authErrors },
        },
      },
      async (req, reply) => {
        await specs.delete(req.principal, req.params.spec_id);
        return reply.code(204).send(null);
      },
    );
  };
