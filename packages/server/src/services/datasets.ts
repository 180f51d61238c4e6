import { createWriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  ConflictError,
  checkDatasetShape,
  contentTypeForFormat,
  DATASET_LIMITS,
  DATASET_TYPES,
  type DatasetType,
  extractZipArchive,
  type InspectedFile,
  InvalidInputError,
  inspectSeedFile,
  NotFoundError,
  type ShortSampleCompatibility,
  shortSampleCompatibility,
  stagedFileFromPath,
  TooLargeError,
} from '@openframer/core';
import type { Kysely, Selectable } from 'kysely';
import type { Principal } from '../auth/service.js';
import type { UrlSigner } from '../blobs/signing.js';
import type { BlobStore } from '../blobs/store.js';
import type { Database } from '../db/index.js';
import type { DatasetFileTable, DatasetTable } from '../db/schema.js';
import { newId, nowIso } from '../util.js';
import { isUniqueViolation } from './db-errors.js';

/** One part of a multipart upload, as the route hands it over (the service knows nothing of Fastify). */
export type UploadPart =
  | { kind: 'field'; name: string; value: string }
  | { kind: 'file'; name: string; filename: string; stream: Readable & { truncated?: boolean } };

export interface DatasetSummary {
  id: string;
  name: string;
  description: string;
  dataset_type: DatasetType;
  file_count: number;
  folder_count: number;
  total_size_bytes: number;
  created_at: string;
  updated_at: string;
  created_by_email: string;
  short_sample_compatibility: ShortSampleCompatibility;
}

export interface DatasetFileView {
  id: string;
  path: string;
  name: string;
  folder: string | null;
  file_type: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  record_count: number | null;
  columns: string[] | null;
  created_at: string;
}

export interface DatasetDetail extends DatasetSummary {
  files: DatasetFileView[];
}

const NAME_MAX = 255;
const DESCRIPTION_MAX = 10_000;
/** A ZIP is at most the 50 MB of content plus headers; anything bigger cannot pass the limits. */
const MAX_DATASET_BYTES = Math.max(...Object.values(DATASET_LIMITS).map((l) => l.maxTotalBytes));
const MAX_DATASET_FILES = Math.max(...Object.values(DATASET_LIMITS).map((l) => l.maxFiles));
const ZIP_MAX_BYTES = MAX_DATASET_BYTES + 8 * 1024 * 1024;
const FILE_FIELDS = new Set(['files', 'files[]', 'file']);
const FOLDER_FIELDS = new Set(['folder_names', 'folder_names[]']);
// Fields of DataFramer's older upload endpoint: accepted and ignored, so old clients keep working.
const IGNORED_FIELDS = new Set(['config_json', 'csv_headers']);

interface StagedUpload {
  name: string;
  folder: string | null;
  size: number;
  path: string;
}

