import { NearDuplicateIndex } from '../../metrics/minhash.js';

/** Lower case, punctuation and symbols dropped, whitespace collapsed: "What's up?!" and "whats up" match. */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[\p{P}\p{S}]+/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Estimated Jaccard similarity (word 3-grams) at or above which two short texts count as near duplicates. */
export const NEAR_DUPLICATE_THRESHOLD = 0.6;
/**
 * Adversarial prompts share framing text by design (the same strategy wraps many queries), so they count as
 * near duplicates only when almost everything matches.
 */
export const PROMPT_NEAR_DUPLICATE_THRESHOLD = 0.85;

export type DuplicateCheck = { duplicate: false } | { duplicate: true; of: string; similarity: number };

/**
 * Texts seen so far in one run: an exact check on the normalised text and a MinHash/LSH near-duplicate
 * check. One instance per run and per kind of text, never shared between runs.
 */
export class DedupIndex {
  readonly #exact = new Map<string, string>();
  readonly #near = new NearDuplicateIndex<string>();
  readonly #threshold: number;

  constructor(threshold = NEAR_DUPLICATE_THRESHOLD) {
    this.#threshold = threshold;
  }

  get size(): number {
    return this.#exact.size;
  }

  check(text: string): DuplicateCheck {
    const key = normalizeText(text);
    const exact = this.#exact.get(key);
    if (exact !== undefined) return { duplicate: true, of: exact, similarity: 1 };
    const near = this.#near.nearest(key, this.#threshold);
    if (near) return { duplicate: true, of: near.key, similarity: near.similarity };
    return { duplicate: false };
  }

  add(text: string): void {
    const key = normalizeText(text);
    if (this.#exact.has(key)) return;
    this.#exact.set(key, text);
    this.#near.add(text, key);
  }

  /** `check` then, when new, `add`: true when the text was kept. */
  tryAdd(text: string): boolean {
    if (this.check(text).duplicate) return false;
    this.add(text);
    return true;
  }
}

const REFUSAL =
  /^\W*(?:i['’]?m\s+sorry|i\s+am\s+sorry|sorry,?\s+(?:but\s+)?i|i\s+apologi[sz]e|i\s+(?:can(?:['’]?t|not)|won['’]?t|will\s+not|am\s+(?:not\s+able|unable)|['’]?m\s+(?:not\s+able|unable))\s+(?:help|assist|comply|provide|create|generate|write|do|produce|fulfil|fulfill|support|engage|participate)|as\s+an\s+ai\b|i\s+must\s+(?:decline|refuse)|unfortunately,?\s+i\s+(?:can|cannot|am))/i;

/** Whether a generated item is a refusal or too empty to use (it is then dropped and generated again). */
export function isUnusable(text: string): boolean {
  const trimmed = text.trim();
  if (normalizeText(trimmed).length < 3) return true;
  return REFUSAL.test(trimmed);
}
