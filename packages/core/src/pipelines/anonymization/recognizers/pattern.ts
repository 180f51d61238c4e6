import { contextRegex } from '../context.js';
import type { AnalysisContext, DigitWindow, Recognizer, RecognizerResult } from '../types.js';

/** One regular expression and the score its matches start with (before validation and context). */
export interface Pattern {
  name: string;
  /** Must have the `g` flag. */
  regex: RegExp;
  score: number;
  /**
   * A weak pattern (a bare number) that only matters with context: it runs only when the text or the
   * column header holds one of the recognizer's context words (a cheap test, and most texts skip it).
   */
  needsContext?: boolean;
  /** The match is this capture group (the regex needs the `d` flag); the rest is context around it. */
  group?: number;
}

/**
 * What validation says of a match: `true` = certainly this type (score 1), `false` = not this type
 * (dropped), a number = the score to use, `undefined` = no opinion (the pattern's score stays).
 */
export type Verdict = boolean | number | undefined;

export interface PatternRecognizerSpec<L extends string> {
  name: string;
  label: L;
  patterns: readonly Pattern[];
  context: readonly string[];
  headers?: RegExp;
  /** Every match holds a digit (see Recognizer.needsDigits). */
  needsDigits?: boolean;
  /** How far matches reach around their digits (see Recognizer.digitWindow). */
  digitWindow?: DigitWindow;
  /** A cheap test that skips the regular expressions on texts that cannot match (no `@` for emails). */
  prefilter?: (text: string) => boolean;
  /** Trims a raw match (trailing punctuation of a URL); returns [start, end] inside the match. */
  trim?: (match: string) => [number, number];
  validate?: (match: string, ctx: AnalysisContext, start: number) => Verdict;
}

/** A recognizer made of patterns, context words and a validation step. */
export function patternRecognizer<L extends string>(spec: PatternRecognizerSpec<L>): Recognizer<L> {
  const anyContext = contextRegex(spec.context);
  return {
    name: spec.name,
    kind: 'heuristics',
    labels: [spec.label],
    context: spec.context,
    ...(spec.headers ? { headers: spec.headers } : {}),
    ...(spec.needsDigits ? { needsDigits: true } : {}),
    ...(spec.digitWindow ? { digitWindow: spec.digitWindow } : {}),
    analyze(ctx) {
      const text = ctx.text;
      if (spec.prefilter && !spec.prefilter(text)) return [];
      const out: RecognizerResult<L>[] = [];
      // Two patterns may find the same span: the first one's result stands.
      const seen = spec.patterns.length > 1 ? new Set<number | string>() : undefined;
      let withContext: boolean | undefined;
      for (const pattern of spec.patterns) {
        const regex = pattern.regex;
        regex.lastIndex = 0;
        let m = regex.exec(text);
        // A weak pattern with a match: context words in the text or the header, or a header that names the
        // type? (Asked only once it matches: the search of the whole text costs more than the pattern.)
        if (m && pattern.needsContext) {
          withContext ??=
            anyContext.test(ctx.whole ?? text) ||
            ctx.hints.some((h) => anyContext.test(h) || spec.headers?.test(h.trim()) === true);
          if (!withContext) continue;
        }
        for (; m; m = regex.exec(text)) {
          if (m[0] === '') regex.lastIndex++;
          const span = pattern.group === undefined ? undefined : m.indices?.[pattern.group];
          if (pattern.group !== undefined && !span) continue;
          let start = span ? span[0] : m.index;
          let end = span ? span[1] : start + m[0].length;
          if (spec.trim) {
            const [s, e] = spec.trim(text.slice(start, end));
            end = start + e;
            start += s;
          }
          if (end <= start) continue;
          // A number for the span (no string per match) while offsets fit in 26 bits.
          const key = !seen ? 0 : end < SPAN_KEY ? start * SPAN_KEY + end : `${start}:${end}`;
          if (seen?.has(key)) continue;
          const verdict = spec.validate ? spec.validate(text.slice(start, end), ctx, start) : undefined;
          if (verdict === false) continue;
          seen?.add(key);
          const score = verdict === true ? 1 : typeof verdict === 'number' ? verdict : pattern.score;
          out.push({ start, end, label: spec.label, score, recognizer: spec.name });
        }
      }
      return out;
    },
  };
}

const SPAN_KEY = 2 ** 26;

/** Only the digits of a string. */
export const digitsOf = (s: string) => s.replace(/\D/g, '');
