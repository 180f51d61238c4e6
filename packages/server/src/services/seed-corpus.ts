import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { type DatasetType, readTableRecords, type SeedCorpus } from '@openframer/core';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../blobs/store.js';
import type { Database } from '../db/index.js';

/** A document's text (UTF-8, without a byte-order mark). */
async function readText(stream: Readable): Promise<string> {
  return (await buffer(stream)).toString('utf8').replace(/^\ufeff/, '');
}

/**
 * Loads a seed dataset as the pipelines read it: a table (sampled to `maxRecords`, seeded) or the text
 * of every document (PDFs through the text extracted at upload).
 */
export async function loadSeedCorpus(
  db: Kysely<Database>,
  blobs: BlobStore,
  datasetId: string,
  options: { maxRecords: number; seed: string },
): Promise<SeedCorpus> {
  const dataset = await db
    .selectFrom('datasets')
    .select(['dataset_type'])
    .where('id', '=', datasetId)
    .executeTakeFirstOrThrow();
  const files = await db
    .selectFrom('dataset_files')
    .selectAll()
    .where('dataset_id', '=', datasetId)
    .orderBy('path')
    .execute();
  const datasetType = dataset.dataset_type as DatasetType;
  if (datasetType === 'SINGLE_FILE') {
    const file = files[0]!;
    const read = await readTableRecords(
      await blobs.get(file.blob_key),
      file.file_type as 'csv' | 'json' | 'jsonl',
      {
        sampleSize: options.maxRecords,
        seed: options.seed,
      },
    );
    return { datasetType, table: { fileName: file.path, ...read } };
  }
  const documents = [];
  for (const file of files) {
    const key = file.text_blob_key ?? file.blob_key;
    documents.push({ path: file.path, folder: file.folder, text: await readText(await blobs.get(key)) });
  }
  return { datasetType, documents };
}
