import { ATTACK_STRATEGIES, OWASP_LLM_TOP_10_2025, RED_TEAM_CATEGORIES } from '@openframer/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authErrors, ErrorSchema, PageQuery } from '../schemas/common.js';
import {
  CreateRedTeamRunBody,
  CreateRedTeamSpecBody,
  RedTeamExportQuery,
  RedTeamPromptRowSchema,
  RedTeamRunParams,
  RedTeamRunSchema,
  RedTeamSpecParams,
  RedTeamSpecSchema,
  RedTeamTaxonomySchema,
  UpdateRedTeamSpecBody,
} from '../schemas/red-team.js';
import type { RedTeamRunService } from '../services/red-team-runs.js';
import type { RedTeamSpecService } from '../services/red-team-specs.js';

const tags = ['Red Teaming'];
const specsBase = '/api/dataframer/red-team-specs';
const runsBase = '/api/dataframer/red-team-runs';

/** Red teaming: specs of the app under test, runs that write (and optionally try) adversarial prompts. */
export const redTeamRoutes =
  (services: { redTeamSpecs: RedTeamSpecService; redTeamRuns: RedTeamRunService }): FastifyPluginAsyncZod =>
  async (app) => {
    const specs = services.redTeamSpecs;
    const runs = services.redTeamRuns;

    app.get(
      '/api/dataframer/red-team-taxonomy/',
      {
        schema: {
          tags,
          summary: 'The behaviour categories (with OWASP LLM Top 10 ids) and attack strategies a run can use',
          response: { 200: RedTeamTaxonomySchema, 401: ErrorSchema },
        },
      },
      async () => ({
        categories: RED_TEAM_CATEGORIES.map((c) => ({
          id: c.id,
          name: c.name,
          description: c.description,
          owasp: [...c.owasp],
        })),
        strategies: ATTACK_STRATEGIES.map((s) => ({
          id: s.id,
          name: s.name,
          description: s.description,
          kind: s.kind,
        })),
        owasp: OWASP_LLM_TOP_10_2025,
      }),
    );

    app.post(
      `${specsBase}/`,
      {
        schema: {
          tags,
          summary: 'Create a red-team spec (the name is stored in snake_case, unique within the company)',
          body: CreateRedTeamSpecBody,
          response: { 201: RedTeamSpecSchema, 400: ErrorSchema, 409: ErrorSchema, ...authErrors },
        },
      },
      async (req, reply) => reply.code(201).send(await specs.create(req.principal, req.body)),
    );

    app.get(
      `${specsBase}/`,
      {
        schema: {
          tags,
          summary: 'List red-team specs, newest first',
          querystring: PageQuery,
          response: { 200: z.array(RedTeamSpecSchema), ...authErrors },
        },
      },
      async (req) => specs.list(req.principal, req.query),
    );

    app.get(
      `${specsBase}/:spec_id/`,
      {
        schema: {
          tags,
          summary: 'Get a red-team spec',
          params: RedTeamSpecParams,
          response: { 200: RedTeamSpecSchema, ...authErrors },
        },
      },
      async (req) => specs.get(req.principal, req.params.spec_id),
    );

    app.patch(
      `${specsBase}/:spec_id/`,
      {
        schema: {
          tags,
          summary: 'Change any of name, domain_description, app_description, concerns (runs keep their copy)',
          params: RedTeamSpecParams,
          body: UpdateRedTeamSpecBody,
          response: { 200: RedTeamSpecSchema, 400: ErrorSchema, 409: ErrorSchema, ...authErrors },
        },
      },
      async (req) => specs.update(req.principal, req.params.spec_id, req.body),
    );

    app.delete(
      `${specsBase}/:spec_id/`,
      {
        schema: {
          tags,
          summary: 'Delete a red-team spec (409 while one of its runs is PENDING or PROCESSING)',
          params: RedTeamSpecParams,
          response: { 204: z.null(), 409: ErrorSchema, ...authErrors },
        },
      },
      async (req, reply) => {
        await specs.delete(req.principal, req.params.spec_id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      `${runsBase}/`,
      {
        schema: {
          tags,
          summary:
            'Start a red-team run: behaviours x prompts adversarial prompts (optionally sent to a target and graded)',
          body: CreateRedTeamRunBody,
          response: { 201: RedTeamRunSchema, 400: ErrorSchema, ...authErrors },
        },
      },
      async (req, reply) => reply.code(201).send(await runs.create(req.principal, req.body)),
    );

    app.get(
      `${runsBase}/`,
      {
        schema: {
          tags,
          summary: 'List red-team runs, newest first (results of ended runs, without the prompts map)',
          querystring: PageQuery,
          response: { 200: z.array(RedTeamRunSchema), ...authErrors },
        },
      },
      async (req) => runs.list(req.principal, req.query),
    );

    app.get(
      `${runsBase}/:run_id/`,
      {
        schema: {
          tags,
          summary: 'Get a red-team run with results_json.behavior_to_enhanced_queries (what is done so far)',
          params: RedTeamRunParams,
          response: { 200: RedTeamRunSchema, ...authErrors },
        },
      },
      async (req) => runs.get(req.principal, req.params.run_id),
    );

    app.get(
      `${runsBase}/:run_id/status/`,
      {
        schema: {
          tags,
          summary:
            'Poll a red-team run: status, progress and error (results once it has ended, without the prompts map)',
          params: RedTeamRunParams,
          response: { 200: RedTeamRunSchema, ...authErrors },
        },
      },
      async (req) => runs.status(req.principal, req.params.run_id),
    );

    app.get(
      `${runsBase}/:run_id/prompts/`,
      {
        schema: {
          tags,
          summary: 'The prompts of a run in order, a page at a time (default 100)',
          params: RedTeamRunParams,
          querystring: PageQuery,
          response: { 200: z.array(RedTeamPromptRowSchema), ...authErrors },
        },
      },
      async (req) => runs.prompts(req.principal, req.params.run_id, req.query),
    );

    app.get(
      `${runsBase}/:run_id/prompts/export/`,
      {
        config: {
          fileResponse: {
            description: 'One prompt per line (JSON Lines) or per row (CSV)',
            mediaTypes: ['application/x-ndjson', 'text/csv'],
          },
        },
        schema: {
          tags,
          summary: 'Every prompt of a run as a JSON Lines (default) or CSV file',
          params: RedTeamRunParams,
          querystring: RedTeamExportQuery,
          response: { 200: z.any().describe('The file (JSON Lines or CSV)'), ...authErrors },
        },
      },
      async (req, reply) => {
        const { format } = req.query;
        const body = await runs.export(req.principal, req.params.run_id, format);
        return reply
          .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
          .header('content-disposition', `attachment; filename="red-team-${req.params.run_id}.${format}"`)
          .send(body);
      },
    );

    app.post(
      `${runsBase}/:run_id/cancel/`,
      {
        schema: {
          tags,
          summary: 'Cancel a PENDING or PROCESSING red-team run (what is done is kept)',
          params: RedTeamRunParams,
          response: { 200: RedTeamRunSchema, 400: ErrorSchema, ...authErrors },
        },
      },
      async (req) => runs.cancel(req.principal, req.params.run_id),
    );

    app.delete(
      `${runsBase}/:run_id/`,
      {
        schema: {
          tags,
          summary: 'Delete a red-team run and its prompts',
          params: RedTeamRunParams,
          response: { 204: z.null(), ...authErrors },
        },
      },
      async (req, reply) => {
        await runs.delete(req.principal, req.params.run_id);
        return reply.code(204).send(null);
      },
    );
  };
