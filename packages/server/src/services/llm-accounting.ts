import { AsyncLocalStorage } from 'node:async_hooks';
import type { LlmCallRecord, LlmGateway } from '@openframer/core';
import type { Insertable, Kysely } from 'kysely';
import type { Database } from '../db/index.js';
import type { LlmCallTable } from '../db/schema.js';
import { newId, nowIso } from '../util.js';

/** What a model call is for: the job and the resource (spec, run, ...) it is charged to. */
export interface CallAttribution {
  companyId: string | null;
  jobId: string | null;
  resourceType: string;
  resourceId: string;
}

/** Call records are written in groups: at most this many rows per insert ... */
const MAX_BATCH = 100;
/** ... and none waits longer than this before its insert starts. */
const FLUSH_MS = 20;
/** Row counts per insert statement (see `insert`). */
const CHUNK_SIZES = [64, 16, 4, 1];

/**
 * One gateway serves every job (so adaptive concurrency sees all calls to a provider); each job runs its
 * work inside `attribute(...)`, and every call it makes is stored against it.
 *
 * Records are buffered briefly and inserted many rows at a time: an insert per call cost a statement and
 * a commit per round trip. `flush()` (which `totalCost` and the end of a job await) writes what is buffered.
 */
export class LlmAccounting {
  private readonly context = new AsyncLocalStorage<CallAttribution>();
  private buffer: Insertable<LlmCallTable>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pending = new Set<Promise<unknown>>();
  /** `attribute` calls running now. */
  private active = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log?: { warn(obj: object, msg: string): void },
  ) {}

  /**
   * Runs `work` with every LLM call it makes charged to `attribution`. Prefer `attributed` where the
   * gateway can be handed down: while an AsyncLocalStorage is active, Node 20 runs a hook on every promise
   * of the process, so the storage is switched off whenever no `attribute` is running.
   */
  async attribute<T>(attribution: CallAttribution, work: () => Promise<T>): Promise<T> {
    this.active += 1;
    try {
      return await this.context.run(attribution, work);
    } finally {
      this.active -= 1;
      if (this.active === 0) this.context.disable();
    }
  }

  /** `llm` with every call charged to `attribution`, passed along with each request (no async context). */
  attributed(llm: LlmGateway, attribution: CallAttribution): LlmGateway {
    return {
      generateText: (request) => llm.generateText({ ...request, tag: attribution }),
      generateObject: (request) => llm.generateObject({ ...request, tag: attribution }),
    };
  }

  /** The gateway's `onCall`. */
  readonly record = (call: LlmCallRecord): void => {
    const who = (call.tag as CallAttribution | undefined) ?? this.context.getStore();
    this.buffer.push({
      id: newId(),
      company_id: who?.companyId ?? null,
      job_id: who?.jobId ?? null,
      resource_type: who?.resourceType ?? null,
      resource_id: who?.resourceId ?? null,
      model: call.model,
      provider: call.provider,
      stage: call.stage,
      attempt: call.attempt,
      outcome: call.outcome,
      input_tokens: call.usage.inputTokens,
      output_tokens: call.usage.outputTokens,
      cached_input_tokens: call.usage.cachedInputTokens,
      thinking_tokens: call.usage.thinkingTokens,
      cost_usd: call.costUsd,
      latency_ms: Math.round(call.latencyMs),
      error: call.error ?? null,
      created_at: nowIso(),
    });
    if (this.buffer.length >= MAX_BATCH) this.writeBuffered();
    else this.timer ??= setTimeout(() => this.writeBuffered(), FLUSH_MS);
  };

  private writeBuffered(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
    const write = this.insert(rows).catch((err) =>
      this.log?.warn({ err, records: rows.length }, 'could not store LLM call records'),
    );
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }

  /**
   * Inserts in chunks of a few fixed sizes: each distinct row count is another statement for the database
   * to prepare and (SQLite) keep in the statement cache.
   */
  private async insert(rows: Insertable<LlmCallTable>[]): Promise<void> {
    let i = 0;
    while (i < rows.length) {
      const left = rows.length - i;
      const size = CHUNK_SIZES.find((n) => n <= left) ?? 1;
      await this.db
        .insertInto('llm_calls')
        .values(rows.slice(i, i + size))
        .execute();
      i += size;
    }
  }

  /** Writes buffered call records and waits for those still being written (a job sums them when it ends). */
  async flush(): Promise<void> {
    this.writeBuffered();
    await Promise.all([...this.pending]);
  }
  async totalCost(resourceType: string, resourceId: string): Promise<number> {
    await this.flush();
    const row = await this.db
      .selectFrom('llm_calls')
      .select((eb) => eb.fn.sum<number>('cost_usd').as('total'))
      .where('resource_type', '=', resourceType)
      .where('resource_id', '=', resourceId)
      .executeTakeFirst();
    return Number(row?.total ?? 0);
  }
}
