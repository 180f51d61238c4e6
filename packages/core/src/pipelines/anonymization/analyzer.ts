import { boosted, hasContext } from './context.js';
import { digitRunsOf, knownDigitRuns } from './digits.js';
import { mergeEntities } from './merge.js';
import type { Detector } from './methods.js';
import { type PiiType, prepareRecognizers, recognizers } from './recognizers/index.js';
import type { AnalysisContext, DigitWindow, Entity, Recognizer, RecognizerResult } from './types.js';

export interface AnalyzerOptions {
  piiTypes: readonly PiiType[];
  /** Recognizer families to run (`llm` is not a recognizer family and is ignored here). */
  detectors: readonly Detector[];
  /** Entities scoring below this are dropped (0..1). */
  threshold: number;
  /** The recognizers to choose from; the registry by default. */
  registry?: readonly Recognizer[];
  /**
   * Analyse long texts by their parts around digits for digit-bound recognizers (the default). `false`
   * runs every recognizer on the whole text: slower, the same results (tests compare the two).
   */
  byParts?: boolean;
}

/** A detected entity with the recognizer that found it. */
export type Detection = RecognizerResult<PiiType>;

/**
 * Runs the selected recognizers over a text and turns their raw results into entities: labels not asked
 * for are dropped, context words near a match (or in the column header) raise its score, entities under
 * the threshold are dropped, and overlaps are resolved. Knows nothing of any one recognizer.
 */
export class Analyzer {
  readonly piiTypes: ReadonlySet<PiiType>;
  readonly threshold: number;
  private readonly active: readonly Recognizer[];
  private readonly byParts: boolean;

  constructor(options: AnalyzerOptions) {
    this.piiTypes = new Set(options.piiTypes);
    this.threshold = options.threshold;
    this.byParts = options.byParts ?? true;
    const registry = options.registry ?? (recognizers as readonly Recognizer[]);
    this.active = registry.filter(
      (r) =>
        (options.detectors as readonly string[]).includes(r.kind) &&
        r.labels.some((l) => this.piiTypes.has(l as PiiType)),
    );
  }

  /** Loads what the active recognizers need (NER lexicons, gazetteers). */
  async prepare(): Promise<void> {
    await prepareRecognizers(this.active);
  }

  get recognizers(): readonly Recognizer[] {
    return this.active;
  }

  /** Entities in `text`, over the threshold, overlaps not yet resolved (callers add other detectors' spans). */
  detect(text: string, hints: readonly string[] = []): Detection[] {
    if (this.active.length === 0 || text.trim() === '') return [];
    const ctx = analysisContext(text, hints);
    const out: Detection[] = [];
    const byParts = this.byParts && text.length > REGION_MIN;
    let runs: number[] | undefined;
    const views = new Map<string, View>();
    for (const recognizer of this.active) {
      const headerNamed = recognizer.headers ? hints.some((h) => recognizer.headers!.test(h.trim())) : false;
      let results: RecognizerResult[];
      if (recognizer.needsDigits && byParts) {
        const window = standardWindow(recognizer.digitWindow ?? WIDE);
        const key = `${window.before}:${window.after}`;
        let view = views.get(key);
        if (!view) {
          runs ??= digitRunsOf(ctx);
          view = digitView(text, hints, runs, window, ctx);
          views.set(key, view);
        }
        results = view.ctx.text === '' ? [] : toText(recognizer.analyze(view.ctx), view);
      } else results = recognizer.analyze(ctx);
      for (const r of results) {
        if (!this.piiTypes.has(r.label as PiiType)) continue;
        let score = r.score;
        if (headerNamed) score = Math.max(boosted(score), 0.75);
        // (A score of 1 stays 1 with context: no need to look for it.)
        else if (
          score < 1 &&
          !r.contextApplied &&
          hasContext(text, r.start, r.end, recognizer.context, hints)
        )
          score = boosted(score);
        if (score < this.threshold) continue;
        r.score = round(score);
        out.push(r as Detection);
      }
    }
    return out;
  }

  /** Entities in `text`: detected, thresholded and merged. */
  analyze(text: string, hints: readonly string[] = []): Detection[] {
    return mergeEntities(this.detect(text, hints));
  }
}

/** Texts shorter than this are analysed whole; longer ones by their parts around digits for digit-bound recognizers. */
const REGION_MIN = 2048;
/** The window of digit-bound recognizers that do not declare theirs: context words before, address lines after. */
const WIDE: DigitWindow = { before: 96, after: 240 };
/**
 * The windows views are built for. A recognizer is given the view of the smallest one that holds its own
 * window (a wider view finds the same: the results are those of the whole text), so that a text is copied
 * into a few views rather than one per recognizer.
 */
