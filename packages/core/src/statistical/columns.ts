import type { Rng } from '../sampling/rng.js';
import { type ColumnProfile, cellText, isMissing } from './profile.js';

/**
 * How the synthesiser models one column. Modelled columns (categorical, numeric, datetime) are coded as
 * small integers: 0 for a missing value, then categories or quantile bins. Identifiers and personal data
 * are regenerated in their format, free text falls back to n-gram recombination.
 */
export type ColumnRole =
  | 'categorical'
  | 'numeric'
  | 'datetime'
  | 'id'
  | 'email'
  | 'person_name'
  | 'text'
  | 'empty';

/** The raw tokens that stood for "missing" (e.g. `''`, `?`, `NA`) and how often each occurred. */
export interface MissingTokens {
  tokens: unknown[];
  cumulative: number[];
}

export function missingTokens(raw: unknown[]): MissingTokens {
  const counts = new Map<string, { value: unknown; count: number }>();
  for (const v of raw) {
    const key = v === null ? '\u0000null' : v === undefined ? '\u0000undef' : cellText(v);
    const entry = counts.get(key) ?? { value: v, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  const entries = [...counts.values()].sort((a, b) => b.count - a.count);
  if (entries.length === 0) return { tokens: [''], cumulative: [1] };
  let acc = 0;
  const total = entries.reduce((s, e) => s + e.count, 0);
  return {
    tokens: entries.map((e) => e.value),
    cumulative: entries.map((e) => {
      acc += e.count;
      return acc / total;
    }),
  };
}

export function drawMissing(tokens: MissingTokens, rng: Rng): unknown {
  const u = rng.next();
  for (let i = 0; i < tokens.cumulative.length; i++) if (u < tokens.cumulative[i]!) return tokens.tokens[i];
  return tokens.tokens[tokens.tokens.length - 1];
}

interface ModelBase {
  name: string;
  /** Number of codes, including 0 (missing). */
  levels: number;
  /** Code of each training row. */
  codes: Uint16Array;
  missing: MissingTokens;
  /** Ordered codes (bins of numbers) or nominal ones (categories). */
  ordinal: boolean;
}

export interface CategoricalModel extends ModelBase {
  role: 'categorical';
  /** Emitted value of each code (code 0, missing, is drawn from `missing`). */
  values: unknown[];
  labels: string[];
  /** Code of the bucket that stands for every rare category, or -1. */
  rareCode: number;
  /** What the rare bucket becomes: codes of the uncommon-but-not-rare categories, by weight. */
  rareReplacement: { codes: number[]; cumulative: number[] } | null;
  /** Emit this instead of a rare category's replacement (e.g. `_RARE_`), when set. */
  rareToken?: string;
  index: Map<string, number>;
}

export interface NumberBin {
  lo: number;
  hi: number;
  /** A single value that many rows share (e.g. 0, 40): emitted exactly. */
  spike: boolean;
  /** Sorted values of the training rows in the bin. */
  values: Float64Array;
  /** Kernel bandwidth for smoothing a donor value within the bin. */
  bandwidth: number;
}

export interface DateFormat {
  dateOnly: boolean;
  separator: string;
  seconds: boolean;
  millis: boolean;
  zone: string;
}

export interface NumericModel extends ModelBase {
  role: 'numeric' | 'datetime';
  bins: NumberBin[];
  /** Value of each training row (NaN when missing). */
  values: Float64Array;
  /** Decimals each training row was written with, so output keeps the seed's formatting. */
  decimals: Uint8Array;
  integer: boolean;
  /** Timestamps: the coarsest unit (ms) every seed value is a whole multiple of (a day, an hour, ...). */
  unit: number;
  /** The seed held JS numbers (JSON), not strings. */
  numberTyped: boolean;
  min: number;
  max: number;
  date?: DateFormat;
}

export type ModelledColumn = CategoricalModel | NumericModel;

export interface ColumnModelOptions {
  /** Categories seen fewer times are never emitted verbatim (default 5). */
  rareThreshold: number;
  /** Most categories a column keeps as codes before the rest share the rare bucket (default 60). */
  maxCategories: number;
  /** Quantile bins of a number column (default 20). */
  numericBins: number;
  /** What a rare category becomes: an uncommon real category ('sample') or a fixed token ('constant'). */
  rareCategories: 'sample' | 'constant';
}

const RARE_TOKEN = '_RARE_';

export function categoricalModel(
  name: string,
  raw: unknown[],
  options: ColumnModelOptions,
): CategoricalModel {
  const counts = new Map<string, { value: unknown; count: number }>();
  const missingRaw: unknown[] = [];
  for (const v of raw) {
    if (isMissing(v)) {
      missingRaw.push(v);
      continue;
    }
    const key = cellText(v).trim();
    const entry = counts.get(key) ?? { value: typeof v === 'string' ? key : v, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  const sorted = [...counts.entries()].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1));
  // Small seeds: the threshold shrinks with the rows (1% of them, at least 2), so a 50-row seed does not lose
  // every category; two-valued columns (booleans, flags) have nothing rare; the two most common always stay.
  const threshold =
    sorted.length <= 2 ? 1 : Math.min(options.rareThreshold, Math.max(2, Math.ceil(raw.length / 100)));
  const kept = sorted
    .filter(([, e], i) => e.count >= threshold || i < 2)
    .slice(0, Math.max(2, options.maxCategories));
  const hasRare = kept.length < sorted.length;
  const labels = ['', ...kept.map(([k]) => k)];
  const values: unknown[] = [undefined, ...kept.map(([, e]) => e.value)];
  const index = new Map(kept.map(([k], i) => [k, i + 1]));
  let rareCode = -1;
  if (hasRare) {
    rareCode = labels.length;
    labels.push(RARE_TOKEN);
    values.push(RARE_TOKEN);
  }
  const codes = new Uint16Array(raw.length);
  raw.forEach((v, i) => {
    codes[i] = isMissing(v) ? 0 : (index.get(cellText(v).trim()) ?? rareCode);
  });
  // Rare categories become one of the uncommon kept ones: those beyond the ten most frequent (or, when
  // there are none, any kept one), by frequency. The column's long tail stays a long tail.
  let rareReplacement: CategoricalModel['rareReplacement'] = null;
  if (hasRare && kept.length > 0) {
    const tail = kept.length > 10 ? kept.slice(10) : kept;
    const codesOf = tail.map(([k]) => index.get(k)!);
    const total = tail.reduce((s, [, e]) => s + e.count, 0);
    let acc = 0;
    rareReplacement = {
      codes: codesOf,
      cumulative: tail.map(([, e]) => {
        acc += e.count;
        return acc / total;
      }),
    };
  }
  const model: CategoricalModel = {
    role: 'categorical',
    name,
    levels: labels.length,
    codes,
    missing: missingTokens(missingRaw),
    ordinal: false,
    values,
    labels,
    rareCode,
    rareReplacement,
    index,
  };
  if (options.rareCategories === 'constant') model.rareToken = RARE_TOKEN;
  return model;
}

const DATE_PARTS =
  /^(\d{4})-(\d{2})-(\d{2})(?:([T ])(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Wall-clock milliseconds of an ISO date/time (its zone suffix is kept apart, not applied). */
export function parseDate(text: string): { ms: number; format: DateFormat } | undefined {
  const m = DATE_PARTS.exec(text.trim());
  if (!m) return undefined;
  const ms = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
    Number(m[7] ?? 0),
    m[8] ? Math.round(Number(m[8]) * 1000) : 0,
  );
  if (!Number.isFinite(ms)) return undefined;
  return {
    ms,
    format: {
      dateOnly: m[4] === undefined,
      separator: m[4] ?? 'T',
      seconds: m[7] !== undefined,
      millis: m[8] !== undefined,
      zone: m[9] ?? '',
    },
  };
}

export function formatDate(ms: number, f: DateFormat): string {
  const d = new Date(ms);
  const pad = (x: number, w = 2) => String(x).padStart(w, '0');
  const day = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  if (f.dateOnly) return day;
  let time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  if (f.seconds) time += `:${pad(d.getUTCSeconds())}`;
  if (f.millis) time += `.${pad(d.getUTCMilliseconds(), 3)}`;
  return `${day}${f.separator}${time}${f.zone}`;
}

function decimalsOf(text: string): number {
  const t = text.trim();
  if (/e/i.test(t)) return 6;
  const dot = t.indexOf('.');
  return dot < 0 ? 0 : Math.min(12, t.length - dot - 1);
}

/** Bins of equal counts, except that a value held by many rows is a bin of its own (a spike). */
function numberBins(sortedValues: Float64Array, target: number): NumberBin[] {
  const n = sortedValues.length;
  if (n === 0) return [];
  const runs: { value: number; start: number; end: number }[] = [];
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && sortedValues[j] === sortedValues[i]) j++;
    runs.push({ value: sortedValues[i]!, start: i, end: j });
    i = j;
  }
  const bins: NumberBin[] = [];
  const push = (start: number, end: number, spike: boolean) => {
    const values = sortedValues.slice(start, end);
    bins.push({ lo: values[0]!, hi: values[values.length - 1]!, spike, values, bandwidth: 0 });
  };
  // Few distinct values: each is its own bin, emitted exactly (e.g. years of education, ratings).
  if (runs.length <= target) {
    for (const r of runs) push(r.start, r.end, true);
    return bins;
  }
  const size = n / target;
  let open = -1;
  for (const r of runs) {
    const count = r.end - r.start;
    if (count >= size) {
      if (open >= 0) push(open, r.start, false);
      open = -1;
      push(r.start, r.end, true);
      continue;
    }
    if (open < 0) open = r.start;
    if (r.end - open >= size) {
      push(open, r.end, false);
      open = -1;
    }
  }
  if (open >= 0) {
    // A short last bin joins the one before, unless that one is a spike.
    const last = bins[bins.length - 1];
    if (last && !last.spike && n - open < size / 2) {
      bins.pop();
      const start = open - last.values.length;
      push(start, n, false);
    } else push(open, n, false);
  }
  for (const b of bins) b.bandwidth = b.spike ? 0 : bandwidthOf(b.values);
  return bins;
}

/** Silverman's rule of thumb on the values of a bin. */
function bandwidthOf(values: Float64Array): number {
  const n = values.length;
  if (n < 2) return 0;
  let s = 0;
  for (const v of values) s += v;
  const m = s / n;
  let ss = 0;
  for (const v of values) ss += (v - m) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const iqr = (values[Math.floor(0.75 * (n - 1))]! - values[Math.floor(0.25 * (n - 1))]!) / 1.34;
  const spread = iqr > 0 ? Math.min(sd, iqr) : sd;
  return 0.9 * spread * n ** -0.2;
}

export function numericModel(
  name: string,
  raw: unknown[],
  kind: 'numeric' | 'datetime',
  options: ColumnModelOptions,
): NumericModel {
  const values = new Float64Array(raw.length).fill(Number.NaN);
  const decimals = new Uint8Array(raw.length);
  const missingRaw: unknown[] = [];
  let numberTyped = false;
  let date: DateFormat | undefined;
  raw.forEach((v, i) => {
    if (isMissing(v)) {
      missingRaw.push(v);
      return;
    }
    if (kind === 'datetime') {
      const parsed = v instanceof Date ? { ms: v.getTime(), format: undefined } : parseDate(cellText(v));
      if (!parsed) {
        missingRaw.push(v);
        return;
      }
      values[i] = parsed.ms;
      date ??= parsed.format;
      return;
    }
    const x = typeof v === 'number' ? v : Number(cellText(v).trim());
    if (!Number.isFinite(x)) {
      missingRaw.push(v);
      return;
    }
    if (typeof v === 'number') numberTyped = true;
    values[i] = x;
    decimals[i] = typeof v === 'number' ? decimalsOf(String(v)) : decimalsOf(cellText(v));
  });
  const present = values.filter(Number.isFinite).sort();
  const bins = numberBins(present, options.numericBins);
  const codes = new Uint16Array(raw.length);
  const model: NumericModel = {
    role: kind,
    name,
    levels: bins.length + 1,
    codes,
    missing: missingTokens(missingRaw),
    ordinal: true,
    bins,
    values,
    decimals,
    integer: kind === 'datetime' || present.every(Number.isInteger),
    unit: kind === 'datetime' ? timeUnit(present) : 1,
    numberTyped,
    min: present[0] ?? 0,
    max: present[present.length - 1] ?? 0,
  };
  if (date) model.date = date;
  for (let i = 0; i < raw.length; i++) codes[i] = numberCode(model, values[i]!);
  return model;
}

const TIME_UNITS = [86_400_000, 3_600_000, 60_000, 1000, 1];

/** The coarsest of day, hour, minute, second, millisecond that every value is a whole multiple of. */
function timeUnit(values: ArrayLike<number>): number {
  for (const unit of TIME_UNITS) {
    let all = true;
    for (let i = 0; i < values.length && all; i++) all = values[i]! % unit === 0;
    if (all) return unit;
  }
  return 1;
}

/** Code of a number: its bin (1-based), 0 when missing. Values between bins go to the nearer one. */
export function numberCode(model: NumericModel, x: number): number {
  if (!Number.isFinite(x) || model.bins.length === 0) return 0;
  const bins = model.bins;
  let lo = 0;
  let hi = bins.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (bins[mid]!.lo <= x) lo = mid;
    else hi = mid - 1;
  }
  const b = bins[lo]!;
  if (x > b.hi && lo + 1 < bins.length && bins[lo + 1]!.lo - x < x - b.hi) return lo + 2;
  return lo + 1;
}

