import type { Readable } from 'node:stream';
import {
  type GenerationContext,
  mapLimit,
  type OutputShape,
  type SampleOutput,
  writeTable,
} from '@openframer/core';
import type { Kysely, Selectable } from 'kysely';
import yazl from 'yazl';
import type { BlobStore } from '../blobs/store.js';
import type { Database } from '../db/index.js';
import type { RunFileTable } from '../db/schema.js';
import { newId, nowIso } from '../util.js';
import { MIME } from './run-shape.js';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Completed samples read per query when writing files. */
const SAMPLE_PAGE = 500;
/** Blob writes in flight at once when writing files. */
const PUT_CONCURRENCY = 16;
/** Samples whose files are stored at once in the background, ... */
const STAGING_CONCURRENCY = 4;
/** ... and samples waiting their turn before `stageSample` makes its caller wait. */
const MAX_STAGING_WAITING = 256;

interface OutputFile {
  path: string;
  content: string;
  mime: string;
  sampleIndex: number | null;
  /** Set for a sample's own file: where it is (or goes) whatever the run's file list looks like. */
  blobKey?: string;
}

/** A run's sample files stored while it runs (in this process). */
interface Staged {
  /** Indices whose files are all stored. */
  stored: Set<number>;
  waiting: { index: number; contents: string[] }[];
  running: number;
  /** Called when the waiting list got short, or everything is stored. */
  idle: (() => void)[];
}

/** Where file `k` of sample `index` is stored (MULTI_FILE and MULTI_FOLDER); its content never changes. */
function sampleFileKey(runId: string, index: number, k: number): string {
  return `runs/${runId}/samples/${index}.${k}`;
}