export class DatasetService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly blobs: BlobStore,
    private readonly signer: UrlSigner,
    private readonly tmpDir: string,
  ) {}

  /** Multipart create: stages every file to disk with limits, validates all, then commits in one go. */
  async createFromParts(principal: Principal, parts: AsyncIterable<UploadPart>): Promise<DatasetDetail> {
    const stagingDir = join(this.tmpDir, `upload-${newId()}`);
    await mkdir(stagingDir, { recursive: true });
    try {
      const fields = new Map<string, string>();
      const folderNames: string[] = [];
      const files: StagedUpload[] = [];
      let total = 0;
      for await (const part of parts) {
        if (part.kind === 'field') {
          if (FOLDER_FIELDS.has(part.name)) folderNames.push(part.value);
          else if (IGNORED_FIELDS.has(part.name)) continue;
          else if (['name', 'dataset_type', 'description'].includes(part.name)) {
            if (fields.has(part.name))
              throw new InvalidInputError(`${part.name} was given more than once`, part.name);
            fields.set(part.name, part.value);
          } else {
            throw new InvalidInputError(
              `unknown field "${part.name}"; expected name, dataset_type, description, files, folder_names`,
              part.name,
            );
          }
          continue;
        }
        if (!FILE_FIELDS.has(part.name)) {
          part.stream.resume();
          throw new InvalidInputError(`unknown file field "${part.name}"; send files as "files"`, part.name);
        }
        const type = fields.get('dataset_type');
        // When dataset_type came first the per-file limit is known while streaming; else the largest applies.
        const known = DATASET_LIMITS[type?.trim().toUpperCase() as DatasetType] as
          | (typeof DATASET_LIMITS)[DatasetType]
          | undefined;
        const perFile = known?.maxFileBytes ?? MAX_DATASET_BYTES;
        const staged = await stageStream(part.stream, part.filename, join(stagingDir, String(files.length)), {
          perFile,
          remaining: MAX_DATASET_BYTES - total,
        });
        total += staged.size;
        files.push({ name: staged.name, folder: null, size: staged.size, path: staged.path });
        if (files.length > MAX_DATASET_FILES) {
          throw new InvalidInputError(`too many files: at most ${MAX_DATASET_FILES} per dataset`, 'files');
        }
      }

      const datasetType = parseDatasetType(fields.get('dataset_type'));
      const name = parseName(fields.get('name'));
      const description = parseDescription(fields.get('description'));
      if (files.length === 0)
        throw new InvalidInputError('at least one file is required in "files"', 'files');
      if (datasetType === 'MULTI_FOLDER') {
        if (folderNames.length !== files.length) {
          throw new InvalidInputError(
            `folder_names must have one entry per file: got ${folderNames.length} folder names for ${files.length} files`,
            'folder_names',
          );
        }
        files.forEach((f, i) => {
          f.folder = folderNames[i]!.trim();
        });
      } else if (folderNames.length > 0) {
        throw new InvalidInputError('folder_names is only allowed for MULTI_FOLDER datasets', 'folder_names');
      }
      await this.assertNameFree(principal.companyId, name);
      return await this.commit(principal, { name, description, datasetType, files });
    } finally {
      await rm(stagingDir, { recursive: true, force: true });
    }
  }

  /** ZIP create: the type is detected from the archive's layout. */
  async createFromZipParts(principal: Principal, parts: AsyncIterable<UploadPart>): Promise<DatasetDetail> {
    const stagingDir = join(this.tmpDir, `zip-${newId()}`);
    await mkdir(stagingDir, { recursive: true });
    try {
      const fields = new Map<string, string>();
      let zipPath: string | undefined;
      let zipName = 'zip_file';
      for await (const part of parts) {
        if (part.kind === 'field') {
          if (!['name', 'description'].includes(part.name)) {
            throw new InvalidInputError(
              `unknown field "${part.name}"; expected name, description, zip_file`,
              part.name,
            );
          }
          fields.set(part.name, part.value);
          continue;
        }
        if (part.name !== 'zip_file' || zipPath) {
          part.stream.resume();
          throw new InvalidInputError(
            part.name === 'zip_file'
              ? 'send exactly one zip_file'
              : `unknown file field "${part.name}"; send the archive as "zip_file"`,
            'zip_file',
          );
        }
        const staged = await stageStream(part.stream, part.filename, join(stagingDir, 'archive.zip'), {
          perFile: ZIP_MAX_BYTES,
          remaining: ZIP_MAX_BYTES,
          field: 'zip_file',
        });
        zipPath = staged.path;
        zipName = staged.name;
      }
      const name = parseName(fields.get('name'));
      const description = parseDescription(fields.get('description'));
      if (!zipPath) throw new InvalidInputError('zip_file is required', 'zip_file');
      await this.assertNameFree(principal.companyId, name);
      const extracted = await extractZipArchive(zipPath, join(stagingDir, 'extracted'), {
        archiveName: zipName,
      });
      return await this.commit(principal, {
        name,
        description,
        datasetType: extracted.datasetType,
        files: extracted.files.map((f) => ({ name: f.name, folder: f.folder, size: f.size, path: f.path })),
      });
    } finally {
      await rm(stagingDir, { recursive: true, force: true });
    }
  }

  /**
   * Creates a dataset from files the server made itself (the output of an anonymization run): they are
   * staged and checked exactly like uploaded files, then committed in one go.
   */
  async createFromFiles(
    principal: Principal,
    input: {
      name: string;
      description?: string;
      datasetType: DatasetType;
      files: { name: string; folder: string | null; content: Buffer | string }[];
    },
  ): Promise<DatasetDetail> {
    const name = parseName(input.name);
    const description = parseDescription(input.description);
    const stagingDir = join(this.tmpDir, `made-${newId()}`);
    await mkdir(stagingDir, { recursive: true });
    try {
      const files: StagedUpload[] = [];
      for (const [i, f] of input.files.entries()) {
        const path = join(stagingDir, String(i));
        await writeFile(path, f.content);
        files.push({ name: f.name, folder: f.folder, size: Buffer.byteLength(f.content), path });
      }
      await this.assertNameFree(principal.companyId, name);
      return await this.commit(principal, { name, description, datasetType: input.datasetType, files });
    } finally {
      await rm(stagingDir, { recursive: true, force: true });
    }
  }

  private async commit(
    principal: Principal,
    input: { name: string; description: string; datasetType: DatasetType; files: StagedUpload[] },
  ): Promise<DatasetDetail> {
    const { datasetType, files } = input;
    checkDatasetShape(datasetType, files);
    const inspected: InspectedFile[] = [];
    for (const f of files) {
      inspected.push(
        await inspectSeedFile(stagedFileFromPath(f.path, f.name, f.folder, f.size), datasetType),
      );
    }
    const datasetId = newId();
    const now = nowIso();
    const fileRows: Selectable<DatasetFileTable>[] = [];
    try {
      for (const [i, info] of inspected.entries()) {
        const fileId = newId();
        const blobKey = `datasets/${datasetId}/files/${fileId}`;
        const stored = await this.blobs.putFile(blobKey, files[i]!.path);
        let textBlobKey: string | null = null;
        if (info.extractedText !== null) {
          textBlobKey = `datasets/${datasetId}/text/${fileId}.txt`;
          await this.blobs.put(textBlobKey, info.extractedText);
        }
        fileRows.push({
          id: fileId,
          dataset_id: datasetId,
          company_id: principal.companyId,
          path: info.path,
          name: info.name,
          folder: info.folder,
          file_type: info.format,
          content_type: contentTypeForFormat(info.format),
          size_bytes: stored.size,
          sha256: stored.sha256,
          record_count: info.recordCount,
          columns: info.columns ? JSON.stringify(info.columns) : null,
          blob_key: blobKey,
          text_blob_key: textBlobKey,
          created_at: now,
        });
      }
      const folders = new Set(inspected.map((f) => f.folder).filter((f): f is string => f !== null));
      const row: Selectable<DatasetTable> = {
        id: datasetId,
        company_id: principal.companyId,
        name: input.name,
        description: input.description,
        dataset_type: datasetType,
        file_count: inspected.length,
        folder_count: folders.size,
        total_size_bytes: fileRows.reduce((sum, f) => sum + f.size_bytes, 0),
        short_sample_compatibility: JSON.stringify(shortSampleCompatibility(datasetType, inspected)),
        created_by: principal.userId,
        created_by_email: principal.email,
        created_at: now,
        updated_at: now,
      };
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto('datasets').values(row).execute();
        // Chunked so a 1,000-file dataset stays under SQLite's bound-parameter limit.
        for (let i = 0; i < fileRows.length; i += 50) {
          await trx
            .insertInto('dataset_files')
            .values(fileRows.slice(i, i + 50))
            .execute();
        }
      });
      return toDetail(row, fileRows);
    } catch (err) {
      await this.blobs.deletePrefix(`datasets/${datasetId}`);
      if (isUniqueViolation(err)) throw nameTaken(input.name);
      throw err;
    }
  }

  async list(
    principal: Principal,
    page: { limit?: number; offset?: number } = {},
  ): Promise<DatasetSummary[]> {
    let query = this.db
      .selectFrom('datasets')
      .selectAll()
      .where('company_id', '=', principal.companyId)
      .orderBy('created_at', 'desc')
      .orderBy('id');
    if (page.limit !== undefined) query = query.limit(page.limit);
    if (page.offset)
      query = query.offset(page.offset).$if(page.limit === undefined, (q) => q.limit(1_000_000_000));
    const rows = await query.execute();
    return rows.map(toSummary);
  }

  async get(principal: Principal, id: string): Promise<DatasetDetail> {
    const row = await this.findOwned(principal, id);
    const files = await this.db
      .selectFrom('dataset_files')
      .selectAll()
      .where('dataset_id', '=', id)
      .orderBy('path')
      .execute();
    return toDetail(row, files);
  }

  async update(
    principal: Principal,
    id: string,
    patch: { name?: string; description?: string },
  ): Promise<DatasetDetail> {
    await this.findOwned(principal, id);
    const changes: Partial<Selectable<DatasetTable>> = {};
    if (patch.name !== undefined) {
      changes.name = parseName(patch.name);
      await this.assertNameFree(principal.companyId, changes.name, id);
    }
    if (patch.description !== undefined) changes.description = parseDescription(patch.description);
    if (Object.keys(changes).length > 0) {
      try {
        await this.db
          .updateTable('datasets')
          .set({ ...changes, updated_at: nowIso() })
          .where('id', '=', id)
          .execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw nameTaken(changes.name ?? '');
        throw err;
      }
    }
    return this.get(principal, id);
  }

  async delete(principal: Principal, id: string): Promise<void> {
    await this.findOwned(principal, id);
    await this.db.transaction().execute(async (trx) => {
      const specs = await trx
        .selectFrom('specs')
        .select('name')
        .where('dataset_id', '=', id)
        .limit(3)
        .execute();
      if (specs.length > 0) {
        throw new ConflictError(
          `dataset is used by spec ${specs.map((s) => `"${s.name}"`).join(', ')}; delete the specs first`,
        );
      }
      await trx.deleteFrom('dataset_files').where('dataset_id', '=', id).execute();
      await trx.deleteFrom('datasets').where('id', '=', id).execute();
    });
    await this.blobs.deletePrefix(`datasets/${id}`);
  }

  async fileDownload(
    principal: Principal,
    datasetId: string,
    fileId: string,
  ): Promise<{ download_url: string; expires_at: string; size_bytes: number; path: string }> {
    const file = await this.findFile(principal, datasetId, fileId);
    const { url, expiresAt } = this.signer.sign(file.blob_key, basename(file.path), 3600);
    return {
      download_url: url,
      expires_at: expiresAt.toISOString(),
      size_bytes: file.size_bytes,
      path: file.path,
    };
  }

  async fileContent(
    principal: Principal,
    datasetId: string,
    fileId: string,
  ): Promise<{ stream: Readable; contentType: string; filename: string; size: number }> {
    const file = await this.findFile(principal, datasetId, fileId);
    return {
      stream: await this.blobs.get(file.blob_key),
      contentType: file.content_type,
      filename: basename(file.path),
      size: file.size_bytes,
    };
  }

  private async findFile(principal: Principal, datasetId: string, fileId: string) {
    await this.findOwned(principal, datasetId);
    const file = await this.db
      .selectFrom('dataset_files')
      .selectAll()
      .where('id', '=', fileId)
      .where('dataset_id', '=', datasetId)
      .executeTakeFirst();
    if (!file) throw new NotFoundError('File not found in this dataset');
    return file;
  }

  private async findOwned(principal: Principal, id: string): Promise<Selectable<DatasetTable>> {
    const row = await this.db
      .selectFrom('datasets')
      .selectAll()
      .where('id', '=', id)
      .where('company_id', '=', principal.companyId)
      .executeTakeFirst();
    if (!row) throw new NotFoundError("Dataset not found or does not belong to user's company");
    return row;
  }

  private async assertNameFree(companyId: string, name: string, exceptId?: string): Promise<void> {
    const clash = await this.db
      .selectFrom('datasets')
      .select('id')
      .where('company_id', '=', companyId)
      .where('name', '=', name)
      .$if(exceptId !== undefined, (q) => q.where('id', '!=', exceptId!))
      .executeTakeFirst();
    if (clash) throw nameTaken(name);
  }
}

