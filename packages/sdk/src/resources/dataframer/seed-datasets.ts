import type { RequestOptions } from '../../core/api-client.js';
import { path } from '../../core/path.js';
import { datasetNameFor, fileFromPath, planUpload } from '../../lib/upload.js';
import type {
  DatasetType,
  DownloadLink,
  SeedDataset,
  SeedDatasetListParams,
  SeedDatasetSummary,
  SeedDatasetUpdateParams,
} from '../../types.js';
import { APIResource } from '../resource.js';

/** A file to upload: a `File` (its name tells the server the format) or a Blob, sent as "blob". */
export type Uploadable = Blob;

export interface SeedDatasetCreateParams {
  /** Unique within your company. */
  name: string;
  dataset_type: DatasetType;
  /** SINGLE_FILE: exactly one table; MULTI_FILE and MULTI_FOLDER: two or more files. */
  files: Uploadable[];
  description?: string;
  /** MULTI_FOLDER only: `folder_names[i]` is the folder of `files[i]`. */
  folder_names?: string[];
}

export interface SeedDatasetCreateFromZipParams {
  name: string;
  zip_file: Uploadable;
  description?: string;
}

export interface SeedDatasetCreateFromPathParams {
  /** Default: the file or folder name without its extension. */
  name?: string;
  description?: string;
}

const base = '/api/dataframer/seed-datasets';

export class SeedDatasets extends APIResource {
  /** Uploads files as a new dataset (multipart). */
  create(body: SeedDatasetCreateParams, options?: RequestOptions): Promise<SeedDataset> {
    return this._client.request(
      {
        method: 'POST',
        path: `${base}/create/`,
        form: () => {
          const form = new FormData();
          form.append('name', body.name);
          form.append('dataset_type', body.dataset_type);
          if (body.description !== undefined) form.append('description', body.description);
          body.files.forEach((file, i) => {
            form.append('files', file);
            const folder = body.folder_names?.[i];
            if (folder !== undefined) form.append('folder_names', folder);
          });
          return form;
        },
      },
      options,
    );
  }

  /** Uploads a ZIP; the server detects the dataset type from its layout. */
  createFromZip(body: SeedDatasetCreateFromZipParams, options?: RequestOptions): Promise<SeedDataset> {
    return this._client.request(
      {
        method: 'POST',
        path: `${base}/create-from-zip/`,
        form: () => {
          const form = new FormData();
          form.append('name', body.name);
          if (body.description !== undefined) form.append('description', body.description);
          form.append('zip_file', body.zip_file);
          return form;
        },
      },
      options,
    );
  }

  /**
   * Uploads a file or folder from disk, choosing the dataset type from its layout (see `planUpload`):
   * a CSV/JSON/JSONL file → SINGLE_FILE, a folder of files → MULTI_FILE, a folder of folders →
   * MULTI_FOLDER, a `.zip` → create-from-zip. Files stream from disk.
   */
  async createFromPath(
    inputPath: string,
    params: SeedDatasetCreateFromPathParams = {},
    options?: RequestOptions,
  ): Promise<SeedDataset> {
    const plan = await planUpload(inputPath);
    const name = params.name ?? datasetNameFor(inputPath);
    const description = params.description;
    if (plan.kind === 'zip') {
      const zip = await fileFromPath(plan.path);
      return this.createFromZip(
        { name, zip_file: zip, ...(description !== undefined && { description }) },
        options,
      );
    }
    const files = await Promise.all(plan.files.map((f) => fileFromPath(f.path, f.name)));
    return this.create(
      {
        name,
        dataset_type: plan.datasetType,
        files,
        ...(description !== undefined && { description }),
        ...(plan.datasetType === 'MULTI_FOLDER' && { folder_names: plan.files.map((f) => f.folder!) }),
      },
      options,
    );
  }

  /** Datasets, newest first (`limit` up to 1000, `offset`). */
  list(query: SeedDatasetListParams = {}, options?: RequestOptions): Promise<SeedDatasetSummary[]> {
    return this._client.request({ method: 'GET', path: `${base}/`, query }, options);
  }

  /** A dataset with its files. */
  retrieve(datasetId: string, options?: RequestOptions): Promise<SeedDataset> {
    return this._client.request(
      { method: 'GET', path: path`/api/dataframer/seed-datasets/${datasetId}/` },
      options,
    );
  }

  /** Renames or describes a dataset. */
  update(datasetId: string, body: SeedDatasetUpdateParams, options?: RequestOptions): Promise<SeedDataset> {
    return this._client.request(
      { method: 'PATCH', path: path`/api/dataframer/seed-datasets/${datasetId}/`, body },
      options,
    );
  }

  /** Deletes a dataset and its files (ConflictError while a spec uses it). */
  delete(datasetId: string, options?: RequestOptions): Promise<void> {
    return this._client.request(
      { method: 'DELETE', path: path`/api/dataframer/seed-datasets/${datasetId}/` },
      options,
    );
  }

  /** A signed link to one seed file, valid one hour and usable without a key. */
  fileDownloadLink(datasetId: string, fileId: string, options?: RequestOptions): Promise<DownloadLink> {
    return this._client.request(
      { method: 'GET', path: path`/api/dataframer/seed-datasets/${datasetId}/files/${fileId}/download/` },
      options,
    );
  }

  /** The bytes of one seed file, as a Response to read or stream (`.text()`, `.arrayBuffer()`, `.body`). */
  fileContent(datasetId: string, fileId: string, options?: RequestOptions): Promise<Response> {
    return this._client.send(
      {
        method: 'GET',
        path: path`/api/dataframer/seed-datasets/${datasetId}/files/${fileId}/content/`,
        accept: '*/*',
      },
      options,
    );
  }
}
