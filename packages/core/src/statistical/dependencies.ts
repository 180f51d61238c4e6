import type { TableRecord } from '../datasets/records.js';
import { type ColumnProfile, cellText, isMissing, profileTable } from './profile.js';

/**
 * How strongly columns depend on each other, on a 0..1 scale whatever their types:
 * - two numbers (integer, numeric, datetime): |Spearman rank correlation|;
 * - a category and a number: the correlation ratio η of the number's ranks over the categories;
 * - two categories (categorical, boolean): Cramér's V;
 * and, for every pair, the normalised mutual information of the binned columns (numbers in 10 quantile
 * bins, categories as they are), MI / min(H(a), H(b)). Missing values are left out pairwise.
 * Identifier and free-text columns are skipped (their values are all different).
 */
export interface ColumnDependencies {
  columns: string[];
  /** association[i][j]: the measure named in method[i][j] (1 on the diagonal). */
  association: number[][];
  method: ('spearman' | 'correlation_ratio' | 'cramers_v' | 'self')[][];
  mutualInformation: number[][];
  /** Pairs by decreasing association, strongest first. */
  strongest: { columns: [string, string]; association: number; method: string }[];
}

type Shape = 'number' | 'category';

function shapeOf(p: ColumnProfile): Shape | undefined {
  if (p.kind === 'integer' || p.kind === 'numeric' || p.kind === 'datetime') return 'number';
  if (p.kind === 'categorical' || p.kind === 'boolean') return 'category';
  return undefined;
}

/** Ranks (average for ties) of the present values, NaN where missing. */
function ranksOf(values: number[]): Float64Array {
  const idx = values.map((_, i) => i).filter((i) => Number.isFinite(values[i]!));
  idx.sort((a, b) => values[a]! - values[b]!);
  const out = new Float64Array(values.length).fill(Number.NaN);
  for (let s = 0; s < idx.length; ) {
    let e = s;
    while (e + 1 < idx.length && values[idx[e + 1]!] === values[idx[s]!]) e++;
    const r = (s + e) / 2;
    for (let k = s; k <= e; k++) out[idx[k]!] = r;
    s = e + 1;
  }
  return out;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]!) || Number.isNaN(b[i]!)) continue;
    n++;
    sa += a[i]!;
    sb += b[i]!;
  }
  if (n < 3) return 0;
  const ma = sa / n;
  const mb = sb / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]!) || Number.isNaN(b[i]!)) continue;
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    cov += da * db;
    va += da * da;
    vb += db * db;
  }
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
}

function correlationRatio(categories: (string | undefined)[], values: ArrayLike<number>): number {
  const groups = new Map<string, { n: number; s: number }>();
  let n = 0;
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    const c = categories[i];
    const x = values[i]!;
    if (c === undefined || Number.isNaN(x)) continue;
    const g = groups.get(c) ?? { n: 0, s: 0 };
    g.n++;
    g.s += x;
    groups.set(c, g);
    n++;
    s += x;
  }
  if (n < 3 || groups.size < 2) return 0;
  const m = s / n;
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    if (categories[i] === undefined || Number.isNaN(values[i]!)) continue;
    total += (values[i]! - m) ** 2;
  }
  let between = 0;
  for (const g of groups.values()) between += g.n * (g.s / g.n - m) ** 2;
  return total > 0 ? Math.sqrt(between / total) : 0;
}

/** Cramér's V of two category columns (undefined = missing, left out). */
export function cramersVOf(a: (string | undefined)[], b: (string | undefined)[]): number {
  const { table, rows, cols, n } = crossTab(a, b);
  const k = Math.min(rows.size, cols.size);
  if (n === 0 || k < 2) return 0;
  let chi2 = 0;
  for (const [x, rt] of rows) {
    for (const [y, ct] of cols) {
      const expected = (rt * ct) / n;
      const observed = table.get(`${x}\u0000${y}`) ?? 0;
      chi2 += (observed - expected) ** 2 / expected;
    }
  }
  return Math.sqrt(chi2 / (n * (k - 1)));
}

