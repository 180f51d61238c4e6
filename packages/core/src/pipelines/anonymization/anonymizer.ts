import { mapLimit } from '../../concurrency.js';
import { findInvalidUtf8 } from '../../datasets/utf8.js';
import type { DatabricksCredentials, LlmGateway } from '../../llm/types.js';
import { Analyzer } from './analyzer.js';
import {
  COLUMN_SAMPLE,
  type ColumnType,
  isEmptyValue,
  printable,
  sampleValues,
  typedValueEntities,
  voteColumnType,
} from './columns.js';
import { UNIT_BOUNDARY } from './context.js';
import { type CsvColumn, type CsvColumns, csvField, parseCsvColumns } from './csv.js';
import type { AnalyzerSpec, DetectionPool } from './detection-pool.js';
import { LlmDetector } from './llm.js';
import { mergeEntities } from './merge.js';
import { type DetectionMethod, detectorsOf } from './methods.js';
import {
  createOperators,
  type MaskPlan,
  type Operator,
  type OperatorConfig,
  type OperatorName,
} from './operators/index.js';
import type { PiiType } from './recognizers/index.js';
import type { Entity } from './types.js';

/** Formats an anonymization run reads and writes; PDFs are anonymized through their extracted text. */
export type AnonymizableFormat = 'csv' | 'json' | 'jsonl' | 'txt' | 'md';

export interface AnonymizerOptions {
  piiTypes: readonly PiiType[];
  method: DetectionMethod;
  /** Entities scoring below this are left alone (0..1). */
  threshold: number;
  /** Operator per label; unnamed labels get `fallback`. */
  plan: MaskPlan;
  fallback: OperatorConfig;
  /** Per-run secret: seeds REPLACE fakes and keys HASH. */
  secret: string;
  llm?: { gateway: LlmGateway; model: string; credentials?: { databricks?: DatabricksCredentials } };
  /**
   * Threads for pattern and NER detection. Without one, detection runs in the calling thread (yielding to
   * its event loop every YIELD_MS). The output is the same either way.
   */
  pool?: DetectionPool;
}

export interface AnonymizeInput {
  path: string;
  format: AnonymizableFormat;
  bytes: Buffer | string;
}

export type FileOutcome =
  | {
      ok: true;
      content: string;
      /** Records of a table, else 1. */
      samples: number;
      /**
       * The file's first entities (at most `keepEntities`, in file order). Offsets are within the document
       * (text files) or within the value (tables' cells, JSON fields).
       */
      entities: Entity<PiiType>[];
      /** How many entities of each label the file has (all of them, kept or not). */
      counts: Partial<Record<PiiType, number>>;
    }
  | { ok: false; error: string };

/** Lines longer than this are refused (minified or binary data, not documents). */
export const MAX_LINE_CHARS = 1_000_000;
/** Documents are analysed in pieces of about this size, cut at line ends. */
const SEGMENT_CHARS = 64 * 1024;
/** Values of a column are analysed together in texts of about this size. */
const BATCH_CHARS = 64 * 1024;
/**
 * Between two values of a batch: blank lines (no pattern crosses them, an address block ends) around the
 * character at which context windows stop, so no context leaks from one value to the next.
 */
const UNIT_SEPARATOR = `\n\n${UNIT_BOUNDARY}\n\n`;
/** The same for NER, whose rules read the words before a name: a blank line wider than they look. */
const WIDE_UNIT_SEPARATOR = `\n${' '.repeat(70)}\n`;
/** A column's values: an array, or a CSV column read field by field. */
type ColumnValues = {
  readonly length: number;
  at(index: number): string | undefined;
  /** isEmptyValue of a value, when the column can tell without making its string. */
  isEmptyAt?(index: number): boolean;
  /** True when a value surely has no white space at either end (its string need not be made). */
  isTrimmedAt?(index: number): boolean;
};

/** The entities of a unit where none were found (shared: most values of a column have none). */
const NONE: Entity<PiiType>[] = [];
/** Long synchronous work yields to the event loop this often (ms), so a server stays responsive. */
const YIELD_MS = 40;

/**
 * Anonymizes the files of one run: detects entities (the run's method and threshold), masks them (the
 * run's operators, one REPLACE table for the whole run) and writes each file back in its own format.
 * Structured files are handled per column (CSV) or per field path (JSON, JSONL): a column whose values
 * are mostly of one type is treated as that type as a whole.
 */
