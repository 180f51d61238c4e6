import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AnonymizationFileParams,
  AnonymizationRunParams,
  AnonymizationRunSchema,
  CreateAnonymizationRunBody,
  CreateDatasetFromRunBody,
  DownloadFileQuery,
} from '../schemas/anonymization.js';
import { authErrors, ErrorSchema, PageQuery } from '../schemas/common.js';
import { DownloadLinkSchema, SeedDatasetSchema } from '../schemas/datasets.js';
import { ZipLinkSchema, ZipPendingSchema } from '../schemas/runs.js';
import type { AnonymizationService } from '../services/anonymization.js';
import { zipReply } from './zip-download.js';

const tags = ['DataFramer - Data Anonymization'];
const base = '/api/dataframer/anonymization-runs';

/** Anonymization runs: create, poll, list, delete, download the files, make a dataset of them. */
export const anonymizationRoutes =
  (services: { anonymization: AnonymizationService }): FastifyPluginAsyncZod =>
  async (app) => {
    const runs = services.anonymization;

    app.post(
      `${base}/`,
      {
        schema: {
          tags,
          summary:
            'Start anonymizing a seed dataset (PII/PHI detection and masking); poll GET /anonymization-runs/{id}/',
          body: CreateAnonymizationRunBody,
          response: { 201: AnonymizationRunSchema, 400: ErrorSchema, ...authErrors },
        },
      },
      async (req, reply) => reply.code(201).send(await runs.create(req.principal, req.body)),
    );

    app.get(
      `${base}/`,
      {
        schema: {
          tags,
          summary: 'List anonymization runs, newest first (results without entities_found)',
          querystring: PageQuery,
          response: { 200: z.array(AnonymizationRunSchema), ...authErrors },
        },
      },
      async (req) => runs.list(req.principal, req.query),
    );

    app.get(
      `${base}/:run_id/`,
      {
        schema: {
          tags,
          summary: 'Get an anonymization run; poll while status is PENDING or PROCESSING',
          operationId: 'api_dataframer_anonymization_runs_retrieve',
          params: AnonymizationRunParams,
          response: { 200: AnonymizationRunSchema, ...authErrors },
        },
      },
      async (req) => runs.get(req.principal, req.params.run_id),
    );

    app.delete(
      `${base}/:run_id/`,
      {
        schema: {
          tags,
          summary: 'Delete an anonymization run and its files',
          params: AnonymizationRunParams,
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
            'ZIP of all anonymized files: 202 while it is built (call again), then 200 with a link valid one hour',
          params: AnonymizationRunParams,
          response: { 200: ZipLinkSchema, 202: ZipPendingSchema, 409: ErrorSchema, ...authErrors },
        },
      },
      async (req, reply) => zipReply(reply, await runs.zipDownload(req.principal, req.params.run_id)),
    );

    app.get(
      `${base}/:run_id/files/:file_id/download/`,
      {
        schema: {
          tags,
          summary: 'A signed link to one anonymized file (valid one hour)',
          params: AnonymizationFileParams,
          response: { 200: DownloadLinkSchema, ...authErrors },
        },
      },
      async (req) => runs.fileDownload(req.principal, req.params.run_id, req.params.file_id),
    );

    app.get(
      `${base}/:run_id/download-file/`,
      {
        schema: {
          tags,
          summary: 'A signed link to one anonymized file, by `file_id` (= anonymized_files[].id)',
          params: AnonymizationRunParams,
          querystring: DownloadFileQuery,
          response: { 200: DownloadLinkSchema, ...authErrors },
        },
      },
      async (req) => runs.fileDownload(req.principal, req.params.run_id, req.query.file_id),
    );

    app.post(
      `${base}/:run_id/create-dataset/`,
      {
        schema: {
          tags,
          summary: 'Make a new seed dataset of the anonymized files (same type, folders and names)',
          params: AnonymizationRunParams,
          body: CreateDatasetFromRunBody,
          response: { 201: SeedDatasetSchema, 400: ErrorSchema, 409: ErrorSchema, ...authErrors },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await runs.createDataset(req.principal, req.params.run_id, req.body)),
    );
  };
