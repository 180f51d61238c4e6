import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authErrors, ErrorSchema, PageQuery } from '../schemas/common.js';
import {
  ChatBody,
  ChatMessageSchema,
  CreateEvaluationBody,
  CreateRunEvaluationBody,
  EvaluationListQuery,
  EvaluationParams,
  EvaluationQuery,
  EvaluationSchema,
  EvaluationSummarySchema,
  HumanLabelBody,
  HumanLabelParams,
  HumanLabelQuery,
  HumanLabelSchema,
  UpdateHumanLabelBody,
} from '../schemas/evaluations.js';
import { RunParams } from '../schemas/runs.js';
import type { EvaluationService } from '../services/evaluations.js';
import type { HumanLabelService } from '../services/human-labels.js';

const tags = ['Evaluations'];
const labelTags = ['Human Labels'];
const api = '/api/dataframer';

/** Evaluations, chat about them, and human labels on run files. */
export const evaluationRoutes =
  (services: { evaluations: EvaluationService; humanLabels: HumanLabelService }): FastifyPluginAsyncZod =>
  async (app) => {
    const { evaluations, humanLabels } = services;

    app.post(
      `${api}/evaluations/`,
      {
        schema: {
          tags,
          summary: 'Evaluate a SUCCEEDED run against its spec; poll GET /evaluations/{id}/',
          body: CreateEvaluationBody,
          response: { 201: EvaluationSchema, 400: ErrorSchema, ...authErrors },
        },
      },
      async (req, reply) => reply.code(201).send(await evaluations.create(req.principal, req.body)),
    );

    app.get(
      `${api}/evaluations/`,
      {
        schema: {
          tags,
          summary: 'List evaluations, newest first (without sample classifications)',
          querystring: EvaluationListQuery,
          response: { 200: z.array(EvaluationSummarySchema), 400: ErrorSchema },
        },
      },
      async (req) => evaluations.list(req.principal, req.query),
    );

    app.get(
      `${api}/evaluations/:evaluation_id/`,
      {
        schema: {
          tags,
          summary: 'Get an evaluation: status, score, distribution analysis, sample classifications, quality',
          params: EvaluationParams,
          querystring: EvaluationQuery,
          response: { 200: EvaluationSchema, ...authErrors },
        },
      },
      async (req) =>
        evaluations.get(req.principal, req.params.evaluation_id, {
          includeSamples: req.query.include_samples !== 'false',
        }),
    );

    app.delete(
      `${api}/evaluations/:evaluation_id/`,
      {
        schema: {
          tags,
          summary: 'Delete an evaluation (a running one is stopped)',
          params: EvaluationParams,
          response: { 204: z.null(), ...authErrors },
        },
      },
      async (req, reply) => {
        await evaluations.delete(req.principal, req.params.evaluation_id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      `${api}/evaluations/:evaluation_id/chat/`,
      {
        schema: {
          tags,
          summary: 'The chat history of an evaluation, oldest first',
          params: EvaluationParams,
          response: { 200: z.array(ChatMessageSchema), ...authErrors },
        },
      },
      async (req) => evaluations.chatHistory(req.principal, req.params.evaluation_id),
    );

    app.post(
      `${api}/evaluations/:evaluation_id/chat/`,
      {
        schema: {
          tags,
          summary: 'Ask a model about a SUCCEEDED evaluation; earlier turns are sent along',
          params: EvaluationParams,
          body: ChatBody,
          response: { 200: ChatMessageSchema, 400: ErrorSchema, 503: ErrorSchema, ...authErrors },
        },
      },
      async (req) => evaluations.chat(req.principal, req.params.evaluation_id, req.body),
    );

    app.post(
      `${api}/runs/:run_id/evaluations/`,
      {
        schema: {
          tags,
          summary: 'Evaluate this run (it must be SUCCEEDED)',
          params: RunParams,
          body: CreateRunEvaluationBody,
          response: { 201: EvaluationSchema, 400: ErrorSchema, ...authErrors },
        },
      },
      async (req, reply) =>
        reply
          .code(201)
          .send(await evaluations.create(req.principal, { ...req.body, run_id: req.params.run_id })),
    );

    app.get(
      `${api}/runs/:run_id/evaluations/`,
      {
        schema: {
          tags,
          summary: "The run's evaluations, newest first",
          params: RunParams,
          querystring: PageQuery,
          response: { 200: z.array(EvaluationSummarySchema), ...authErrors },
        },
      },
      async (req) => evaluations.listForRun(req.principal, req.params.run_id, req.query),
    );

    app.post(
      `${api}/runs/:run_id/human-labels/`,
      {
        schema: {
          tags: labelTags,
          summary: 'Label a generated file (or a row/sample of it) with free-form JSON',
          params: RunParams,
          body: HumanLabelBody,
          response: { 201: HumanLabelSchema, 400: ErrorSchema, 413: ErrorSchema, ...authErrors },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await humanLabels.create(req.principal, req.params.run_id, req.body)),
    );

    app.get(
      `${api}/runs/:run_id/human-labels/`,
      {
        schema: {
          tags: labelTags,
          summary: "The run's human labels, oldest first; filter by file_identifier or sample_identifier",
          params: RunParams,
          querystring: HumanLabelQuery,
          response: { 200: z.array(HumanLabelSchema), ...authErrors },
        },
      },
      async (req) => humanLabels.list(req.principal, req.params.run_id, req.query),
    );

    app.get(
      `${api}/human-labels/:label_id/`,
      {
        schema: {
          tags: labelTags,
          summary: 'Get a human label',
          params: HumanLabelParams,
          response: { 200: HumanLabelSchema, ...authErrors },
        },
      },
      async (req) => humanLabels.get(req.principal, req.params.label_id),
    );

    app.put(
      `${api}/human-labels/:label_id/`,
      {
        schema: {
          tags: labelTags,
          summary: 'Replace the labels (and optionally the identifiers) of a human label',
          params: HumanLabelParams,
          body: UpdateHumanLabelBody,
          response: { 200: HumanLabelSchema, 400: ErrorSchema, 413: ErrorSchema, ...authErrors },
        },
      },
      async (req) => humanLabels.update(req.principal, req.params.label_id, req.body),
    );

    app.delete(
      `${api}/human-labels/:label_id/`,
      {
        schema: {
          tags: labelTags,
          summary: 'Delete a human label',
          params: HumanLabelParams,
          response: { 204: z.null(), ...authErrors },
        },
      },
      async (req, reply) => {
        await humanLabels.delete(req.principal, req.params.label_id);
        return reply.code(204).send(null);
      },
    );
  };