export class Anonymizer {
  private readonly operators: Record<OperatorName, Operator>;
  private readonly piiTypes: ReadonlySet<PiiType>;
  private readonly separator: string;
  private lastYield = Date.now();
  /** Settles when every file handed to anonymizeFile so far has been masked (or has failed). */
  private masked: Promise<void> = Promise.resolve();

  private constructor(
    private readonly options: AnonymizerOptions,
    /** What the analyzer (here or in the pool's threads) is built from. */
    private readonly spec: AnalyzerSpec,
    private readonly analyzer: Analyzer,
    private readonly llm: LlmDetector | undefined,
  ) {
    this.operators = createOperators(options.secret);
    this.piiTypes = new Set(options.piiTypes);
    this.separator = analyzer.recognizers.some((r) => r.kind === 'ner')
      ? WIDE_UNIT_SEPARATOR
      : UNIT_SEPARATOR;
  }

  static async create(options: AnonymizerOptions): Promise<Anonymizer> {
    const detectors = detectorsOf(options.method);
    const spec: AnalyzerSpec = { piiTypes: options.piiTypes, detectors, threshold: options.threshold };
    const analyzer = new Analyzer(spec);
    // With a pool, the threads prepare their own analyzers (NER lexicons are not loaded here for nothing).
    if (!options.pool) await analyzer.prepare();
    let llm: LlmDetector | undefined;
    if ((detectors as readonly string[]).includes('llm')) {
      if (!options.llm) throw new Error(`detection method ${options.method} needs a language model`);
      llm = new LlmDetector({
        gateway: options.llm.gateway,
        model: options.llm.model,
        piiTypes: options.piiTypes,
        ...(options.llm.credentials ? { credentials: options.llm.credentials } : {}),
      });
    }
    return new Anonymizer(options, spec, analyzer, llm);
  }

  /**
   * Anonymizes one file; bad input (binary, invalid UTF-8, huge lines, broken syntax) is an outcome, not a
   * throw. All entities are counted; only the first `keepEntities` are returned as objects (a run reports
   * a sample of them, and a typed column of a large table holds hundreds of thousands).
   *
   * Files may be given before the previous one is done (detection in a pool then overlaps the other work):
   * each is masked only after the files given before it, so REPLACE fakes come out as when the files are
   * anonymized one after another.
   */
  async anonymizeFile(
    input: AnonymizeInput,
    signal?: AbortSignal,
    keepEntities = Number.POSITIVE_INFINITY,
  ): Promise<FileOutcome> {
    const earlier = this.masked;
    let done!: () => void;
    const own = new Promise<void>((resolve) => {
      done = resolve;
    });
    this.masked = earlier.then(() => own);
    try {
      return await this.anonymizeInTurn(input, earlier, signal, keepEntities);
    } finally {
      done();
    }
  }

  /** anonymizeFile, masking once `earlier` (the files given before this one are masked) settles. */
  private async anonymizeInTurn(
    input: AnonymizeInput,
    earlier: Promise<void>,
    signal: AbortSignal | undefined,
    keepEntities: number,
  ): Promise<FileOutcome> {
    signal?.throwIfAborted();
    const decoded = decode(input.bytes);
    if ('error' in decoded) return { ok: false, error: `${input.path}: ${decoded.error}` };
    const { text, bom } = decoded;
    const long = longLine(text);
    if (long) {
      return {
        ok: false,
        error: `${input.path}: line ${long.line} has ${long.length.toLocaleString('en-US')} characters; lines over ${MAX_LINE_CHARS.toLocaleString('en-US')} characters are not anonymized (minified or binary data?)`,
      };
    }
    const found = new FoundEntities(keepEntities);
    try {
      const result =
        input.format === 'csv'
          ? await this.csv(text, found, earlier, signal)
          : input.format === 'json'
            ? await this.json(text, found, earlier, signal)
            : input.format === 'jsonl'
              ? await this.jsonl(text, found, earlier, signal)
              : await this.document(text, found, earlier, signal);
      return {
        ok: true,
        content: (bom ? '\ufeff' : '') + result.content,
        samples: result.samples,
        entities: found.kept,
        counts: found.counts,
      };
    } catch (err) {
      if (signal?.aborted) throw err;
      if (err instanceof FileProblem) return { ok: false, error: `${input.path}: ${err.message}` };
      throw err;
    }
  }

