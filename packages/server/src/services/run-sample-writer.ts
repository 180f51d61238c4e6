import type { SampleOutcome } from '@openframer/core';
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/index.js';
import { nowIso } from '../util.js';

interface PendingSave {
  runId: string;
  index: number;
  outcome: SampleOutcome;
  claimed?: boolean;
  resolve: (claimed: boolean) => void;
  reject: (err: unknown) => void;
}

/**
 * Stores finished samples with group commit: the saves that arrive while a transaction is being written
 * (or in the same event-loop turn) go into the next transaction together. Each `save` resolves only once
 * the transaction holding its sample has committed, so a sample is still stored before it is counted; the
 * run pays one commit and a few statements per group instead of five statements per sample.
 */
export class RunSampleWriter {
  private queue: PendingSave[] = [];
  private writing = false;
  private scheduled = false;
  private statements: ReturnType<typeof compileStatements> | undefined;

  constructor(private readonly db: Kysely<Database>) {}

  /** Resolves once stored: true, or false when the sample had been stored already (and is left as it was). */
  save(runId: string, index: number, outcome: SampleOutcome): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ runId, index, outcome, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.writing || this.scheduled) return;
    this.scheduled = true;
    // setImmediate: the samples finishing in this turn of the event loop join the same group.
    setImmediate(() => {
      this.scheduled = false;
      void this.writeQueued();
    });
  }

  private async writeQueued(): Promise<void> {
    if (this.writing || this.queue.length === 0) return;
    this.writing = true;
    const group = this.queue;
    this.queue = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        const byRun = new Map<string, PendingSave[]>();
        for (const save of group) {
          const list = byRun.get(save.runId);
          if (list) list.push(save);
          else byRun.set(save.runId, [save]);
        }
        for (const [runId, saves] of byRun) await this.writeRun(trx, runId, saves);
      });
      for (const save of group) save.resolve(save.claimed === true);
    } catch (err) {
      for (const save of group) save.reject(err);
    } finally {
      this.writing = false;
      if (this.queue.length > 0) this.schedule();
    }
  }

  /**
   * A sample row is claimed by a conditional update (a sample is never counted twice). Its place in finish
   * order comes from the run row's counters, read by an update that locks the row first, so concurrent
   * writers get distinct, gapless positions.
   */
  private async writeRun(trx: Transaction<Database>, runId: string, saves: PendingSave[]): Promise<void> {
    this.statements ??= compileStatements(this.db);
    const q = this.statements;
    const locked = await trx.executeQuery<{ samples_completed: number; samples_failed: number }>(
      q.lockRun.with({ id: runId }),
    );
    const counters = locked.rows[0];
    if (!counters) throw new Error(`run ${runId} not found`);
    let position = Number(counters.samples_completed) + Number(counters.samples_failed);
    let completed = 0;
    let failed = 0;
    let cost = 0;
    const finishedAt = nowIso();
    for (const save of saves) {
      const { index, outcome } = save;
      const claimed = await trx.executeQuery(
        q.claimSample.with({
          status: outcome.ok ? 'completed' : 'failed',
          output: outcome.ok ? JSON.stringify(outcome.output) : null,
          reason: outcome.ok ? null : `${outcome.kind}: ${outcome.reason}`,
          revisions: outcome.ok ? outcome.output.revisions : 0,
          input_tokens: outcome.usage.inputTokens,
          output_tokens: outcome.usage.outputTokens,
          calls: outcome.calls,
          cost_usd: outcome.costUsd,
          finish_seq: position,
          finished_at: finishedAt,
          run_id: runId,
          idx: index,
        }),
      );
      save.claimed = Number(claimed.numAffectedRows ?? 0) === 1;
      if (!save.claimed) continue;
      position++;
      if (outcome.ok) completed++;
      else failed++;
      cost += outcome.costUsd;
    }
    if (completed + failed === 0) return;
    await trx.executeQuery(q.countSamples.with({ completed, failed, cost, id: runId }));
  }
}

/** Marks a value in a template query; `Template` finds where each one went among the parameters. */
const MARK = '\u0000template:';
const mark = <T = never>(name: string) => `${MARK}${name}` as T;

/**
 * A query built and compiled once, then run with new values: building and compiling a query with Kysely
 * cost more CPU (and garbage) than SQLite took to run it, on the hottest statements of a run.
 */
class Template<K extends string> {
  private readonly slots: ({ name: K } | { value: unknown })[];

  constructor(private readonly compiled: CompiledQuery) {
    this.slots = compiled.parameters.map((p) =>
      typeof p === 'string' && p.startsWith(MARK) ? { name: p.slice(MARK.length) as K } : { value: p },
    );
  }

  with(values: Record<K, unknown>): CompiledQuery {
    return CompiledQuery.raw(
      this.compiled.sql,
      this.slots.map((slot) => ('name' in slot ? values[slot.name] : slot.value)),
    );
  }
}

function compileStatements(db: Kysely<Database>) {
  return {
    lockRun: new Template<'id'>(
      db
        .updateTable('runs')
        .set((eb) => ({ samples_completed: eb.ref('samples_completed') }))
        .where('id', '=', mark('id'))
        .returning(['samples_completed', 'samples_failed'])
        .compile(),
    ),
    claimSample: new Template<
      | 'status'
      | 'output'
      | 'reason'
      | 'revisions'
      | 'input_tokens'
      | 'output_tokens'
      | 'calls'
      | 'cost_usd'
      | 'finish_seq'
      | 'finished_at'
      | 'run_id'
      | 'idx'
    >(
      db
        .updateTable('run_samples')
        .set({
          status: mark('status'),
          output: mark('output'),
          reason: mark('reason'),
          revisions: mark('revisions'),
          input_tokens: mark('input_tokens'),
          output_tokens: mark('output_tokens'),
          calls: mark('calls'),
          cost_usd: mark('cost_usd'),
          finish_seq: mark('finish_seq'),
          finished_at: mark('finished_at'),
        })
        .where('run_id', '=', mark('run_id'))
        .where('idx', '=', mark('idx'))
        .where('status', '=', 'pending')
        .compile(),
    ),
    countSamples: new Template<'completed' | 'failed' | 'cost' | 'id'>(
      db
        .updateTable('runs')
        .set((eb) => ({
          samples_completed: eb('samples_completed', '+', mark('completed')),
          samples_failed: eb('samples_failed', '+', mark('failed')),
          total_cost: eb('total_cost', '+', mark('cost')),
        }))
        .where('id', '=', mark('id'))
        .compile(),
    ),
  };
}
