import { InvalidInputError, isOpenFramerError } from '@openframer/core';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { authErrors, ErrorSchema, PageQuery } from '../schemas/common.js';
import {
  createDatasetMultipartDoc,
  createFromZipMultipartDoc,
  DatasetFileParams,
  DatasetParams,
  DatasetUpdateBody,
  DownloadLinkSchema,
  SeedDatasetSchema,
  SeedDatasetSummarySchema,
} from '../schemas/datasets.js';
import type { UploadPart } from '../services/datasets.js';

const tags = ['Seed Datasets'];
const base = '/api/dataframer/seed-datasets';

async function* uploadParts(req: FastifyRequest): AsyncIterable<UploadPart> {
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        yield { kind: 'file', name: part.fieldname, filename: part.filename, stream: part.file };
      } else {
        yield { kind: 'field', name: part.fieldname, value: String(part.value ?? '') };
      }
    }
  } catch (err) {
    // The multipart parser's own errors (no boundary, body cut short) are the client's, not ours.
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (isOpenFramerError(err) || status < 500) throw err;
    throw new InvalidInputError(`the multipart body is malformed: ${(err as Error).message}`);
  }
}

export const seedDatasetRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const datasets = ctx.services.datasets;

    app.post(
      `${base}/create/`,
      {
        schema: {
          tags,
          summary: 'Create a seed dataset from files',
          consumes: ['multipart/form-data'],
          response: { 201: SeedDatasetSchema, 400: ErrorSchema, 409: ErrorSchema, 413: ErrorSchema },
        },
        config: { multipartBody: createDatasetMultipartDoc },
      },
      async (req, reply) =>
        reply.code(201).send(await datasets.createFromParts(req.principal, uploadParts(req))),
    );

    app.post(
      `${base}/create-from-zip/`,
      {
        schema: {
          tags,
          summary: 'Create a seed dataset from a ZIP archive (type detected from its layout)',
          consumes: ['multipart/form-data'],
          response: { 201: SeedDatasetSchema, 400: ErrorSchema, 409: ErrorSchema, 413: ErrorSchema },
        },
        config: { multipartBody: createFromZipMultipartDoc },
      },
      async (req, reply) =>
        reply.code(201).send(await datasets.createFromZipParts(req.principal, uploadParts(req))),
    );

    app.get(
      `${base}/`,
      {
        schema: {
          tags,
          summary: 'List seed datasets, newest first',
          querystring: PageQuery,
          response: { 200: z.array(SeedDatasetSummarySchema) },
        },
      },
      async (req) => datasets.list(req.principal, req.query),
    );

    app.get(
      `${base}/:dataset_id/`,
      {
        schema: {
          tags,
          summary: 'Get a seed dataset with its files',
          params: DatasetParams,
          response: { 200: SeedDatasetSchema, ...authErrors },
        },
      },
      async (req) => datasets.get(req.principal, req.params.dataset_id),
    );

    for (const method of ['patch', 'put'] as const) {
      app[method](
        `${base}/:dataset_id/`,
        {
          schema: {
            tags,
            summary: 'Rename or describe a seed dataset',
            params: DatasetParams,
            body: DatasetUpdateBody,
            response: { 200: SeedDatasetSchema, 400: ErrorSchema, 409: ErrorSchema, ...authErrors },
          },
        },
        async (req) => datasets.update(req.principal, req.params.dataset_id, req.body),
      );
    }

    app.delete(
      `${base}/:dataset_id/`,
      {
        schema: {
          tags,
          summary: 'Delete a seed dataset and its files (refused while a spec uses it)',
          params: DatasetParams,
          response: { 204: z.null().describe('Deleted'), 409: ErrorSchema, ...authErrors },
        },
      },
      async (req, reply) => {
        await datasets.delete(req.principal, req.params.dataset_id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      `${base}/:dataset_id/files/:file_id/download/`,
      {
        schema: {
          tags,
          summary: 'A signed link to download one seed file (valid one hour)',
          params: DatasetFileParams,
          response: { 200: DownloadLinkSchema, ...authErrors },
        },
      },
      async (req) => datasets.fileDownload(req.principal, req.params.dataset_id, req.params.file_id),
    );

    app.get(
      `${base}/:dataset_id/files/:file_id/content/`,
      {
        config: {
          fileResponse: {
            description: 'The file, with its content type',
            mediaTypes: [
              'text/csv',
              'application/json',
              'application/x-ndjson',
              'text/plain',
              'application/pdf',
            ],
          },
        },
        schema: {
          tags,
          summary: 'The bytes of one seed file',
          params: DatasetFileParams,
          response: { 200: z.any().describe('The file, with its content type'), ...authErrors },
        },
      },
      async (req, reply) => {
        const file = await datasets.fileContent(req.principal, req.params.dataset_id, req.params.file_id);
        return reply
          .type(file.contentType)
          .header('content-length', file.size)
          .header('content-disposition', contentDisposition(file.filename))
          .send(file.stream);
      },
    );
  };

/** RFC 6266 attachment header that survives non-ASCII file names. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