  /** Entities of a plain text (detected, thresholded, merged), for callers that hold text, not files. */
  async detectText(text: string, signal?: AbortSignal): Promise<Entity<PiiType>[]> {
    const segments = segment(text);
    const found = await this.detectUnits(
      segments.map(([, s]) => s),
      [],
      signal,
    );
    // The entities are this call's own objects: moved to the text's offsets in place, not copied.
    const out: Entity<PiiType>[] = [];
    for (let i = 0; i < found.length; i++) {
      const offset = segments[i]![0];
      for (const e of found[i]!) {
        e.start += offset;
        e.end += offset;
        out.push(e);
      }
    }
    return out;
  }

  /** Masks `text` by its entities with the run's operators. */
  mask(text: string, entities: readonly Entity<PiiType>[]): string {
    if (entities.length === 0) return text;
    let out = '';
    let at = 0;
    const sorted = entities.length === 1 ? entities : [...entities].sort((a, b) => a.start - b.start);
    for (const e of sorted) {
      if (e.start < at) continue;
      out += text.slice(at, e.start);
      const config = this.options.plan[e.label] ?? this.options.fallback;
      out += this.operators[config.type].apply({ label: e.label, value: text.slice(e.start, e.end), config });
      at = e.end;
    }
    return out + text.slice(at);
  }

  private async document(text: string, found: FoundEntities, earlier: Promise<void>, signal?: AbortSignal) {
    const entities = await this.detectText(text, signal);
    await earlier;
    for (const e of entities) found.add(e);
    return { content: this.mask(text, entities), samples: 1 };
  }

  /**
   * Heuristics and NER over units (a column's values, or a document's segments) packed into batches (analysed
   * as one text, with a separator wider than any context window between them, `hints` for all), the
   * language model over all units at once; merged per unit.
   */
  private async detectUnits(
    units: readonly string[],
    hints: readonly string[],
    signal?: AbortSignal,
  ): Promise<Entity<PiiType>[][]> {
    const local: Entity<PiiType>[][] = new Array(units.length).fill(NONE);
    const batches: Batch[] = [];
    for (let i = 0; i < units.length; ) {
      const starts: number[] = [];
      const texts: string[] = [];
      let length = 0;
      let j = i;
      while (j < units.length && (j === i || length + units[j]!.length < BATCH_CHARS)) {
        if (j > i) length += this.separator.length;
        starts.push(length);
        texts.push(units[j]!);
        length += units[j]!.length;
        j++;
      }
      batches.push({ first: i, starts, texts });
      i = j;
    }
    // A batch's entities go to its own units: batches may finish in any order.
    const place = ({ first, starts, texts }: Batch, detected: Entity<PiiType>[]) => {
      const found = detected.sort((a, b) => a.start - b.start);
      let k = 0;
      for (const e of found) {
        while (k + 1 < starts.length && starts[k + 1]! <= e.start) k++;
        const offset = starts[k]!;
        if (e.end - offset > texts[k]!.length) continue;
        e.start -= offset;
        e.end -= offset;
        const list = local[first + k]!;
        if (list === NONE) local[first + k] = [e];
        else list.push(e);
      }
    };
    const textOf = (b: Batch) => (b.texts.length === 1 ? b.texts[0]! : b.texts.join(this.separator));
    // (A language model alone has no recognizers: nothing for the threads to do.)
    const pool = this.analyzer.recognizers.length > 0 ? this.options.pool : undefined;
    if (pool) {
      // A few batches per thread in flight: the threads never wait, and a large column is not all queued.
      // (The first failure drops the batches still queued.)
      await mapLimit(
        batches,
        pool.size * 2,
        async (batch, _, stop) => place(batch, await pool.detect(this.spec, textOf(batch), hints, stop)),
        signal,
      );
    } else {
      for (const batch of batches) {
        place(batch, this.analyzer.detect(textOf(batch), hints));
        await this.breathe(signal);
      }
    }
    if (!this.llm) return local.map((l) => (l.length > 1 ? mergeEntities(l) : l));
    const fromLlm = await this.llm.detect(units, signal);
    return local.map((l, n) =>
      mergeEntities([...l, ...(fromLlm[n] ?? []).filter((e) => e.score >= this.options.threshold)]),
    );
  }

