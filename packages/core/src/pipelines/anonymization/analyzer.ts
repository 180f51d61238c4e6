import { boosted, hasContext } from './context.js';
import { mergeEntities } from './merge.js';
import type { Detector } from './methods.js';
import { type PiiType, prepareRecognizers, recognizers } from './recognizers/index.js';
import type { AnalysisContext, Entity, Recognizer, RecognizerResult } from './types.js';

export interface AnalyzerOptions {
  piiTypes: readonly PiiType[];
  /** Recognizer families to run (`llm` is not a recognizer family and is ignored here). */
  detectors: readonly Detector[];
  /** Entities scoring below this are dropped (0..1). */
  threshold: number;
  /** The recognizers to choose from; the registry by default. */
  registry?: readonly Recognizer[];
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

  constructor(options: AnalyzerOptions) {
    this.piiTypes = new Set(options.piiTypes);
    this.threshold = options.threshold;
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
    let regions: AnalysisContext[] | undefined;
    for (const recognizer of this.active) {
      const headerNamed = recognizer.headers ? hints.some((h) => recognizer.headers!.test(h.trim())) : false;
      let results: RecognizerResult[];
      if (recognizer.needsDigits && text.length > REGION_MIN) {
        regions ??= digitRegions(text, hints);
        results = [];
        for (const region of regions) {
          const offset = (region as AnalysisContext & { offset: number }).offset;
          for (const r of recognizer.analyze(region)) {
            r.start += offset;
            r.end += offset;
            results.push(r);
          }
        }
      } else results = recognizer.analyze(ctx);
      for (const r of results) {
        if (!this.piiTypes.has(r.label as PiiType)) continue;
        let score = r.score;
        if (headerNamed) score = Math.max(boosted(score), 0.75);
        else if (!r.contextApplied && hasContext(text, r.start, r.end, recognizer.context, hints))
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

/** Texts shorter than this are analysed whole; longer ones by regions for digit-bound recognizers. */
const REGION_MIN = 2048;
/** Room kept around digits: context words before, address lines after. */
const REGION_BEFORE = 96;
const REGION_AFTER = 240;

/** The parts of `text` around its digits (merged), as contexts that know their offset. */
function digitRegions(text: string, hints: readonly string[]): (AnalysisContext & { offset: number })[] {
  const out: (AnalysisContext & { offset: number })[] = [];
  let start = -1;
  let end = -1;
  const flush = () => {
    if (start < 0) return;
    out.push({ ...analysisContext(text.slice(start, end), hints), offset: start });
  };
  for (const m of text.matchAll(/\d+/g)) {
    const s = Math.max(0, m.index - REGION_BEFORE);
    const e = Math.min(text.length, m.index + m[0].length + REGION_AFTER);
    if (start >= 0 && s <= end) end = Math.max(end, e);
    else {
      flush();
      start = s;
      end = e;
    }
  }
  flush();
  return out;
}

export function analysisContext(text: string, hints: readonly string[] = []): AnalysisContext {
  const memo = new Map<string, unknown>();
  return {
    text,
    hints,
    memo<T>(key: string, compute: () => T): T {
      if (!memo.has(key)) memo.set(key, compute());
      return memo.get(key) as T;
    },
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

export type { Entity };
