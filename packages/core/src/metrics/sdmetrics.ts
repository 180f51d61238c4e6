import {
  categoricalColumn,
  columnsOf,
  inferMetricType,
  type MetricRecord,
  numericColumn,
} from './columns.js';

/**
 * SDMetrics' single-table statistical metrics and its QualityReport (Column Shapes and Column Pair
 * Trends), following sdmetrics' definitions:
 * - KSComplement = 1 - two-sample Kolmogorov-Smirnov D (numbers, timestamps; missing values dropped);
 * - TVComplement = 1 - ½ Σ |f_real - f_syn| over categories (missing values dropped);
 * - CorrelationSimilarity = 1 - |ρ_real - ρ_syn| / 2 (Pearson, or Spearman);
 * - ContingencySimilarity = 1 - ½ Σ |c_real - c_syn| over the normalised 2-D contingency table (missing
 *   is a category; a number is cut into 10 equal-width bins, as `np.histogram_bin_edges` + `np.digitize`).
 * Column Shapes averages KS/TV over columns; Column Pair Trends averages the pair metrics over all pairs of
 * numerical, datetime, categorical and boolean columns (number-number pairs by correlation, the rest by
 * contingency); the quality score is the mean of the two.
 */
export type SdType = 'numerical' | 'datetime' | 'categorical' | 'boolean' | 'id' | 'text' | 'other';

export interface SdMetadata {
  columns: Record<string, { sdtype: string; datetime_format?: string }>;
  primary_key?: string;
}

/** SDV metadata of a single table, or of a multi-table file with one table. */
export function singleTableMetadata(
  metadata: SdMetadata | { tables: Record<string, SdMetadata> },
  table?: string,
): SdMetadata {
  if ('tables' in metadata) {
    const name = table ?? Object.keys(metadata.tables)[0]!;
    const found = metadata.tables[name];
    if (!found) throw new Error(`no table ${name} in the metadata`);
    return found;
  }
  return metadata;
}

/** 1 - the two-sample KS statistic D = max |F_real - F_syn| (NaN when a side is empty). */
export function ksComplement(real: ArrayLike<number>, synthetic: ArrayLike<number>): number {
  const a = Float64Array.from(real)
    .filter((x) => !Number.isNaN(x))
    .sort();
  const b = Float64Array.from(synthetic)
    .filter((x) => !Number.isNaN(x))
    .sort();
  if (a.length === 0 || b.length === 0) return Number.NaN;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const x = Math.min(a[i]!, b[j]!);
    while (i < a.length && a[i]! <= x) i++;
    while (j < b.length && b[j]! <= x) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  return 1 - d;
}

/** 1 - total variation distance of the category frequencies (missing values dropped). */
export function tvComplement(real: (string | null)[], synthetic: (string | null)[]): number {
  const f = (xs: (string | null)[]) => {
    const m = new Map<string, number>();
    let n = 0;
    for (const x of xs) {
      if (x === null) continue;
      m.set(x, (m.get(x) ?? 0) + 1);
      n++;
    }
    return { m, n };
  };
  const r = f(real);
  const s = f(synthetic);
  if (r.n === 0 || s.n === 0) return Number.NaN;
  let tv = 0;
  for (const [k, c] of r.m) tv += Math.abs(c / r.n - (s.m.get(k) ?? 0) / s.n);
  for (const [k, c] of s.m) if (!r.m.has(k)) tv += c / s.n;
  return 1 - tv / 2;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < n; i++) {
    sa += a[i]!;
    sb += b[i]!;
  }
  const ma = sa / n;
  const mb = sb / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    cov += (a[i]! - ma) * (b[i]! - mb);
    va += (a[i]! - ma) ** 2;
    vb += (b[i]! - mb) ** 2;
  }
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : Number.NaN;
}

function ranks(x: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: x.length }, (_, i) => i).sort((p, q) => x[p]! - x[q]!);
  const out = new Float64Array(x.length);
  for (let s = 0; s < idx.length; ) {
    let e = s;
    while (e + 1 < idx.length && x[idx[e + 1]!] === x[idx[s]!]) e++;
    for (let k = s; k <= e; k++) out[idx[k]!] = (s + e) / 2;
    s = e + 1;
  }
  return out;
}

