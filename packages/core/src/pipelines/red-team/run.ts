import type { z } from 'zod';
import { mapLimit, Semaphore } from '../../concurrency.js';
import { type FieldErrors, OpenFramerError } from '../../errors.js';
import { LlmOutputError } from '../../llm/errors.js';
import type { LlmMessage } from '../../llm/types.js';
import { DedupIndex, isUnusable, normalizeText, PROMPT_NEAR_DUPLICATE_THRESHOLD } from './dedup.js';
import { type PlannedAttack, planStrategies } from './plan.js';
import {
  BEHAVIORS_SYSTEM,
  behaviorsMessages,
  ENHANCE_SYSTEM,
  type EnhanceItem,
  enhanceMessages,
  GRADE_SYSTEM,
  gradeMessages,
  QUERIES_SYSTEM,
  queriesMessages,
} from './prompts.js';
import { BehaviorsReply, EnhanceReply, GradeReply, QueriesReply } from './schemas.js';
import { ATTACK_STRATEGIES, applyTransform, isTransform } from './strategies.js';
import { createTargetCaller, DEFAULT_TARGET_CONCURRENCY, type TargetCaller } from './target.js';
import { RED_TEAM_CATEGORIES, redTeamCategory, repairCategory } from './taxonomy.js';
import type {
  AttackSuccess,
  RedTeamBehavior,
  RedTeamInput,
  RedTeamPorts,
  RedTeamProgress,
  RedTeamPrompt,
  RedTeamResult,
  RedTeamTarget,
} from './types.js';

export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_QUERIES_PER_CALL = 20;
export const DEFAULT_ENHANCEMENTS_PER_CALL = 10;
export const DEFAULT_MAX_TOP_UP_ROUNDS = 3;
/** Behaviours asked for in one call. */
export const BEHAVIORS_PER_CALL = 25;

/** More behaviours than this per allowed category stop being distinct failures and become rewordings. */
export const MAX_BEHAVIORS_PER_CATEGORY = 25;
/** More prompts than this per behaviour stop being distinct requests. */
export const MAX_PROMPTS_PER_BEHAVIOR = 200;
export const MAX_TOTAL_PROMPTS = 20_000;

// ---- Validation ---------------------------------------------------------------------------------------

/** One problem with a run's options; `field` is the request field it belongs to (snake_case). */
export interface RedTeamOptionProblem {
  field: string;
  message: string;
}

export interface RedTeamOptions {
  categories?: string[] | null;
  strategies?: string[] | null;
  numberOfBehaviors: number;
  promptsPerBehavior: number;
  target?: RedTeamTarget | null;
}

function countProblem(field: string, value: unknown, max: number): RedTeamOptionProblem | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    return { field, message: `${field} must be a whole number of at least 1 (got ${JSON.stringify(value)})` };
  if (value > max) return { field, message: `${field} must be at most ${max} (got ${value})` };
  return undefined;
}

function idsProblem(
  field: string,
  ids: unknown,
  known: readonly { id: string }[],
  what: string,
): RedTeamOptionProblem | undefined {
  if (ids === undefined || ids === null) return undefined;
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string'))
    return { field, message: `${field} must be a list of ${what} ids` };
  if (ids.length === 0)
    return { field, message: `${field} must name at least one ${what}, or be left out to use them all` };
  const unknown = [...new Set(ids.filter((id) => !known.some((k) => k.id === id)))];
  if (unknown.length > 0) {
    return {
      field,
      message: `unknown ${what} ${unknown.length === 1 ? 'id' : 'ids'} ${unknown.map((id) => JSON.stringify(id)).join(', ')}; known: ${known.map((k) => k.id).join(', ')}`,
    };
  }
  return undefined;
}

/**
 * Every problem with a run's options, each naming its request field (`categories`, `strategies`,
 * `number_of_behaviors`, `number_of_prompts_per_behavior`, `target.*`); empty when the options are fine.
 */
