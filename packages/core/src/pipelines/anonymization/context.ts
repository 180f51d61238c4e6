/** How far around a match context words are looked for, in characters. */
const BEFORE = 60;
const AFTER = 30;

/** How much a context word raises a score, and the least score a match with context gets (Presidio's values). */
export const CONTEXT_BOOST = 0.35;
export const CONTEXT_MIN_SCORE = 0.4;

/**
 * True when one of `words` appears near [start, end) in `text` or in `hints` (a column header). A word
 * matches a whole word, or the start of a longer one when it has four letters or more (`phone` in
 * `phones`, `telephone` does not count); phrases (`date of birth`) match with any spacing.
 */
export function hasContext(
  text: string,
  start: number,
  end: number,
  words: readonly string[],
  hints: readonly string[] = [],
  window: { before?: number; after?: number } = {},
): boolean {
  if (words.length === 0) return false;
  const re = contextRegex(words);
  let before = text.slice(Math.max(0, start - (window.before ?? BEFORE)), start);
  const cut = before.lastIndexOf(UNIT_BOUNDARY);
  if (cut >= 0) before = before.slice(cut + 1);
  if (re.test(before)) return true;
  let after = text.slice(end, end + (window.after ?? AFTER));
  const stop = after.indexOf(UNIT_BOUNDARY);
  if (stop >= 0) after = after.slice(0, stop);
  if (re.test(after)) return true;
  for (const h of hints) if (re.test(h)) return true;
  return false;
}

/**
 * Context windows stop at this character (ASCII unit separator): it stands between the values of a column
 * analysed as one text, so that a value's context words do not count for its neighbours.
 */
export const UNIT_BOUNDARY = '\u001f';

/** True when `passage` holds one of `words` (see hasContext for the matching rule). */
export function containsContext(passage: string, words: readonly string[]): boolean {
  return words.length > 0 && contextRegex(words).test(passage);
}

const compiled = new Map<string, RegExp>();
const byList = new WeakMap<readonly string[], RegExp>();

/** One case-insensitive regular expression for a list of context words, compiled once per list. */
export function contextRegex(words: readonly string[]): RegExp {
  const known = byList.get(words);
  if (known) return known;
  const key = words.join('\u0000');
  let re = compiled.get(key);
  if (!re) {
    const parts = words.map((w) => {
      const escaped = w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '[\\s_-]+');
      return w.length >= 4 || w.includes(' ') ? escaped : `${escaped}(?![\\p{L}\\p{N}])`;
    });
    re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${parts.join('|')})`, 'iu');
    compiled.set(key, re);
  }
  byList.set(words, re);
  return re;
}

/** The score after context words were found near a match. */
export function boosted(score: number): number {
  return Math.min(1, Math.max(score + CONTEXT_BOOST, CONTEXT_MIN_SCORE));
}
