import type { AnalysisContext } from './types.js';

const isDigit = (c: number) => c >= 48 && c <= 57;

/** The runs of ASCII digits of `text`, as [start, end, start, end, ...]. */
export function digitRuns(text: string): number[] {
  const runs: number[] = [];
  // A regular expression scans faster than a loop over char codes; `test` makes no match object.
  const digits = /\d+/g;
  while (digits.test(text)) {
    const end = digits.lastIndex;
    let start = end - 1;
    while (start > 0 && isDigit(text.charCodeAt(start - 1))) start--;
    runs.push(start, end);
  }
  return runs;
}

const DIGIT_RUNS = 'digit-runs';

/** The digit runs of the text of `ctx`, found once per text for the analyzer and the recognizers that use them. */
export function digitRunsOf(ctx: AnalysisContext): number[] {
  return ctx.memo(DIGIT_RUNS, () => digitRuns(ctx.text));
}

/** Gives `ctx` its digit runs when they are known without a scan (a view's, moved from its text's). */
export function knownDigitRuns(ctx: AnalysisContext, runs: number[]): void {
  ctx.memo(DIGIT_RUNS, () => runs);
}