  /**
   * Anonymizes a table given as columns of values: typed columns wholesale, the others value by value
   * (with the column name as context). Returns the masked values per column, undefined where a value is
   * unchanged (a large table's unchanged cells are not copied into a second array of strings).
   */
  private async columns(
    columns: readonly { header: string; values: ColumnValues }[],
    found: FoundEntities,
    earlier: Promise<void>,
    signal?: AbortSignal,
  ): Promise<(string | undefined)[][]> {
    // Detection first, then masking column by column in order (REPLACE fakes and the kept entities depend
    // on the order values are met in). A language model is asked one column at a time, as without threads.
    const detectColumn = async ({ header, values }: (typeof columns)[number], stop: AbortSignal) => {
      const hints = header ? [header] : [];
      const filledAt: number[] = [];
      const isEmptyAt = values.isEmptyAt?.bind(values) ?? ((i: number) => isEmptyValue(values.at(i)!));
      for (let i = 0; i < values.length; i++) if (!isEmptyAt(i)) filledAt.push(i);
      // The sample's indexes, then its values (not a copy of every filled value to sample 100 of them).
      const sample = sampleValues(filledAt, COLUMN_SAMPLE).map((i) => values.at(i)!);
      const votes = await this.detectUnits(sample, hints, stop);
      const typed = voteColumnType(sample, votes);
      const detected = typed
        ? undefined
        : await this.detectUnits(
            filledAt.map((i) => values.at(i)!),
            hints,
            stop,
          );
      return { filledAt, typed, detected };
    };
    const pool = this.llm ? undefined : this.options.pool;
    // Columns a few at a time with a pool (a wide table does not queue copies of all its values at once).
    const detections = await mapLimit(
      columns,
      pool ? pool.size * 2 : 1,
      (column, _, stop) => detectColumn(column, stop),
      signal,
    );
    await earlier;
    const masked: (string | undefined)[][] = [];
    for (let c = 0; c < columns.length; c++) {
      const values = columns[c]!.values;
      const { filledAt, typed, detected } = detections[c]!;
      const out: (string | undefined)[] = new Array(values.length);
      if (typed) {
        const score = round(typed.share);
        const type = typed.type as ColumnType;
        const kept = (label: PiiType) => this.piiTypes.has(label) && score >= this.options.threshold;
        if (type !== 'full_name') {
          // One label and score for the whole column: kept or not once, each value masked whole (trimmed).
          if (kept(type)) {
            const config = this.options.plan[type] ?? this.options.fallback;
            const operator = this.operators[config.type];
            // The filled values only (empty ones stay as they are), all counted at once; an object is made
            // for the ones kept.
            found.count(type, filledAt.length);
            // REDACT: one string for the whole column, not a call per value.
            const same = operator.ignoresValue
              ? operator.apply({ label: type, value: '', config })
              : undefined;
            for (const i of filledAt) {
              // A redacted value with nothing to trim: its string is not needed.
              if (same !== undefined && values.isTrimmedAt?.(i)) {
                out[i] = same;
                if (!found.full) found.keep({ start: 0, end: values.at(i)!.length, label: type, score });
                continue;
              }
              const value = values.at(i)!;
              const start = trimmedStart(value);
              const end = trimmedEnd(value);
              if (start === 0 && end === value.length)
                out[i] = same ?? operator.apply({ label: type, value, config });
              else {
                const masked =
                  same ?? operator.apply({ label: type, value: value.slice(start, end), config });
                out[i] = value.slice(0, start) + masked + value.slice(end);
              }
              if (!found.full) found.keep({ start, end, label: type, score });
            }
          }
        } else {
          for (let i = 0; i < values.length; i++) {
            const value = values.at(i)!;
            const list = typedValueEntities(value, type, score).filter((e) => kept(e.label));
            if (list.length === 0) continue;
            out[i] = this.mask(value, list);
            for (const e of list) found.add(e);
          }
        }
      } else {
        filledAt.forEach((i, k) => {
          const list = detected![k]!;
          if (list.length === 0) return;
          out[i] = this.mask(values.at(i)!, list);
          for (const e of list) found.add(e);
        });
      }
      masked.push(out);
    }
    return masked;
  }

  private async csv(text: string, found: FoundEntities, earlier: Promise<void>, signal?: AbortSignal) {
    let table: CsvColumns | undefined;
    try {
      // By column: the table is analysed and masked column by column, and no array is made per row.
      table = parseCsvColumns(text);
    } catch (err) {
      throw new FileProblem(`not valid CSV: ${(err as Error).message}`);
    }
    if (!table) return { content: text, samples: 0 };
    const { header, lengths } = table;
    const columns = table.columns.map((values, c) => ({ header: header[c] ?? '', values }));
    const masked = await this.columns(columns, found, earlier, signal);
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    // One string per line, joined once: the result is flat (it is encoded next).
    let content = csvLines(header, lengths, masked, table.columns).join(eol);
    if (text.endsWith('\n')) content += eol;
    return { content, samples: lengths.length };
  }

