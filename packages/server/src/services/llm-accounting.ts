import { AsyncLocalStorage } from 'node:async_hooks';
import type { LlmCallRecord } from '@openframer/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/index.js';
import { newId, nowIso } from '../util.js';

/** What a model call is for: the job and the resource (spec, run, ...) it is charged to. */
export interface CallAttribution {
  companyId: string | null;
  jobId: string | null;
  resourceType: string;
  resourceId: string;
}

/**
 * One gateway serves every job (so adaptive concurrency sees all calls to a provider); each job runs its
 * work inside `attribute(...)`, and every call it makes is stored against it.
 */
export class LlmAccounting {
  private readonly context = new AsyncLocalStorage<CallAttribution>();
  private pending = new Set<Promise<unknown>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log?: { warn(obj: object, msg: string): void },
  ) {}

  attribute<T>(attribution: CallAttribution, work: () => Promise<T>): Promise<T> {
    return this.context.run(attribution, work);
  }

  /** The gateway's `onCall`. */
  readonly record = (call: LlmCallRecord): void => {
    const who = this.context.getStore();
    const write = this.db
      .insertInto('llm_calls')
      .values({
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
      })
      .execute()
      .catch((err) => this.log?.warn({ err }, 'could not store an LLM call record'));
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  };

  /** Waits for call records still being written (a job sums them when it ends). */
  async flush(): Promise<void> {
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