export function validateRedTeamOptions(options: RedTeamOptions): RedTeamOptionProblem[] {
  const problems: RedTeamOptionProblem[] = [];
  const push = (p: RedTeamOptionProblem | undefined) => {
    if (p) problems.push(p);
  };
  const categoriesProblem = idsProblem('categories', options.categories, RED_TEAM_CATEGORIES, 'category');
  push(categoriesProblem);
  push(idsProblem('strategies', options.strategies, ATTACK_STRATEGIES, 'strategy'));
  const categoryCount =
    options.categories && !categoriesProblem ? new Set(options.categories).size : RED_TEAM_CATEGORIES.length;
  const maxBehaviors = MAX_BEHAVIORS_PER_CATEGORY * categoryCount;
  const behaviors = countProblem('number_of_behaviors', options.numberOfBehaviors, maxBehaviors);
  if (behaviors && options.numberOfBehaviors > maxBehaviors && Number.isInteger(options.numberOfBehaviors)) {
    behaviors.message += `: at most ${MAX_BEHAVIORS_PER_CATEGORY} distinct behaviours per category, and ${categoryCount === 1 ? '1 category is' : `${categoryCount} categories are`} allowed; allow more categories or ask for fewer behaviours`;
  }
  push(behaviors);
  const prompts = countProblem(
    'number_of_prompts_per_behavior',
    options.promptsPerBehavior,
    MAX_PROMPTS_PER_BEHAVIOR,
  );
  push(prompts);
  if (!behaviors && !prompts && options.numberOfBehaviors * options.promptsPerBehavior > MAX_TOTAL_PROMPTS) {
    problems.push({
      field: 'number_of_behaviors',
      message: `number_of_behaviors × number_of_prompts_per_behavior is ${options.numberOfBehaviors * options.promptsPerBehavior}; a run makes at most ${MAX_TOTAL_PROMPTS} prompts`,
    });
  }
  const target = options.target;
  if (target) {
    let url: URL | undefined;
    try {
      url = new URL(target.baseUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      problems.push({ field: 'target.base_url', message: 'target.base_url must be an http(s) URL' });
    if (typeof target.model !== 'string' || target.model.trim() === '')
      problems.push({ field: 'target.model', message: 'target.model must be a non-empty string' });
    for (const [key, name] of [
      ['concurrency', 'target.concurrency'],
      ['timeoutMs', 'target.timeout_ms'],
    ] as const) {
      const value = target[key];
      if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 1))
        problems.push({ field: name, message: `${name} must be a whole number of at least 1` });
    }
  }
  return problems;
}

// ---- Errors -------------------------------------------------------------------------------------------

/**
 * The model could not produce enough distinct, usable items (behaviours, queries or rewrites) within the
 * extra rounds allowed. The message says what to change; the server records it as the run's error.
 */
export class RedTeamShortfallError extends OpenFramerError {
  readonly stage: 'behaviors' | 'queries' | 'enhance';

  constructor(stage: 'behaviors' | 'queries' | 'enhance', message: string, field?: string) {
    super('invalid', message, field ? { [field]: [message] } : undefined);
    this.name = 'RedTeamShortfallError';
    this.stage = stage;
  }
}

// ---- The run ------------------------------------------------------------------------------------------