  private async json(text: string, found: FoundEntities, earlier: Promise<void>, signal?: AbortSignal) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new FileProblem(`not valid JSON: ${(err as Error).message}`);
    }
    const root = { value };
    const leaves = collectLeaves(root, 'value', '$');
    await this.applyToLeaves(leaves, found, earlier, signal);
    const indent = jsonIndent(text);
    return {
      content: JSON.stringify(root.value, null, indent) + (text.endsWith('\n') ? '\n' : ''),
      samples: Array.isArray(value) ? value.length : 1,
    };
  }

  private async jsonl(text: string, found: FoundEntities, earlier: Promise<void>, signal?: AbortSignal) {
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const lines = text.split(/\r?\n/);
    const parsed: ({ value: unknown } | undefined)[] = lines.map((line, i) => {
      if (!line.trim()) return undefined;
      try {
        return { value: JSON.parse(line) as unknown };
      } catch {
        throw new FileProblem(`not valid JSON Lines: line ${i + 1} is not JSON`);
      }
    });
    const leaves = parsed.flatMap((p) => (p ? collectLeaves(p, 'value', '$') : []));
    await this.applyToLeaves(leaves, found, earlier, signal);
    const out = lines.map((line, i) => (parsed[i] ? JSON.stringify(parsed[i]!.value) : line));
    return { content: out.join(eol), samples: parsed.filter(Boolean).length };
  }

  /** Anonymizes JSON leaves grouped by their path (`$[*].patient.name`) as the columns of a table. */
  private async applyToLeaves(
    leaves: Leaf[],
    found: FoundEntities,
    earlier: Promise<void>,
    signal?: AbortSignal,
  ): Promise<void> {
    const byPath = new Map<string, Leaf[]>();
    for (const leaf of leaves) {
      const list = byPath.get(leaf.path);
      if (list) list.push(leaf);
      else byPath.set(leaf.path, [leaf]);
    }
    const groups = [...byPath.entries()];
    const masked = await this.columns(
      groups.map(([path, list]) => ({
        header: fieldName(path),
        values: list.map((l) => String(l.get())),
      })),
      found,
      earlier,
      signal,
    );
    groups.forEach(([, list], c) => {
      list.forEach((leaf, r) => {
        const original = leaf.get();
        const next = masked[c]![r];
        if (next === undefined || String(original) === next) return;
        leaf.set(typeof original === 'number' && /^-?\d+(?:\.\d+)?$/.test(next) ? Number(next) : next);
      });
    });
  }

  /**
   * Yields to the event loop when YIELD_MS have passed since the last time, then stops if `signal` has
   * aborted (an abort is seen within YIELD_MS). The signal is read only after the yield, in this function's
   * own frame: every AbortSignal has a hidden class of its own, and reading one in the part of this function
   * that V8 inlines into its large callers made it deoptimize and recompile them.
   */
  private async breathe(signal?: AbortSignal): Promise<void> {
    if (Date.now() - this.lastYield < YIELD_MS) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.lastYield = Date.now();
    signal?.throwIfAborted();
  }
}

/**
 * The lines of a table written back: the header, then each record's fields, masked or as they were. (In a
 * function of its own so that the loop is all there is: V8 compiles a long loop while it runs, and code
 * after it that had not run yet made that compiled code bail out on every table.)
 */
function csvLines(
  header: readonly string[],
  lengths: readonly number[],
  masked: readonly (readonly (string | undefined)[])[],
  original: readonly CsvColumn[],
): string[] {
  // (One array of every field joined at once makes fewer strings but joins about half as fast.)
  const lines: string[] = new Array(lengths.length + 1);
  lines[0] = header.map(csvField).join(',');
  const cells: string[] = [];
  // Each column's last value and its field: a redacted column repeats one string.
  const lastValue: (string | undefined)[] = new Array(masked.length);
  const lastField: string[] = new Array(masked.length);
  for (let r = 0; r < lengths.length; r++) {
    const n = lengths[r]!;
    cells.length = n;
    for (let c = 0; c < n; c++) {
      const value = masked[c]![r] ?? original[c]!.at(r)!;
      if (value !== lastValue[c]) {
        lastValue[c] = value;
        lastField[c] = csvField(value);
      }
      cells[c] = lastField[c]!;
    }
    lines[r + 1] = cells.join(',');
  }
  return lines;
}

class FileProblem extends Error {}

