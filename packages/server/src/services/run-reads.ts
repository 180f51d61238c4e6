import { NotFoundError, OpenFramerError } from '@openframer/core';
import type { Kysely, Selectable } from 'kysely';
import type { Principal } from '../auth/service.js';
import type { UrlSigner } from '../blobs/signing.js';
import type { Database } from '../db/index.js';
import type { RunSampleTable } from '../db/schema.js';
import type { RunOutputStore } from './run-output.js';
import type { RunService } from './runs.js';

export interface SampleView {
  sample_index: number;
  status: 'completed' | 'failed';
  assignment: Record<string, string>;
  record: Record<string, unknown> | null;
  files: { name: string; content: string }[] | null;
  reason: string | null;
  revisions: number;
  cost_usd: number;
  finished_at: string | null;
}

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELED'];

/** The read side of runs: samples in finish order, downloads, and the progress stream. */
export class RunReads {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly runs: RunService,
    private readonly output: RunOutputStore,
    private readonly signer: UrlSigner,
  ) {}

  /** Finished samples in the order they finished (index 0 = first finished), as DataFramer lists them. */
  async samples(principal: Principal, runId: string, page: { limit?: number; offset?: number }) {
    await this.runs.findOwned(principal, runId);
    const offset = page.offset ?? 0;
    const total = await this.finishedCount(runId);
    const rows = await this.db
      .selectFrom('run_samples')
      .selectAll()
      .where('run_id', '=', runId)
      .where('finish_seq', 'is not', null)
      .orderBy('finish_seq')
      .limit(Math.min(page.limit ?? 1000, 1000))
      .offset(offset)
      .execute();
    return {
      run_id: runId,
      total_samples: total,
      offset,
      returned_count: rows.length,
      samples: rows.map(view),
    };
  }

  async samplesByIndex(principal: Principal, runId: string, indices: number[]) {
    await this.runs.findOwned(principal, runId);
    const rows = await this.db
      .selectFrom('run_samples')
      .selectAll()
      .where('run_id', '=', runId)
      .where('finish_seq', 'in', [...new Set(indices)])
      .execute();
    const bySeq = new Map(rows.map((r) => [r.finish_seq!, r]));
    const samples = indices.map((i) => (bySeq.has(i) ? view(bySeq.get(i)!) : null));
    return {
      run_id: runId,
      returned_count: samples.filter(Boolean).length,
      samples,
      sample_statuses: indices.map(
        (i) => (bySeq.get(i)?.status as 'completed' | 'failed' | undefined) ?? ('out_of_range' as const),
      ),
    };
  }

  async fileDownload(principal: Principal, runId: string, fileId: string) {
    await this.runs.findOwned(principal, runId);
    const file = await this.db
      .selectFrom('run_files')
      .selectAll()
      .where('id', '=', fileId)
      .where('run_id', '=', runId)
      .executeTakeFirst();
    if (!file) throw new NotFoundError('File not found in this run');
    const { url, expiresAt } = this.signer.sign(file.blob_key, file.path.split('/').pop()!, 3600);
    return {
      download_url: url,
      expires_at: expiresAt.toISOString(),
      size_bytes: Number(file.size_bytes),
      path: file.path,
    };
  }

  /** 200 with a link when the ZIP is ready; otherwise starts (or keeps) building it and says so (202). */
  async zipDownload(
    principal: Principal,
    runId: string,
  ): Promise<
    { ready: true; download_url: string; size_bytes: number; expires_at: string } | { ready: false }
  > {
    const run = await this.runs.findOwned(principal, runId);
    if (!TERMINAL.includes(run.status)) {
      throw new OpenFramerError(
        'conflict',
        `the run is ${run.status}; its files can be downloaded when it has finished`,
      );
    }
    if (run.zip_status === 'ready' && run.zip_blob_key) {
      const { url, expiresAt } = this.signer.sign(run.zip_blob_key, `run-${run.id}.zip`, 3600);
      return {
        ready: true,
        download_url: url,
        size_bytes: Number(run.zip_size_bytes),
        expires_at: expiresAt.toISOString(),
      };
    }
    this.output.ensureZip(runId);
    return { ready: false };
  }

  /** Progress snapshots until the run ends: what the SSE stream sends. */
  async *progress(principal: Principal, runId: string, signal: AbortSignal, intervalMs = 500) {
    await this.runs.findOwned(principal, runId);
    let last = '';
    while (!signal.aborted) {
      const run = await this.db
        .selectFrom('runs')
        .select(['status', 'samples_completed', 'samples_failed', 'number_of_samples', 'total_cost', 'error'])
        .where('id', '=', runId)
        .executeTakeFirst();
      if (!run) return;
      const snapshot = {
        status: run.status,
        samples_completed: run.samples_completed,
        samples_failed: run.samples_failed,
        number_of_samples: run.number_of_samples,
        total_cost: Math.round(Number(run.total_cost) * 1e6) / 1e6,
        error: run.error,
      };
      const text = JSON.stringify(snapshot);
      if (text !== last) {
        last = text;
        yield snapshot;
      }
      if (TERMINAL.includes(run.status)) return;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }

  private async finishedCount(runId: string): Promise<number> {
    const row = await this.db
      .selectFrom('run_samples')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('run_id', '=', runId)
      .where('finish_seq', 'is not', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

function view(row: Selectable<RunSampleTable>): SampleView {
  const output = row.output
    ? (JSON.parse(row.output) as {
        record?: Record<string, unknown>;
        files?: { name: string; content: string }[];
      })
    : {};
  return {
    sample_index: row.idx,
    status: row.status as 'completed' | 'failed',
    assignment: JSON.parse(row.assignment) as Record<string, string>,
    record: output.record ?? null,
    files: output.files ?? null,
    reason: row.reason,
    revisions: row.revisions,
    cost_usd: Number(row.cost_usd),
    finished_at: row.finished_at,
  };
}