function crossTab(a: (string | undefined)[], b: (string | undefined)[]) {
  const table = new Map<string, number>();
  const rows = new Map<string, number>();
  const cols = new Map<string, number>();
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) continue;
    const key = `${x}\u0000${y}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    rows.set(x, (rows.get(x) ?? 0) + 1);
    cols.set(y, (cols.get(y) ?? 0) + 1);
    n++;
  }
  return { table, rows, cols, n };
}

/** Mutual information of two discrete columns over MI's upper bound min(H(a), H(b)). */
export function normalisedMutualInformation(a: (string | undefined)[], b: (string | undefined)[]): number {
  const { table, rows, cols, n } = crossTab(a, b);
  if (n === 0) return 0;
  const h = (m: Map<string, number>) => {
    let s = 0;
    for (const c of m.values()) s -= (c / n) * Math.log(c / n);
    return s;
  };
  let mi = 0;
  for (const [key, c] of table) {
    const [x, y] = key.split('\u0000') as [string, string];
    mi += (c / n) * Math.log((c * n) / (rows.get(x)! * cols.get(y)!));
  }
  const bound = Math.min(h(rows), h(cols));
  return bound > 0 ? Math.max(0, Math.min(1, mi / bound)) : 0;
}

function numbersOf(p: ColumnProfile, records: TableRecord[]): number[] {
  return records.map((r) => {
    const v = r[p.name];
    if (isMissing(v)) return Number.NaN;
    const t = cellText(v).trim();
    return p.kind === 'datetime' ? Date.parse(t) : Number(t);
  });
}

function binned(values: number[], bins = 10): (string | undefined)[] {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return values.map(() => undefined);
  const edges = Array.from(
    { length: bins - 1 },
    (_, i) => sorted[Math.floor(((i + 1) * sorted.length) / bins)]!,
  );
  return values.map((x) => {
    if (!Number.isFinite(x)) return undefined;
    let b = 0;
    while (b < edges.length && x >= edges[b]!) b++;
    return String(b);
  });
}

export function columnDependencies(
  columns: string[],
  records: TableRecord[],
  profiles: ColumnProfile[] = profileTable(columns, records),
): ColumnDependencies {
  const kept = profiles.filter((p) => shapeOf(p) !== undefined);
  const shapes = kept.map((p) => shapeOf(p)!);
  const cats = kept.map((p) =>
    shapeOf(p) === 'category'
      ? records.map((r) => (isMissing(r[p.name]) ? undefined : cellText(r[p.name]).trim()))
      : undefined,
  );
  const nums = kept.map((p) => (shapeOf(p) === 'number' ? numbersOf(p, records) : undefined));
  const ranks = nums.map((v) => (v ? ranksOf(v) : undefined));
  const discrete = kept.map((_, i) => cats[i] ?? binned(nums[i]!));
  const m = kept.length;
  const association = Array.from({ length: m }, () => new Array<number>(m).fill(1));
  const mutualInformation = Array.from({ length: m }, () => new Array<number>(m).fill(1));
  const method = Array.from({ length: m }, () =>
    new Array<ColumnDependencies['method'][number][number]>(m).fill('self'),
  );
  const strongest: ColumnDependencies['strongest'] = [];
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      let value: number;
      let how: ColumnDependencies['method'][number][number];
      if (shapes[i] === 'number' && shapes[j] === 'number') {
        value = Math.abs(pearson(ranks[i]!, ranks[j]!));
        how = 'spearman';
      } else if (shapes[i] === 'category' && shapes[j] === 'category') {
        value = cramersVOf(cats[i]!, cats[j]!);
        how = 'cramers_v';
      } else {
        const c = shapes[i] === 'category' ? cats[i]! : cats[j]!;
        const r = shapes[i] === 'number' ? ranks[i]! : ranks[j]!;
        value = correlationRatio(c, r);
        how = 'correlation_ratio';
      }
      association[i]![j] = association[j]![i] = value;
      method[i]![j] = method[j]![i] = how;
      const mi = normalisedMutualInformation(discrete[i]!, discrete[j]!);
      mutualInformation[i]![j] = mutualInformation[j]![i] = mi;
      strongest.push({ columns: [kept[i]!.name, kept[j]!.name], association: value, method: how });
    }
  }
  strongest.sort((a, b) => b.association - a.association);
  return { columns: kept.map((p) => p.name), association, method, mutualInformation, strongest };
}