const nameTaken = (name: string) => new ConflictError(`a dataset named "${name}" already exists`, 'name');

const basename = (path: string) => path.split('/').pop() ?? path;

function parseDatasetType(value: string | undefined): DatasetType {
  if (value === undefined) throw new InvalidInputError('dataset_type is required', 'dataset_type');
  const type = value.trim().toUpperCase();
  if (!(DATASET_TYPES as readonly string[]).includes(type)) {
    throw new InvalidInputError(
      `dataset_type "${value}" is not one of ${DATASET_TYPES.join(', ')}`,
      'dataset_type',
    );
  }
  return type as DatasetType;
}

function parseName(value: string | undefined): string {
  const name = value?.trim();
  if (!name) throw new InvalidInputError('name is required', 'name');
  if (name.length > NAME_MAX)
    throw new InvalidInputError(`name is longer than ${NAME_MAX} characters`, 'name');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(name))
    throw new InvalidInputError('name contains control characters', 'name');
  return name;
}

function parseDescription(value: string | undefined): string {
  const description = (value ?? '').trim();
  if (description.length > DESCRIPTION_MAX) {
    throw new InvalidInputError(`description is longer than ${DESCRIPTION_MAX} characters`, 'description');
  }
  return description;
}

/** Streams one upload to disk, stopping as soon as a limit is passed (nothing is held in memory). */
async function stageStream(
  stream: Readable & { truncated?: boolean },
  filename: string,
  path: string,
  limits: { perFile: number; remaining: number; field?: string },
): Promise<{ name: string; size: number; path: string }> {
  const field = limits.field ?? 'files';
  const name = (filename ?? '').trim();
  if (!name) {
    stream.resume();
    throw new InvalidInputError('every uploaded file needs a file name', field);
  }
  const cap = Math.min(limits.perFile, limits.remaining);
  let size = 0;
  let exceeded = false;
  let sourceError: Error | undefined;
  stream.once('error', (err) => {
    sourceError = err;
  });
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > cap) {
        exceeded = true;
        done(new Error('upload limit passed'));
      } else done(null, chunk);
    },
  });
  try {
    await pipeline(stream, meter, createWriteStream(path));
  } catch (err) {
    await rm(path, { force: true });
    // The stream may have failed before we listened (the parser destroys it when the body breaks off).
    sourceError ??= stream.errored ?? undefined;
    if (exceeded || isMultipartSizeError(err) || isMultipartSizeError(sourceError))
      throw sizeError(name, limits, field);
    // The request body itself broke off or is malformed: the client's problem, not a server error.
    if (sourceError)
      throw new InvalidInputError(
        `${name}: the upload is incomplete or malformed (${sourceError.message})`,
        field,
      );
    throw err;
  }
  if (stream.truncated) {
    await rm(path, { force: true });
    throw sizeError(name, limits, field);
  }
  return { name, size, path };
}

