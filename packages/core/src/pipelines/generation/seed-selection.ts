import { findModel } from '../../llm/catalog.js';
import { createRng, type Rng } from '../../sampling/rng.js';
import { renderContent } from './output.js';
import type { GenerationContext, RunParams, SeedExample, SeedShufflingLevel } from './types.js';

/** Rough token count: about four characters per token across the providers' tokenizers. */
export const CHARS_PER_TOKEN = 4;
/** Share of the context window seeds may take; the rest is instructions, spec, earlier parts and output. */
export const SEED_BUDGET_SHARE = 0.4;
export const DEFAULT_CONTEXT_WINDOW = 128_000;
/** Each seed may take at most this share of the budget when there are several, so a few always fit. */
const MIN_SEEDS_IN_BUDGET = 3;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** Seed tokens per prompt: a share of the smallest context among the run's models. */
export function seedTokenBudget(
  params: Pick<RunParams, 'generation_model' | 'outline_model' | 'revision_model'>,
): number {
  const models = [params.generation_model, params.outline_model, params.revision_model].filter(
    (m): m is string => !!m,
  );
  const windows = models.map((m) => findModel(m)?.context_window || DEFAULT_CONTEXT_WINDOW);
  return Math.floor(Math.min(...windows, Number.POSITIVE_INFINITY) * SEED_BUDGET_SHARE);
}

/** Long text cut in the middle: the head shows how it starts, the tail how it ends. */
export function clipText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const keep = Math.max(0, maxChars - 60);
  const head = Math.ceil((keep * 2) / 3);
  const tail = keep - head;
  const omitted = text.length - head - tail;
  return `${text.slice(0, head)}\n[... ${omitted} characters omitted ...]\n${tail > 0 ? text.slice(-tail) : ''}`;
}

/** Identifies one LLM call of a sample, for choosing its seeds. */
export interface SeedCallKey {
  sampleIndex: number;
  /** Field, file or part the call writes (`record`, `outline`, `part:2`, `file:notes.txt`, `revision`...). */
  field: string;
  /** Position of the call among the calls of the sample. */
  call: number;
  /** 0 for the first try, 1 for the regeneration after a filter rejected the sample. */
  attempt?: number;
}

/**
 * The random stream a selection comes from: the coarser the level, the fewer parts of the key it uses,
 * so `none` gives one selection for the whole run and `prompt` a new one per call. A regeneration
 * (attempt 1) always gets a different selection, at `none` a second run-wide one (still cacheable).
 */
export function selectionLabel(level: SeedShufflingLevel, key: SeedCallKey): string {
  const attempt = key.attempt ?? 0;
  if (level === 'none') return `run/${attempt}`;
  const sample = `sample/${key.sampleIndex}/${attempt}`;
  if (level === 'sample') return sample;
  if (level === 'field') return `${sample}/field/${key.field}`;
  return `${sample}/field/${key.field}/call/${key.call}`;
}

const SEED_INTRO =
  'Examples of real samples (seed data). Match their structure, style, vocabulary and level of detail, but write new content: never copy an example or reuse its specific names, numbers or sentences.';

/** Chooses and renders the seed examples of prompts for one run. */
export class SeedSelector {
  private readonly rendered: string[];
  private readonly budgetChars: number;
  private readonly maxExamples: number;
  private readonly root: Rng;
  private readonly blocks = new Map<string, string>();

  constructor(private readonly ctx: GenerationContext) {
    const seeds = ctx.seedless ? [] : ctx.seeds;
    this.budgetChars = (ctx.seedTokenBudget ?? seedTokenBudget(ctx.params)) * CHARS_PER_TOKEN;
    const limit = ctx.params.max_examples_in_prompt;
    this.maxExamples = limit === null ? seeds.length : Math.max(0, Math.min(limit, seeds.length));
    const perSeed = Math.floor(
      this.budgetChars / Math.max(1, Math.min(this.maxExamples, MIN_SEEDS_IN_BUDGET)),
    );
    const folders = ctx.shape.kind === 'folder';
    this.rendered = seeds.map((seed) => renderSeed(seed, perSeed, folders));
    this.root = createRng(`${ctx.seed}/seeds`);
  }

  get seedCount(): number {
    return this.rendered.length;
  }

  /** Indexes into `ctx.seeds`, in prompt order: a shuffle, cut at the count limit and the token budget. */
  select(level: SeedShufflingLevel, key: SeedCallKey): number[] {
    if (this.maxExamples === 0) return [];
    const order = this.root.fork(selectionLabel(level, key)).shuffle([...this.rendered.keys()]);
    const chosen: number[] = [];
    let used = 0;
    for (const i of order) {
      if (chosen.length >= this.maxExamples) break;
      const size = this.rendered[i]!.length;
      if (chosen.length > 0 && used + size > this.budgetChars) continue;
      chosen.push(i);
      used += size;
    }
    return chosen;
  }

  /** The seed part of the system prompt for a call; '' when there are no seeds to show. */
  block(level: SeedShufflingLevel, key: SeedCallKey): string {
    const label = selectionLabel(level, key);
    const cached = this.blocks.get(label);
    if (cached !== undefined) return cached;
    const chosen = this.select(level, key);
    const block =
      chosen.length === 0
        ? ''
        : `${SEED_INTRO}\n<examples>\n${chosen.map((i) => this.rendered[i]).join('\n')}\n</examples>`;
    // Per-sample and per-field blocks are reused by the calls of one sample only: keep a few hundred.
    if (this.blocks.size >= 512) this.blocks.delete(this.blocks.keys().next().value!);
    this.blocks.set(label, block);
    return block;
  }

  seedIds(level: SeedShufflingLevel, key: SeedCallKey): string[] {
    const seeds = this.ctx.seeds;
    return this.select(level, key).map((i) => seeds[i]!.id);
  }
}

function renderSeed(seed: SeedExample, maxChars: number, folder: boolean): string {
  // A one-file document needs no file tags: its id already names it.
  const single = !folder && seed.files?.length === 1 ? seed.files[0]!.content : undefined;
  const content = seed.record
    ? renderContent({ record: seed.record })
    : single !== undefined
      ? single
      : renderContent({
          files: (seed.files ?? []).map((f) => ({
            name: f.name,
            content: clipText(f.content, Math.floor(maxChars / Math.max(1, seed.files?.length ?? 1))),
          })),
        });
  return `<example id="${seed.id}">\n${clipText(content, maxChars)}\n</example>`;
}

const selectors = new WeakMap<GenerationContext, SeedSelector>();

/** The run's selector, made once per context object so every sample shares its rendered seeds. */
export function seedSelectorFor(ctx: GenerationContext): SeedSelector {
  let selector = selectors.get(ctx);
  if (!selector) {
    selector = new SeedSelector(ctx);
    selectors.set(ctx, selector);
  }
  return selector;
}

/**
 * The seed block of the system prompt for one call: the same string for every call of a run at `none`,
 * of a sample at `sample`, of a field at `field`, and a fresh one per call at `prompt`.
 */
export function seedBlock(
  ctx: GenerationContext,
  level: SeedShufflingLevel,
  sampleIndex: number,
  fieldKey: string,
  callCounter: number,
  attempt = 0,
): string {
  return seedSelectorFor(ctx).block(level, { sampleIndex, field: fieldKey, call: callCounter, attempt });
}