export interface CorrelationOptions {
  coefficient?: 'pearson' | 'spearman';
  /** Rows with a missing value: dropped (default), or read as 0 as recent sdmetrics does. */
  missing?: 'drop' | 'zero';
}

/** 1 - |ρ_real - ρ_syn| / 2; NaN when a column is constant. */
export function correlationSimilarity(
  real: [ArrayLike<number>, ArrayLike<number>],
  synthetic: [ArrayLike<number>, ArrayLike<number>],
  options: CorrelationOptions = {},
): { score: number; real: number; synthetic: number } {
  const prepare = ([a, b]: [ArrayLike<number>, ArrayLike<number>]) => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < a.length; i++) {
      let x = a[i]!;
      let y = b[i]!;
      if (options.missing === 'zero') {
        if (Number.isNaN(x)) x = 0;
        if (Number.isNaN(y)) y = 0;
      } else if (Number.isNaN(x) || Number.isNaN(y)) continue;
      xs.push(x);
      ys.push(y);
    }
    return options.coefficient === 'spearman' ? [ranks(xs), ranks(ys)] : [xs, ys];
  };
  const [ra, rb] = prepare(real);
  const [sa, sb] = prepare(synthetic);
  const constant = (v: ArrayLike<number>) => {
    for (let i = 1; i < v.length; i++) if (v[i] !== v[0]) return false;
    return true;
  };
  if (constant(ra!) || constant(rb!) || constant(sa!) || constant(sb!))
    return { score: Number.NaN, real: Number.NaN, synthetic: Number.NaN };
  const cr = pearson(ra!, rb!);
  const cs = pearson(sa!, sb!);
  const r = Number.isNaN(cr) ? 0 : cr;
  const s = Number.isNaN(cs) ? 0 : cs;
  return { score: 1 - Math.abs(r - s) / 2, real: r, synthetic: s };
}

/** 1 - TVD of the normalised contingency tables of two discrete columns (missing is a category). */
export function contingencySimilarity(
  real: [(string | null)[], (string | null)[]],
  synthetic: [(string | null)[], (string | null)[]],
): number {
  const table = ([a, b]: [(string | null)[], (string | null)[]]) => {
    const m = new Map<string, number>();
    for (let i = 0; i < a.length; i++) {
      const key = `${a[i] ?? '\u0000'}\u0001${b[i] ?? '\u0000'}`;
      m.set(key, (m.get(key) ?? 0) + 1);
    }
    return { m, n: a.length };
  };
  const r = table(real);
  const s = table(synthetic);
  if (r.n === 0 || s.n === 0) return Number.NaN;
  let tv = 0;
  for (const [k, c] of r.m) tv += Math.abs(c / r.n - (s.m.get(k) ?? 0) / s.n);
  for (const [k, c] of s.m) if (!r.m.has(k)) tv += c / s.n;
  return 1 - tv / 2;
}

/** 10 equal-width bin edges over the present values (numpy's `histogram_bin_edges` default). */
export function histogramEdges(values: ArrayLike<number>, bins = 10): number[] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (Number.isNaN(x)) continue;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (lo > hi) return [0, 1];
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  return Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
}

/** `np.digitize(x, edges)`: i such that edges[i-1] <= x < edges[i]; NaN lands past the last edge. */
export function digitize(values: ArrayLike<number>, edges: number[]): (string | null)[] {
  const out: (string | null)[] = [];
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (Number.isNaN(x)) {
      out.push(String(edges.length));
      continue;
    }
    let k = 0;
    while (k < edges.length && edges[k]! <= x) k++;
    out.push(String(k));
  }
  return out;
}

export interface QualityOptions {
  /** Column types (SDV metadata); inferred from the real table when absent. */
  metadata?: SdMetadata;
  /** Bin synthetic numbers with their own edges (sdmetrics' report) or with the real table's. */
  pairBins?: 'own' | 'real';
  correlation?: CorrelationOptions;
}

