import type { Readable } from 'node:stream';
import { type GenerationContext, type SampleOutput, writeTable } from '@openframer/core';
import type { Kysely, Selectable } from 'kysely';
import yazl from 'yazl';
import type { BlobStore } from '../blobs/store.js';
import type { Database } from '../db/index.js';
import type { RunFileTable } from '../db/schema.js';
import { newId, nowIso } from '../util.js';
import { MIME } from './run-shape.js';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Turns a run's finished samples into its generated files, and packs them into a ZIP on request. */
export class RunOutputStore {
  private readonly building = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly blobs: BlobStore,
    private readonly log?: { error(obj: object, msg: string): void },
  ) {}

  /**
   * Writes the output files from the completed samples, replacing earlier ones: SINGLE_FILE one table in
   * the seed's format and column order; MULTI_FILE a file per sample; MULTI_FOLDER a folder per sample.
   */
  async write(runId: string, ctx: GenerationContext): Promise<void> {
    const samples = await this.db
      .selectFrom('run_samples')
      .select(['idx', 'output'])
      .where('run_id', '=', runId)
      .where('status', '=', 'completed')
      .orderBy('idx')
      .execute();
    const run = await this.db
      .selectFrom('runs')
      .select('number_of_samples')
      .where('id', '=', runId)
      .executeTakeFirstOrThrow();
    const width = String(run.number_of_samples).length;
    const files: { path: string; content: string; mime: string; sampleIndex: number | null }[] = [];
    const outputs = samples.map((s) => ({
      idx: s.idx,
      output: JSON.parse(s.output ?? '{}') as SampleOutput,
    }));
    const shape = ctx.shape;
    if (shape.kind === 'table') {
      const records = outputs.map((o) => o.output.record ?? {});
      files.push({
        path: `samples.${shape.format}`,
        content: writeTable(shape.format, shape.columns, records),
        mime: MIME[shape.format]!,
        sampleIndex: null,
      });
    } else {
      for (const { idx, output } of outputs) {
        const name = `sample_${pad(idx + 1, width)}`;
        for (const file of output.files ?? []) {
          const ext = file.name.split('.').pop()?.toLowerCase() ?? 'txt';
          const path = shape.kind === 'folder' ? `${name}/${file.name}` : `${name}.${shape.extension}`;
          files.push({
            path,
            content: file.content,
            mime: MIME[shape.kind === 'folder' ? ext : shape.extension] ?? 'text/plain',
            sampleIndex: idx,
          });
        }
      }
    }
    await this.blobs.deletePrefix(`runs/${runId}/files`);
    const rows: Selectable<RunFileTable>[] = [];
    for (const f of files) {
      const id = newId();
      const blobKey = `runs/${runId}/files/${id}`;
      const stored = await this.blobs.put(blobKey, f.content);
      rows.push({
        id,
        run_id: runId,
        path: f.path,
        file_type: f.mime,
        size_bytes: stored.size,
        blob_key: blobKey,
        sample_index: f.sampleIndex,
        created_at: nowIso(),
      });
    }
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('run_files').where('run_id', '=', runId).execute();
      for (let i = 0; i < rows.length; i += 100)
        await trx
          .insertInto('run_files')
          .values(rows.slice(i, i + 100))
          .execute();
      await trx
        .updateTable('runs')
        .set({ zip_status: null, zip_blob_key: null, zip_size_bytes: null })
        .where('id', '=', runId)
        .execute();
    });
  }

  /** Starts building the ZIP unless it is built or being built here; resolves at once. */
  ensureZip(runId: string): void {
    if (this.building.has(runId)) return;
    const work = this.buildZip(runId)
      .catch(async (err) => {
        this.log?.error({ err, runId }, 'building the run ZIP failed');
        await this.db.updateTable('runs').set({ zip_status: 'failed' }).where('id', '=', runId).execute();
      })
      .finally(() => this.building.delete(runId));
    this.building.set(runId, work);
  }

  isBuilding(runId: string): boolean {
    return this.building.has(runId);
  }

  /** Waits for a ZIP being built (tests, CLI in-process). */
  async settled(runId: string): Promise<void> {
    await this.building.get(runId);
  }

  private async buildZip(runId: string): Promise<void> {
    await this.db.updateTable('runs').set({ zip_status: 'building' }).where('id', '=', runId).execute();
    const run = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('id', '=', runId)
      .executeTakeFirstOrThrow();
    const files = await this.db
      .selectFrom('run_files')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('path')
      .execute();
    const samples = await this.db
      .selectFrom('run_samples')
      .select([
        'idx',
        'status',
        'assignment',
        'reason',
        'revisions',
        'input_tokens',
        'output_tokens',
        'calls',
        'cost_usd',
      ])
      .where('run_id', '=', runId)
      .orderBy('idx')
      .execute();
    const params = JSON.parse(run.runtime_params) as Record<string, unknown>;
    const sampleMeta = (s: (typeof samples)[number]) => ({
      sample_index: s.idx,
      status: s.status,
      assignment: JSON.parse(s.assignment) as Record<string, string>,
      generation_model: params.generation_model,
      revisions: s.revisions,
      input_tokens: s.input_tokens,
      output_tokens: s.output_tokens,
      llm_calls: s.calls,
      cost_usd: s.cost_usd,
      ...(s.reason ? { reason: s.reason } : {}),
    });
    const byIndex = new Map(samples.map((s) => [s.idx, s]));
    const zip = new yazl.ZipFile();
    for (const f of files) {
      // Opened one at a time as the ZIP is written: a 20,000-file run must not hold 20,000 descriptors.
      zip.addReadStreamLazy(f.path, (cb) => {
        this.blobs.get(f.blob_key).then(
          (stream) => cb(null, stream),
          (err) => cb(err, undefined as unknown as NodeJS.ReadableStream),
        );
      });
      const meta =
        f.sample_index === null
          ? { file: f.path, samples: samples.filter((s) => s.status === 'completed').map(sampleMeta) }
          : { file: f.path, ...sampleMeta(byIndex.get(f.sample_index)!) };
      zip.addBuffer(Buffer.from(`${JSON.stringify(meta, null, 2)}\n`), `${f.path}.metadata`);
    }
    const top = {
      run_id: run.id,
      spec_id: run.spec_id,
      spec_version: run.spec_version,
      status: run.status,
      number_of_samples: run.number_of_samples,
      samples_completed: run.samples_completed,
      samples_failed: run.samples_failed,
      total_cost: run.total_cost,
      created_at: run.created_at,
      completed_at: run.completed_at,
      runtime_params: params,
      failed_samples: samples
        .filter((s) => s.status === 'failed')
        .map((s) => ({ sample_index: s.idx, reason: s.reason })),
    };
    zip.addBuffer(Buffer.from(`${JSON.stringify(top, null, 2)}\n`), 'top_level.metadata');
    zip.end();
    const key = `runs/${runId}/download.zip`;
    const stored = await this.blobs.put(key, zip.outputStream as unknown as Readable);
    await this.db
      .updateTable('runs')
      .set({ zip_status: 'ready', zip_blob_key: key, zip_size_bytes: stored.size })
      .where('id', '=', runId)
      .execute();
  }
}
