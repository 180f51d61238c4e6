/** A span of text found to hold PII, with the label it was given and how sure the detector is (0..1). */
export interface Entity<L extends string = string> {
  start: number;
  end: number;
  label: L;
  score: number;
}

/** What a recognizer found, with the recognizer's name (for explanations and tests). */
export interface RecognizerResult<L extends string = string> extends Entity<L> {
  recognizer: string;
  /** Set when the recognizer already weighed context words itself: the analyzer will not boost it again. */
  contextApplied?: boolean;
}

/** Which family a recognizer belongs to; detection methods select families. */
export type RecognizerKind = 'heuristics' | 'ner';

/** Shared, lazily computed views of one text that several recognizers use (computed at most once). */
export interface AnalysisContext {
  readonly text: string;
  /** Words that describe the text as a whole (a CSV column header, a JSON key): they count as context. */
  readonly hints: readonly string[];
  /** Memoizes an expensive view of the text (an NLP parse) under `key`. */
  memo<T>(key: string, compute: () => T): T;
  /**
   * The whole text when `text` holds only its parts around digits (a long text, see Recognizer.digitWindow):
   * what is true of the text as a whole (a context word somewhere in it) is asked of this.
   */
  readonly whole?: string;
}

/** How far a recognizer's matches, and what it reads to judge them, reach around their digits. */
export interface DigitWindow {
  /** Characters before the first digit of a match. */
  readonly before: number;
  /** Characters after the last digit of a match. */
  readonly after: number;
}

/**
 * One detector of one or a few entity types: patterns, context words and a validation step (Presidio's
 * shape). The analyzer knows nothing of any recognizer beyond this interface.
 */
export interface Recognizer<L extends string = string> {
  readonly name: string;
  readonly kind: RecognizerKind;
  readonly labels: readonly L[];
  /** Words that, near a match (or in the column header), raise its score. */
  readonly context: readonly string[];
  /** Column headers / JSON keys that name this type outright (`email`, `ssn`, `dob`). */
  readonly headers?: RegExp;
  /**
   * Every match holds a digit: the analyzer runs the recognizer only on the parts of a long text around
   * digits (with room for context), which makes prose without numbers nearly free.
   */
  readonly needsDigits?: boolean;
  /**
   * With needsDigits: how far matches (and the look-arounds, validation and context words the recognizer
   * reads itself) reach from their digits. Long texts are then analysed by the parts within this window
   * of a digit, joined by blank lines; the results are the same as on the whole text. Without it, a wide
   * window (about 100 characters before, 240 after) is used.
   */
  readonly digitWindow?: DigitWindow;
  analyze(ctx: AnalysisContext): RecognizerResult<L>[];
}