const STANDARD_WINDOWS: readonly DigitWindow[] = [
  { before: 16, after: 18 },
  { before: 56, after: 24 },
];

function standardWindow(window: DigitWindow): DigitWindow {
  for (const w of STANDARD_WINDOWS) if (window.before <= w.before && window.after <= w.after) return w;
  return window;
}

/** Between two parts of a view: a blank line, which no pattern crosses and which ends an address block. */
const PART_SEPARATOR = '\n\n';

/** The parts of a text around its digits, joined by PART_SEPARATOR, and where each part came from. */
export interface View {
  ctx: AnalysisContext;
  /** Start of each part in the view. */
  starts: number[];
  /** Start of each part in the text. */
  offsets: number[];
  lengths: number[];
}

/** A view that would keep more than this share of a text is not built: the text is analysed whole. */
const VIEW_MAX_SHARE = 0.75;

/**
 * The parts of `text` within `window` of a digit (overlapping windows merged), as one text. The view's
 * digit runs are the text's, moved (no part cuts a run: a run that reaches into a window is in it), so the
 * recognizers that read them do not scan the view again. Exported for tests.
 */
export function digitView(
  text: string,
  hints: readonly string[],
  runs: readonly number[],
  window: DigitWindow,
  whole: AnalysisContext,
): View {
  // What the view would keep: when it is most of the text (a column of numbers, dense records), the
  // text itself is analysed (the same results, as for any view) and nothing is copied.
  let kept = 0;
  let reach = -1;
  for (let i = 0; i < runs.length; i += 2) {
    const s = Math.max(reach, runs[i]! - window.before, 0);
    const e = Math.min(text.length, runs[i + 1]! + window.after);
    if (e > s) kept += e - s;
    if (e > reach) reach = e;
  }
  if (kept > text.length * VIEW_MAX_SHARE)
    return { ctx: whole, starts: [0], offsets: [0], lengths: [text.length] };
  const parts: string[] = [];
  const starts: number[] = [];
  const offsets: number[] = [];
  const lengths: number[] = [];
  const viewRuns: number[] = [];
  let at = 0;
  let start = -1;
  let end = -1;
  // The runs of the part being gathered: runs[firstRun] up to the one before the part is flushed.
  let firstRun = 0;
  const flush = (endRun: number) => {
    if (start < 0) return;
    // Not inside a surrogate pair (a look-behind or look-ahead would read half a character).
    if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start--;
    if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end++;
    if (parts.length > 0) at += PART_SEPARATOR.length;
    starts.push(at);
    offsets.push(start);
    lengths.push(end - start);
    parts.push(text.slice(start, end));
    const shift = at - start;
    for (let r = firstRun; r < endRun; r += 2) viewRuns.push(runs[r]! + shift, runs[r + 1]! + shift);
    at += end - start;
  };
  for (let i = 0; i < runs.length; i += 2) {
    const s = Math.max(0, runs[i]! - window.before);
    const e = Math.min(text.length, runs[i + 1]! + window.after);
    if (start >= 0 && s <= end) end = Math.max(end, e);
    else {
      flush(i);
      start = s;
      end = e;
      firstRun = i;
    }
  }
  flush(runs.length);
  const ctx = analysisContext(parts.join(PART_SEPARATOR), hints, text);
  knownDigitRuns(ctx, viewRuns);
  return { ctx, starts, offsets, lengths };
}

const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** Moves results found in a view to the offsets of the text; a match across two parts is dropped. */
function toText(results: RecognizerResult[], view: View): RecognizerResult[] {
  const { starts, offsets, lengths } = view;
  if (starts.length === 1 && offsets[0] === 0) return results;
  const out: RecognizerResult[] = [];
  for (const r of results) {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= r.start) lo = mid;
      else hi = mid - 1;
    }
    if (r.start < starts[lo]! || r.end > starts[lo]! + lengths[lo]!) continue;
    const shift = offsets[lo]! - starts[lo]!;
    r.start += shift;
    r.end += shift;
    out.push(r);
  }
  return out;
}

export function analysisContext(
  text: string,
  hints: readonly string[] = [],
  whole?: string,
): AnalysisContext {
  const memo = new Map<string, unknown>();
  return {
    text,
    hints,
    ...(whole === undefined ? {} : { whole }),
    memo<T>(key: string, compute: () => T): T {
      if (!memo.has(key)) memo.set(key, compute());
      return memo.get(key) as T;
    },
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

export type { Entity };