/** A value for bin `code`: a donor's value smoothed by a kernel within the bin (spikes stay exact). */
export function drawNumber(model: NumericModel, code: number, donorRow: number, rng: Rng): number {
  const bin = model.bins[code - 1]!;
  const donor = donorRow >= 0 ? model.values[donorRow]! : bin.values[rng.int(bin.values.length)]!;
  if (bin.spike || bin.bandwidth === 0) return donor;
  // Gaussian kernel (Box-Muller), reflected back into the bin so the binned distribution holds.
  const u = 1 - rng.next();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  let x = donor + z * bin.bandwidth;
  const width = bin.hi - bin.lo;
  if (width <= 0) return bin.lo;
  for (let i = 0; i < 4 && (x < bin.lo || x > bin.hi); i++) x = x < bin.lo ? 2 * bin.lo - x : 2 * bin.hi - x;
  return Math.min(bin.hi, Math.max(bin.lo, x));
}

/** A number as the seed wrote it: same decimals as the donor, same type (string or number). */
export function formatNumber(model: NumericModel, x: number, decimals: number): unknown {
  if (model.role === 'datetime') {
    const f = model.date ?? { dateOnly: false, separator: 'T', seconds: true, millis: true, zone: 'Z' };
    const unit = f.dateOnly ? 86_400_000 : Math.max(model.unit, f.millis ? 1 : f.seconds ? 1000 : 60_000);
    return formatDate(Math.round(x / unit) * unit, f);
  }
  const d = model.integer ? 0 : decimals;
  const text = x.toFixed(d);
  return model.numberTyped ? Number(text) : text;
}

export function roleOf(profile: ColumnProfile): ColumnRole {
  if (profile.count === profile.missing) return 'empty';
  if (profile.pii === 'email' && profile.distinct > 0.5 * (profile.count - profile.missing)) return 'email';
  if (profile.pii === 'person_name') return 'person_name';
  switch (profile.kind) {
    case 'id':
      return 'id';
    case 'integer':
    case 'numeric':
      return 'numeric';
    case 'datetime':
      return 'datetime';
    case 'categorical':
    case 'boolean':
      return 'categorical';
    default:
      break;
  }
  // Unique short values with personal data in them (phones, SSNs, cards, IPs) are regenerated by format.
  const present = profile.count - profile.missing;
  if (profile.pii && profile.pii !== 'street_address' && profile.distinct > 0.5 * present) return 'id';
  return 'text';
}