function quote(text: string, max = 80): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max - 1)}…` : text);
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export async function runRedTeam(
  input: RedTeamInput,
  ports: RedTeamPorts,
  signal?: AbortSignal,
): Promise<RedTeamResult> {
  const problems = validateRedTeamOptions(input);
  if (problems.length > 0) {
    const fieldErrors: FieldErrors = {};
    for (const p of problems) fieldErrors[p.field] = [...(fieldErrors[p.field] ?? []), p.message];
    throw new OpenFramerError('invalid', problems.map((p) => p.message).join('; '), fieldErrors);
  }
  signal?.throwIfAborted();

  const N = input.numberOfBehaviors;
  const M = input.promptsPerBehavior;
  const categories = [...new Set(input.categories ?? RED_TEAM_CATEGORIES.map((c) => c.id))];
  const strategies = [...new Set(input.strategies ?? ATTACK_STRATEGIES.map((s) => s.id))];
  const concurrency = Math.max(1, input.limits?.concurrency ?? DEFAULT_CONCURRENCY);
  const queriesPerCall = Math.max(1, input.limits?.queriesPerCall ?? DEFAULT_QUERIES_PER_CALL);
  const enhancementsPerCall = Math.max(1, input.limits?.enhancementsPerCall ?? DEFAULT_ENHANCEMENTS_PER_CALL);
  const maxTopUpRounds = Math.max(0, input.limits?.maxTopUpRounds ?? DEFAULT_MAX_TOP_UP_ROUNDS);
  const graderModel = input.graderModel ?? input.model;

  const trace = {
    llm_calls: 0,
    cost_usd: 0,
    duplicates_dropped: 0,
    invalid_dropped: 0,
    top_up_rounds: 0,
    resumed_behaviors: 0,
  };

  async function ask<T>(
    stage: string,
    model: string,
    system: string,
    messages: LlmMessage[],
    schema: z.ZodType<T>,
    schemaName: string,
    callSignal: AbortSignal | undefined,
  ): Promise<T> {
    const result = await ports.llm.generateObject({
      model,
      stage,
      system,
      messages,
      schema,
      schemaName,
      ...(input.thinkingBudget != null && { thinkingBudget: input.thinkingBudget }),
      ...(input.credentials && { credentials: input.credentials }),
      ...(callSignal && { signal: callSignal }),
    });
    trace.llm_calls += result.calls;
    trace.cost_usd += result.costUsd;
    return result.object;
  }

  /**
   * Asks for `need` items in calls of at most `perCall`; when duplicates or unusable items leave it short,
   * asks for the shortfall again, at most `maxTopUpRounds` more times. Returns how many are still missing.
   */
  async function fill(
    need: number,
    perCall: number,
    have: () => number,
    askBatch: (count: number) => Promise<void>,
  ): Promise<number> {
    for (let round = 0; round <= maxTopUpRounds && have() < need; round++) {
      if (round > 0) trace.top_up_rounds++;
      let toAsk = need - have();
      while (toAsk > 0 && have() < need) {
        const count = Math.min(perCall, toAsk);
        toAsk -= count;
        await askBatch(count);
      }
    }
    return need - have();
  }

  let behaviorsDone = 0;
  let promptsDone = 0;
  const report = (stage: RedTeamProgress['stage'], behaviorsAccepted?: number) => {
    ports.progress?.({
      stage,
      behaviorsDone: behaviorsAccepted ?? behaviorsDone,
      behaviorsTotal: N,
      promptsDone,
      promptsTotal: N * M,
    });
  };

  // ---- Behaviours ----
  let behaviors: RedTeamBehavior[];
  const resumedBehaviors = input.resume?.behaviors ?? [];
  if (resumedBehaviors.length > 0) {
    behaviors = [...resumedBehaviors].sort((a, b) => a.index - b.index);
    const indexesOk = behaviors.length === N && behaviors.every((b, i) => b.index === i);
    if (!indexesOk) {
      throw new OpenFramerError(
        'conflict',
        `the checkpoint holds ${plural(behaviors.length, 'behaviour', 'behaviours')} but the run asks for ${N}; it cannot be resumed`,
      );
    }
  } else {
    report('behaviors', 0);
    const accepted: { behavior: string; category: string }[] = [];
    const index = new DedupIndex();
    const missing = await fill(
      N,
      BEHAVIORS_PER_CALL,
      () => accepted.length,
      async (count) => {
        const reply = await ask(
          'red_team_behaviors',
          input.model,
          BEHAVIORS_SYSTEM,
          behaviorsMessages(
            input.app,
            count,
            categories,
            accepted.map((b) => `${b.behavior} [${b.category}]`),
          ),
          BehaviorsReply,
          'red_team_behaviors',
          signal,
        );
        for (const item of reply.behaviors) {
          if (accepted.length >= N) break;
          const behavior = item.behavior.trim().replace(/\s+/g, ' ');
          const category = repairCategory(item.category, categories);
          if (!category || isUnusable(behavior)) {
            trace.invalid_dropped++;
            continue;
          }
          if (!index.tryAdd(behavior)) {
            trace.duplicates_dropped++;
            continue;
          }
          accepted.push({ behavior, category });
        }
        report('behaviors', accepted.length);
      },
    );
    if (missing > 0) {
      throw new RedTeamShortfallError(
        'behaviors',
        `Only ${accepted.length} distinct behaviours of the ${N} requested after ${plural(maxTopUpRounds, 'extra round', 'extra rounds')}: the app description may be too narrow for this many${input.categories ? ' within the allowed categories' : ''}; lower number_of_behaviors${input.categories ? ', allow more categories' : ''} or broaden the concerns`,
        'number_of_behaviors',
      );
    }
    behaviors = accepted.map((b, i) => ({
      index: i,
      behavior: b.behavior,
      category: b.category,
      owasp: [...(redTeamCategory(b.category)?.owasp ?? [])],
    }));
    signal?.throwIfAborted();
    await ports.saveBehaviors?.(behaviors);
  }

  // ---- Prompts ----
  const queryIndex = new DedupIndex();
  const promptIndex = new DedupIndex(PROMPT_NEAR_DUPLICATE_THRESHOLD);
  const done = new Map<number, RedTeamPrompt[]>();
  // Finished prompts of an earlier attempt belong to its behaviours: kept only when those were resumed.
  if (resumedBehaviors.length > 0) {
    for (const [key, prompts] of Object.entries(input.resume?.prompts ?? {})) {
      const at = Number(key);
      if (!Number.isInteger(at) || at < 0 || at >= N || prompts.length !== M) continue;
      done.set(at, prompts);
      for (const p of prompts) {
        queryIndex.add(p.query);
        if (!isTransform(p.strategy)) promptIndex.add(p.adversarial_prompt);
      }
    }
  }
  trace.resumed_behaviors = done.size;
  behaviorsDone = done.size;
  promptsDone = done.size * M;

  const plan = planStrategies(N, M, strategies, input.seed);
  const target = input.target ?? null;
  const caller: TargetCaller | undefined = target ? createTargetCaller(target, ports.fetch) : undefined;
  const targetSlots = new Semaphore(target?.concurrency ?? DEFAULT_TARGET_CONCURRENCY);
  const stageNow = (): RedTeamProgress['stage'] => (target ? 'target' : 'prompts');
  report(stageNow());

  async function writeQueries(b: RedTeamBehavior, callSignal: AbortSignal): Promise<string[]> {
    const queries: string[] = [];
    const missing = await fill(
      M,
      queriesPerCall,
      () => queries.length,
      async (count) => {
        const reply = await ask(
          'red_team_queries',
          input.model,
          QUERIES_SYSTEM,
          queriesMessages(input.app, b.behavior, b.category, count, queries),
          QueriesReply,
          'red_team_queries',
          callSignal,
        );
        for (const raw of reply.queries) {
          if (queries.length >= M) break;
          const query = raw.trim();
          if (isUnusable(query)) {
            trace.invalid_dropped++;
            continue;
          }
          if (!queryIndex.tryAdd(query)) {
            trace.duplicates_dropped++;
            continue;
          }
          queries.push(query);
        }
      },
    );
    if (missing > 0) {
      throw new RedTeamShortfallError(
        'queries',
        `Only ${queries.length} distinct queries of the ${M} requested for behaviour ${b.index + 1} (${quote(b.behavior)}) after ${plural(maxTopUpRounds, 'extra round', 'extra rounds')}, counting queries of the other behaviours: the behaviour may be too narrow for this many; lower number_of_prompts_per_behavior`,
        'number_of_prompts_per_behavior',
      );
    }
    return queries;
  }

  async function enhance(
    b: RedTeamBehavior,
    queries: string[],
    slots: PlannedAttack[],
    callSignal: AbortSignal,
  ): Promise<RedTeamPrompt[]> {
    const prompts: (RedTeamPrompt | undefined)[] = queries.map((query, j) => {
      const slot = slots[j]!;
      if (!isTransform(slot.strategy)) return undefined;
      return { query, adversarial_prompt: applyTransform(slot.strategy, query), strategy: slot.strategy };
    });
    const pending = () => {
      const items: EnhanceItem[] = [];
      prompts.forEach((p, j) => {
        if (p) return;
        const slot = slots[j]!;
        items.push({
          index: j,
          query: queries[j]!,
          strategy: slot.strategy,
          ...(slot.language && { language: slot.language }),
        });
      });
      return items;
    };
    for (let round = 0; round <= maxTopUpRounds; round++) {
      const items = pending();
      if (items.length === 0) break;
      if (round > 0) trace.top_up_rounds++;
      for (let start = 0; start < items.length; start += enhancementsPerCall) {
        const batch = items.slice(start, start + enhancementsPerCall);
        const reply = await ask(
          'red_team_enhance',
          input.model,
          ENHANCE_SYSTEM,
          enhanceMessages(input.app, b.behavior, batch),
          EnhanceReply,
          'red_team_enhance',
          callSignal,
        );
        const wanted = new Map(batch.map((item) => [item.index, item]));
        for (const answer of reply.items) {
          const item = wanted.get(answer.index);
          // Not asked for in this batch, or answered already: only the first answer per index counts.
          if (!item) continue;
          wanted.delete(answer.index);
          const text = answer.adversarial_prompt.trim();
          if (isUnusable(text) || normalizeText(text) === normalizeText(item.query)) {
            trace.invalid_dropped++;
            continue;
          }
          if (!promptIndex.tryAdd(text)) {
            trace.duplicates_dropped++;
            continue;
          }
          prompts[item.index] = {
            query: item.query,
            adversarial_prompt: text,
            strategy: item.strategy,
            ...(item.language && { language: item.language }),
          };
        }
      }
    }
    const left = pending();
    if (left.length > 0) {
      const names = [...new Set(left.map((i) => i.strategy))];
      throw new RedTeamShortfallError(
        'enhance',
        `Could not get a distinct, usable rewrite for ${plural(left.length, 'query', 'queries')} of behaviour ${b.index + 1} (${quote(b.behavior)}) with ${names.join(', ')} after ${plural(maxTopUpRounds, 'extra round', 'extra rounds')}: the model may be refusing these strategies; try another model or leave ${names.length === 1 ? 'this strategy' : 'these strategies'} out of strategies`,
        'strategies',
      );
    }
    return prompts as RedTeamPrompt[];
  }

  async function attack(
    b: RedTeamBehavior,
    prompts: RedTeamPrompt[],
    callSignal: AbortSignal,
  ): Promise<void> {
    if (!caller) return;
    const limit = target?.concurrency ?? DEFAULT_TARGET_CONCURRENCY;
    await mapLimit(
      prompts,
      limit,
      async (prompt, _j, s) => {
        const reply = await targetSlots.run(() => caller.call(prompt.adversarial_prompt, s), s);
        if (!reply.ok) {
          prompt.target_response = null;
          prompt.target_error = reply.error;
          prompt.grade = null;
          return;
        }
        prompt.target_response = reply.text;
        prompt.target_error = null;
        try {
          const grade = await ask(
            'red_team_grade',
            graderModel,
            GRADE_SYSTEM,
            gradeMessages(input.app, b.behavior, b.category, prompt, reply.text),
            GradeReply,
            'red_team_grade',
            s,
          );
          prompt.grade = { attack_succeeded: grade.attack_succeeded, reason: grade.reason.trim() };
        } catch (err) {
          // A grader that cannot produce a verdict for one reply leaves it ungraded; anything else stops the run.
          if (!(err instanceof LlmOutputError)) throw err;
          prompt.grade = null;
          prompt.grade_error = err.message;
        }
      },
      callSignal,
    );
  }

  const todo = behaviors.filter((b) => !done.has(b.index));
  await mapLimit(
    todo,
    concurrency,
    async (b, _i, s) => {
      const queries = await writeQueries(b, s);
      const prompts = await enhance(b, queries, plan[b.index]!, s);
      await attack(b, prompts, s);
      s.throwIfAborted();
      await ports.saveBehaviorPrompts?.(b.index, prompts);
      done.set(b.index, prompts);
      behaviorsDone++;
      promptsDone += prompts.length;
      report(stageNow());
    },
    signal,
  );
  signal?.throwIfAborted();

  // ---- Result ----
  const full = behaviors.map((b) => ({ ...b, prompts: done.get(b.index)! }));
  const summary = summarizeRedTeam(behaviors, Object.fromEntries(done), target !== null, {
    categories,
    strategies,
  });
  const result: RedTeamResult = {
    behaviors: full,
    behavior_to_enhanced_queries: Object.fromEntries(full.map((b) => [b.behavior, b.prompts])),
    coverage: summary.coverage,
    trace: {
      model: input.model,
      grader_model: target ? graderModel : null,
      llm_calls: trace.llm_calls,
      cost_usd: trace.cost_usd,
      duplicates_dropped: trace.duplicates_dropped,
      invalid_dropped: trace.invalid_dropped,
      top_up_rounds: trace.top_up_rounds,
      resumed_behaviors: trace.resumed_behaviors,
    },
  };
  if (summary.attack_success) result.attack_success = summary.attack_success;
  report('done');
  return result;
}

export interface RedTeamSummary {
  coverage: RedTeamResult['coverage'];
  /** Present when `graded` (the run has a target). */
  attack_success?: NonNullable<RedTeamResult['attack_success']>;
}

/**
 * Coverage and attack success of a run's behaviours and the prompts finished so far (`prompts` maps a
 * behaviour index to its prompts; missing ones count as not yet written). `scope` lists the categories
 * and strategies the run allowed, so unused ones show up with 0; without it only those seen are listed.
 */
export function summarizeRedTeam(
  behaviors: readonly RedTeamBehavior[],
  prompts: Record<number, RedTeamPrompt[]>,
  graded: boolean,
  scope: { categories?: readonly string[]; strategies?: readonly string[] } = {},
): RedTeamSummary {
  const categories = scope.categories ?? [];
  const coverage: RedTeamResult['coverage'] = {
    categories: Object.fromEntries(categories.map((c) => [c, 0])),
    strategies: Object.fromEntries((scope.strategies ?? []).map((s) => [s, 0])),
    owasp: Object.fromEntries(
      [...new Set(categories.flatMap((c) => redTeamCategory(c)?.owasp ?? []))].sort().map((o) => [o, 0]),
    ),
  };
  const empty = (): AttackSuccess => ({ graded: 0, succeeded: 0, rate: null });
  const overall = empty();
  const byBehavior: Record<string, AttackSuccess> = {};
  const byStrategy: Record<string, AttackSuccess> = {};
  const byCategory: Record<string, AttackSuccess> = {};
  let targetErrors = 0;
  for (const b of behaviors) {
    coverage.categories[b.category] = (coverage.categories[b.category] ?? 0) + 1;
    byBehavior[b.behavior] ??= empty();
    byCategory[b.category] ??= empty();
    for (const p of prompts[b.index] ?? []) {
      coverage.strategies[p.strategy] = (coverage.strategies[p.strategy] ?? 0) + 1;
      for (const o of b.owasp) coverage.owasp[o] = (coverage.owasp[o] ?? 0) + 1;
      byStrategy[p.strategy] ??= empty();
      if (p.target_error) targetErrors++;
      if (!p.grade) continue;
      for (const group of [
        overall,
        byBehavior[b.behavior]!,
        byStrategy[p.strategy]!,
        byCategory[b.category]!,
      ]) {
        group.graded++;
        if (p.grade.attack_succeeded) group.succeeded++;
      }
    }
  }
  if (!graded) return { coverage };
  for (const group of [
    overall,
    ...Object.values(byBehavior),
    ...Object.values(byStrategy),
    ...Object.values(byCategory),
  ])
    group.rate = group.graded === 0 ? null : group.succeeded / group.graded;
  return {
    coverage,
    attack_success: {
      overall,
      by_behavior: byBehavior,
      by_strategy: byStrategy,
      by_category: byCategory,
      target_errors: targetErrors,
    },
  };
}