export interface QualityReport {
  score: number;
  columnShapes: { score: number; details: { column: string; metric: string; score: number }[] };
  columnPairTrends: {
    score: number;
    details: {
      columns: [string, string];
      metric: string;
      score: number;
      real?: number;
      synthetic?: number;
    }[];
  };
}

function sdtypes(real: MetricRecord[], metadata?: SdMetadata): Record<string, SdType> {
  if (metadata) {
    return Object.fromEntries(
      Object.entries(metadata.columns).map(([c, m]) => [
        c,
        (['numerical', 'datetime', 'categorical', 'boolean', 'id', 'text'].includes(m.sdtype)
          ? m.sdtype
          : 'other') as SdType,
      ]),
    );
  }
  return Object.fromEntries(
    columnsOf(real).map((c) => {
      const t = inferMetricType(real.map((r) => r[c]));
      return [c, t === 'numeric' ? 'numerical' : t === 'datetime' ? 'datetime' : 'categorical'];
    }),
  );
}

const average = (xs: number[]) => {
  const ok = xs.filter((x) => !Number.isNaN(x));
  return ok.length ? ok.reduce((s, x) => s + x, 0) / ok.length : Number.NaN;
};

/** SDMetrics' QualityReport: Column Shapes, Column Pair Trends and their mean. */
export function qualityReport(
  real: MetricRecord[],
  synthetic: MetricRecord[],
  options: QualityOptions = {},
): QualityReport {
  const types = sdtypes(real, options.metadata);
  const columns = Object.keys(types).filter((c) =>
    ['numerical', 'datetime', 'categorical', 'boolean'].includes(types[c]!),
  );
  const continuous = (c: string) => types[c] === 'numerical' || types[c] === 'datetime';
  const numbers = (rows: MetricRecord[], c: string) =>
    numericColumn(rows, c, types[c] === 'datetime' ? 'datetime' : 'numeric');
  const realNum = new Map<string, Float64Array>();
  const synNum = new Map<string, Float64Array>();
  const realCat = new Map<string, (string | null)[]>();
  const synCat = new Map<string, (string | null)[]>();
  for (const c of columns) {
    if (continuous(c)) {
      const r = numbers(real, c);
      const s = numbers(synthetic, c);
      realNum.set(c, r);
      synNum.set(c, s);
      const realEdges = histogramEdges(r);
      realCat.set(c, digitize(r, realEdges));
      synCat.set(c, digitize(s, options.pairBins === 'real' ? realEdges : histogramEdges(s)));
    } else {
      realCat.set(c, categoricalColumn(real, c));
      synCat.set(c, categoricalColumn(synthetic, c));
    }
  }
  const shapes = columns.map((c) =>
    continuous(c)
      ? { column: c, metric: 'KSComplement', score: ksComplement(realNum.get(c)!, synNum.get(c)!) }
      : { column: c, metric: 'TVComplement', score: tvComplement(realCat.get(c)!, synCat.get(c)!) },
  );
  const pairs: QualityReport['columnPairTrends']['details'] = [];
  for (let i = 0; i < columns.length; i++) {
    for (let j = i + 1; j < columns.length; j++) {
      const a = columns[i]!;
      const b = columns[j]!;
      if (continuous(a) && continuous(b)) {
        const r = correlationSimilarity(
          [realNum.get(a)!, realNum.get(b)!],
          [synNum.get(a)!, synNum.get(b)!],
          options.correlation,
        );
        pairs.push({ columns: [a, b], metric: 'CorrelationSimilarity', ...r });
      } else {
        const score = contingencySimilarity(
          [realCat.get(a)!, realCat.get(b)!],
          [synCat.get(a)!, synCat.get(b)!],
        );
        pairs.push({ columns: [a, b], metric: 'ContingencySimilarity', score });
      }
    }
  }
  const shapeScore = average(shapes.map((s) => s.score));
  const pairScore = average(pairs.map((p) => p.score));
  return {
    score: average([shapeScore, pairScore]),
    columnShapes: { score: shapeScore, details: shapes },
    columnPairTrends: { score: pairScore, details: pairs },
  };
}
