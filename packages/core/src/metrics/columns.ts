/**
 * How the metrics read a table: records of column -> value, where a value is missing when it is null,
 * undefined, empty or one of the markers pandas' `read_csv` turns into NaN (`NA`, `null`, `NaN`, ...).
 * Note that `?` is *not* missing here (the census data uses it as a category), unlike in the profiler.
 */
export type MetricRecord = Record<string, unknown>;

/** How a column is compared: binned numbers, binned timestamps or categories. */
export type MetricColumnType = 'numeric' | 'datetime' | 'categorical';

const NA_MARKERS = new Set([
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
]);

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function isNa(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'number') return Number.isNaN(value);
  if (typeof value === 'string') return NA_MARKERS.has(value.trim());
  return false;
}

export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A present value as a number, or NaN when it is missing or not a number. */
export function numberOf(value: unknown): number {
  if (isNa(value)) return Number.NaN;
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.getTime();
  const text = textOf(value).trim();
  if (text === '') return Number.NaN;
  return Number(text);
}

/** A present ISO date/time as milliseconds since the epoch, or NaN. */
export function timeOf(value: unknown): number {
  if (isNa(value)) return Number.NaN;
  if (value instanceof Date) return value.getTime();
  const text = textOf(value).trim();
  if (!ISO_DATE.test(text)) return Number.NaN;
  const t = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
  return Number.isFinite(t) ? t : Number.NaN;
}

/**
 * The type a column is compared as, read off the reference table the way pandas reads a CSV: numeric
 * when every present value is a number, datetime when every present value is an ISO date, else categorical.
 */
export function inferMetricType(values: unknown[]): MetricColumnType {
  let present = 0;
  let numbers = 0;
  let dates = 0;
  for (const v of values) {
    if (isNa(v)) continue;
    present++;
    if (typeof v === 'boolean') continue;
    if (Number.isFinite(numberOf(v))) numbers++;
    else if (Number.isFinite(timeOf(v))) dates++;
  }
  if (present === 0) return 'categorical';
  if (numbers === present) return 'numeric';
  if (dates === present) return 'datetime';
  return 'categorical';
}

/** The columns to compare: given, or the reference table's keys in first-seen order. */
export function columnsOf(records: MetricRecord[], given?: string[]): string[] {
  if (given) return given;
  const seen = new Set<string>();
  for (const r of records.slice(0, 1000)) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

/** Column types: the given ones, the rest inferred from the reference table. */
export function typesOf(
  records: MetricRecord[],
  columns: string[],
  given?: Record<string, MetricColumnType>,
): Record<string, MetricColumnType> {
  return Object.fromEntries(columns.map((c) => [c, given?.[c] ?? inferMetricType(records.map((r) => r[c]))]));
}

/** The value of a column as the metrics compare it: a number (NaN when missing) or a string (null when missing). */
export function numericColumn(records: MetricRecord[], column: string, type: MetricColumnType): Float64Array {
  const out = new Float64Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const v = records[i]![column];
    out[i] = type === 'datetime' ? timeOf(v) : numberOf(v);
  }
  return out;
}

export function categoricalColumn(records: MetricRecord[], column: string): (string | null)[] {
  return records.map((r) => {
    const v = r[column];
    return isNa(v) ? null : textOf(v);
  });
}

export const mean = (xs: ArrayLike<number>): number => {
  let s = 0;
  let n = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (Number.isNaN(x)) continue;
    s += x;
    n++;
  }
  return n ? s / n : Number.NaN;
};

/** Linear-interpolated quantile of sorted numbers (numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** A seeded subsample (without replacement) of at most `max` records, for metrics that cost O(n²). */
export function subsample<T>(items: T[], max: number, seed = 1): T[] {
  if (items.length <= max) return items;
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  const idx = Array.from({ length: items.length }, (_, i) => i);
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(next() * (items.length - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx
    .slice(0, max)
    .sort((a, b) => a - b)
    .map((i) => items[i]!);
}