function sizeError(
  name: string,
  limits: { perFile: number; remaining: number },
  field: string,
): TooLargeError {
  if (limits.remaining < limits.perFile) {
    return new TooLargeError(
      `${name}: the upload passes the ${mb(MAX_DATASET_BYTES)} limit for a whole dataset`,
      field,
    );
  }
  return new TooLargeError(`${name} is larger than the ${mb(limits.perFile)} limit for one file`, field);
}

const mb = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

function isMultipartSizeError(err: unknown): boolean {
  return (
    err instanceof Error &&
    /FST_REQ_FILE_TOO_LARGE|file too large/i.test(`${(err as { code?: string }).code} ${err.message}`)
  );
}

function toSummary(row: Selectable<DatasetTable>): DatasetSummary {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    dataset_type: row.dataset_type as DatasetType,
    file_count: row.file_count,
    folder_count: row.folder_count,
    total_size_bytes: Number(row.total_size_bytes),
    created_at: row.created_at,
    updated_at: row.updated_at,
    created_by_email: row.created_by_email,
    short_sample_compatibility: JSON.parse(row.short_sample_compatibility) as ShortSampleCompatibility,
  };
}

function toDetail(row: Selectable<DatasetTable>, files: Selectable<DatasetFileTable>[]): DatasetDetail {
  return {
    ...toSummary(row),
    files: files.map((f) => ({
      id: f.id,
      path: f.path,
      name: f.name,
      folder: f.folder,
      file_type: f.file_type,
      content_type: f.content_type,
      size_bytes: Number(f.size_bytes),
      sha256: f.sha256,
      record_count: f.record_count,
      columns: f.columns ? (JSON.parse(f.columns) as string[]) : null,
      created_at: f.created_at,
    })),
  };
}