/** Turns a run's finished samples into its generated files, and packs them into a ZIP on request. */
export class RunOutputStore {
  private readonly building = new Map<string, Promise<void>>();
  private readonly staged = new Map<string, Staged>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly blobs: BlobStore,
    private readonly log?: { error(obj: object, msg: string): void },
  ) {}

  /**
   * Stores the files of a sample that was just stored as completed, in the background, so that `write`
   * at the end of the run only has to list them. Resolves at once unless too many are waiting; a few are
   * stored at a time (a blob write is several file-system calls on the thread pool, and starting hundreds
   * at once only makes each one, and the memory it holds, last longer). Never rejects: a file that could
   * not be stored here is stored by `write`.
   */
  async stageSample(runId: string, shape: OutputShape, index: number, output: SampleOutput): Promise<void> {
    if (shape.kind === 'table') return;
    let staged = this.staged.get(runId);
    if (!staged) {
      staged = { stored: new Set(), waiting: [], running: 0, idle: [] };
      this.staged.set(runId, staged);
    }
    staged.waiting.push({ index, contents: (output.files ?? []).map((f) => f.content) });
    this.pumpStaging(runId, staged);
    if (staged.waiting.length > MAX_STAGING_WAITING) await new Promise<void>((r) => staged.idle.push(r));
  }

  private pumpStaging(runId: string, staged: Staged): void {
    while (staged.running < STAGING_CONCURRENCY && staged.waiting.length > 0) {
      const { index, contents } = staged.waiting.shift()!;
      staged.running += 1;
      Promise.all(contents.map((content, k) => this.blobs.put(sampleFileKey(runId, index, k), content)))
        .then(
          () => staged.stored.add(index),
          () => undefined,
        )
        .finally(() => {
          staged.running -= 1;
          this.pumpStaging(runId, staged);
        });
    }
    if (
      staged.waiting.length <= MAX_STAGING_WAITING / 2 ||
      (staged.running === 0 && staged.waiting.length === 0)
    ) {
      for (const wake of staged.idle.splice(0)) wake();
    }
  }

  /** Forgets what was staged for a run, once stored (a run that ends without `write` keeps no state here). */
  async release(runId: string): Promise<void> {
    const staged = this.staged.get(runId);
    if (!staged) return;
    await this.stagingDone(staged);
    this.staged.delete(runId);
  }

  /** Resolves when nothing is being staged for the run. */
  private async stagingDone(staged: Staged): Promise<void> {
    while (staged.running > 0 || staged.waiting.length > 0) {
      await new Promise<void>((r) => staged.idle.push(r));
    }
  }

  /**
   * Writes the output files from the completed samples, replacing earlier ones: SINGLE_FILE one table in
   * the seed's format and column order; MULTI_FILE a file per sample; MULTI_FOLDER a folder per sample.
   * Samples are read a page at a time, files staged during the run are not stored again, and the others
   * are stored several at once: a 20,000-sample run neither holds every output in memory nor waits for
   * 20,000 blob writes one after another at the end.
   */
  async write(runId: string, ctx: GenerationContext): Promise<void> {
    const staged = this.staged.get(runId);
    if (staged) await this.stagingDone(staged);
    const run = await this.db
      .selectFrom('runs')
      .select('number_of_samples')
      .where('id', '=', runId)
      .executeTakeFirstOrThrow();
    const width = String(run.number_of_samples).length;
    const shape = ctx.shape;
    // Files written by earlier versions and the table file live here; sample files under `samples/` stay.
    await this.blobs.deletePrefix(`runs/${runId}/files`);
    const rows: Selectable<RunFileTable>[] = [];
    if (shape.kind === 'table') {
      const records: Record<string, unknown>[] = [];
      for await (const page of this.completedSamples(runId)) {
        for (const s of page) records.push(s.output.record ?? {});
      }
      rows.push(
        await this.storeFile(runId, {
          path: `samples.${shape.format}`,
          content: writeTable(shape.format, shape.columns, records),
          mime: MIME[shape.format]!,
          sampleIndex: null,
        }),
      );
    } else {
      for await (const page of this.completedSamples(runId)) {
        const files: OutputFile[] = [];
        for (const { idx, output } of page) {
          const name = `sample_${pad(idx + 1, width)}`;
          for (const [k, file] of (output.files ?? []).entries()) {
            const ext = file.name.split('.').pop()?.toLowerCase() ?? 'txt';
            const path = shape.kind === 'folder' ? `${name}/${file.name}` : `${name}.${shape.extension}`;
            files.push({
              path,
              content: file.content,
              mime: MIME[shape.kind === 'folder' ? ext : shape.extension] ?? 'text/plain',
              sampleIndex: idx,
              blobKey: sampleFileKey(runId, idx, k),
            });
          }
        }
        rows.push(
          ...(await mapLimit(files, PUT_CONCURRENCY, (f) =>
            this.storeFile(runId, f, staged?.stored.has(f.sampleIndex!) ?? false),
          )),
        );
      }
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
    this.staged.delete(runId);
  }

  /** The completed samples in index order, a page at a time. */
  private async *completedSamples(runId: string): AsyncGenerator<{ idx: number; output: SampleOutput }[]> {
    let after = -1;
    for (;;) {
      const page = await this.db
        .selectFrom('run_samples')
        .select(['idx', 'output'])
        .where('run_id', '=', runId)
        .where('status', '=', 'completed')
        .where('idx', '>', after)
        .orderBy('idx')
        .limit(SAMPLE_PAGE)
        .execute();
      if (page.length === 0) return;
      after = page[page.length - 1]!.idx;
      yield page.map((s) => ({ idx: s.idx, output: JSON.parse(s.output ?? '{}') as SampleOutput }));
      if (page.length < SAMPLE_PAGE) return;
    }
  }

  /** A file's row, storing its content unless `stored` says it already is (at `f.blobKey`). */
  private async storeFile(runId: string, f: OutputFile, stored = false): Promise<Selectable<RunFileTable>> {
    const id = newId();
    const blobKey = f.blobKey ?? `runs/${runId}/files/${id}`;
    const size = stored ? Buffer.byteLength(f.content) : (await this.blobs.put(blobKey, f.content)).size;
    return {
      id,
      run_id: runId,
      path: f.path,
      file_type: f.mime,
      size_bytes: size,
      blob_key: blobKey,
      sample_index: f.sampleIndex,
      created_at: nowIso(),
    };
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