/** Units analysed together as one text: the first unit's index, each unit's start in the text, the units. */
interface Batch {
  first: number;
  starts: number[];
  texts: string[];
}

/** The entities of one file: every one counted by label, the first `limit` kept as objects. */
class FoundEntities {
  readonly kept: Entity<PiiType>[] = [];
  readonly counts: Partial<Record<PiiType, number>> = {};

  constructor(private readonly limit: number) {}

  /** No more entities are kept (callers skip making them). */
  get full(): boolean {
    return this.kept.length >= this.limit;
  }

  add(entity: Entity<PiiType>): void {
    this.count(entity.label, 1);
    this.keep(entity);
  }

  count(label: PiiType, n: number): void {
    this.counts[label] = (this.counts[label] ?? 0) + n;
  }

  /** Keeps an entity already counted, while there is room. */
  keep(entity: Entity<PiiType>): void {
    if (!this.full) this.kept.push(entity);
  }
}

interface Leaf {
  path: string;
  get(): string | number;
  set(value: string | number): void;
}

/** String and number leaves of a JSON value, with their path (array positions as `[*]`). */
function collectLeaves(
  holder: Record<string, unknown> | unknown[],
  key: string | number,
  path: string,
): Leaf[] {
  const value = (holder as Record<string | number, unknown>)[key];
  if (typeof value === 'string' || typeof value === 'number') {
    return [
      {
        path,
        get: () => (holder as Record<string | number, unknown>)[key] as string | number,
        set: (v) => {
          (holder as Record<string | number, unknown>)[key] = v;
        },
      },
    ];
  }
  if (Array.isArray(value)) return value.flatMap((_, i) => collectLeaves(value, i, `${path}[*]`));
  if (value && typeof value === 'object')
    return Object.keys(value).flatMap((k) =>
      collectLeaves(value as Record<string, unknown>, k, `${path}.${k}`),
    );
  return [];
}

/** The last named part of a JSON path, as a column header (`$[*].contact.email` -> `email`). */
function fieldName(path: string): string {
  const parts = path.replace(/\[\*\]/g, '').split('.');
  return parts[parts.length - 1] === '$' ? '' : (parts[parts.length - 1] ?? '');
}

function jsonIndent(text: string): number | string | undefined {
  const m = /^[[{]\r?\n([ \t]+)/.exec(text.trimStart());
  if (!m) return text.trim().includes('\n') ? 2 : undefined;
  return m[1]!.startsWith('\t') ? '\t' : m[1]!.length;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decode(bytes: Buffer | string): { text: string; bom: boolean } | { error: string } {
  if (typeof bytes === 'string') {
    const bom = bytes.startsWith('\ufeff');
    return { text: bom ? bytes.slice(1) : bytes, bom };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { error: `a binary file, not text (NUL byte at offset ${nul})` };
  let text: string;
  try {
    text = STRICT_UTF8.decode(bytes);
  } catch {
    const invalid = findInvalidUtf8(bytes);
    return {
      error: `not valid UTF-8 (invalid byte 0x${bytes[invalid]!.toString(16).padStart(2, '0')} at offset ${invalid})`,
    };
  }
  const bom = text.startsWith('\ufeff');
  return { text: bom ? text.slice(1) : text, bom };
}

function longLine(text: string): { line: number; length: number } | undefined {
  if (text.length <= MAX_LINE_CHARS) return undefined;
  let start = 0;
  let line = 1;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end - start > MAX_LINE_CHARS) return { line, length: end - start };
    start = end + 1;
    line++;
  }
  return undefined;
}

/** Pieces of a document of about SEGMENT_CHARS, cut after a line end, with their offsets. */
function segment(text: string): [number, string][] {
  const out: [number, string][] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + SEGMENT_CHARS);
    if (end < text.length) {
      const nl = text.lastIndexOf('\n', end);
      if (nl > start) end = nl + 1;
      else {
        const next = text.indexOf('\n', end);
        end = next < 0 ? text.length : next + 1;
      }
    }
    out.push([start, text.slice(start, end)]);
    start = end;
  }
  return out;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Where `value` starts without its leading white space (as trimStart counts it). */
function trimmedStart(value: string): number {
  const c = value.charCodeAt(0);
  return printable(c) ? 0 : value.length - value.trimStart().length;
}

/** Where `value` ends without its trailing white space (as trimEnd counts it). */
function trimmedEnd(value: string): number {
  const c = value.charCodeAt(value.length - 1);
  return printable(c) ? value.length : value.trimEnd().length;
}
