import {
  categoricalColumn,
  columnsOf,
  type MetricColumnType,
  type MetricRecord,
  numericColumn,
  typesOf,
} from './columns.js';

/**
 * Fidelity as mostlyai-qa measures it: every column is discretised with bins fitted on the training
 * table (numbers and timestamps into about 10 quantile bins, categories into the 10 most frequent with at
 * least 5 occurrences plus `(other)`, `(empty)` and `(n/a)`), and accuracy is 1 - TVD of the binned
 * distributions: univariate per column, bivariate per pair of columns, overall the mean of the two.
 */
export interface AccuracyOptions {
  columns?: string[];
  /** Types for columns whose inference from the training table would be wrong. */
  types?: Record<string, MetricColumnType>;
  /** Bins per column (default 10). */
  bins?: number;
  /** A holdout of real records never used for training: its accuracy is the reachable maximum. */
  holdout?: MetricRecord[];
}

export interface AccuracyScores {
  univariate: number;
  bivariate: number;
  /** Mean of univariate and bivariate (mostlyai-qa without sequences). */
  overall: number;
}

export interface AccuracyReport extends AccuracyScores {
  /** Accuracy expected from sampling noise alone at these table sizes (mostlyai-qa's `accuracy_max`). */
  expectedMax: AccuracyScores;
  /** Accuracy of the holdout against the training table, with the same bins. */
  holdout?: AccuracyScores;
  /** Synthetic accuracy divided by the holdout's. */
  ratio?: AccuracyScores;
  columns: { column: string; type: MetricColumnType; accuracy: number; expectedMax: number }[];
  pairs: { columns: [string, string]; accuracy: number; expectedMax: number }[];
}

export const NA_BIN = '(n/a)';
export const OTHER_BIN = '(other)';
export const EMPTY_BIN = '(empty)';
const MIN_CATEGORY_COUNT = 5;

/** A column's bins, fitted on the training table. */
export type ColumnBins =
  | { column: string; type: 'numeric' | 'datetime'; breaks: number[] }
  | { column: string; type: 'categorical'; categories: string[] };

/** Greedy search for `n` + 1 distinct quantile boundaries, including min and max (mostlyai-qa). */
export function searchBinBoundaries(sorted: ArrayLike<number>, n: number): number[] {
  const len = sorted.length;
  if (len === 0) return [];
  let breaks: number[] = [];
  const end = Math.max(n + 1, Math.min(1000, len + 1));
  for (let i = n; i < end; i++) {
    const set = new Set<number>();
    for (let j = 0; j < i; j++) {
      const idx = i === 1 ? 0 : Math.floor((j * (len - 1)) / (i - 1));
      set.add(sorted[idx]!);
    }
    breaks = [...set].sort((a, b) => a - b);
    if (breaks.length >= n + 1) break;
  }
  return breaks;
}

const floorTo = (x: number, precision: number) => Math.floor(x * 10 ** precision) / 10 ** precision;

export function fitColumnBins(
  column: string,
  type: MetricColumnType,
  records: MetricRecord[],
  bins = 10,
): ColumnBins {
  if (type === 'categorical') {
    const counts = new Map<string, number>();
    for (const v of categoricalColumn(records, column)) {
      const key = v === null ? NA_BIN : v === '' ? EMPTY_BIN : v;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const special = new Set([NA_BIN, EMPTY_BIN, OTHER_BIN]);
    const top = [...counts.entries()]
      .filter(([k]) => !special.has(k))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, bins)
      .filter(([, c]) => c >= MIN_CATEGORY_COUNT)
      .map(([k]) => k)
      .sort();
    return { column, type, categories: top };
  }
  const values = Array.from(numericColumn(records, column, type)).filter(Number.isFinite);
  values.sort((a, b) => a - b);
  const unique = [...new Set(values)];
  let breaks: number[];
  if (type === 'numeric' && unique.length <= bins) {
    breaks = unique.length ? [...unique, unique[unique.length - 1]! + 1] : [];
  } else if (type === 'datetime' && unique.length === 1) {
    breaks = [unique[0]!, unique[0]! + 86_400_000];
  } else {
    breaks = searchBinBoundaries(values, bins);
  }
  if (breaks.length === 0) breaks = [-1e10, 1e10];
  if (type === 'numeric') {
    // Shorten the lower edges to the fewest decimals that keep them distinct (mostlyai-qa's labels).
    for (let p = 0; p < 20; p++) {
      if (new Set(breaks.map((b) => floorTo(b, p))).size === breaks.length) {
        breaks = [...breaks.slice(0, -1).map((b) => floorTo(b, p)), breaks[breaks.length - 1]!];
        break;
      }
    }
  }
  return { column, type, breaks };
}

/** Bin codes of a column: 0..k-1 for the bins, then `(other)`, `(empty)`, `(n/a)` for categories. */
export function binCodes(bins: ColumnBins, records: MetricRecord[]): { codes: Int32Array; labels: string[] } {
  const codes = new Int32Array(records.length);
  if (bins.type === 'categorical') {
    const labels = [...bins.categories, OTHER_BIN, EMPTY_BIN, NA_BIN];
    const index = new Map(bins.categories.map((c, i) => [c, i]));
    const k = bins.categories.length;
    categoricalColumn(records, bins.column).forEach((v, i) => {
      codes[i] = v === null ? k + 2 : v === '' ? k + 1 : (index.get(v) ?? k);
    });
    return { codes, labels };
  }
  const b = bins.breaks;
  const k = b.length - 1;
  const labels = [...b.slice(0, -1).map((x) => `>= ${x}`), NA_BIN];
  const lo = b[0]!;
  const hi = b[k]!;
  const values = numericColumn(records, bins.column, bins.type);
  for (let i = 0; i < values.length; i++) {
    const raw = values[i]!;
    if (!Number.isFinite(raw)) {
      codes[i] = k;
      continue;
    }
    const x = Math.min(Math.max(raw, lo), hi);
    // Bins are [b_j, b_j+1), the last one closed: the largest j with b_j <= x.
    let left = 0;
    let right = k - 1;
    while (left < right) {
      const mid = (left + right + 1) >> 1;
      if (b[mid]! <= x) left = mid;
      else right = mid - 1;
    }
    codes[i] = left;
  }
  return { codes, labels };
}

/** 1 - TVD of two count tables and the accuracy expected from sampling noise alone. */
export function accuracyOfCounts(
  reference: Map<number, number>,
  other: Map<number, number>,
): { accuracy: number; expectedMax: number } {
  const n1 = sum(reference.values());
  const n2 = sum(other.values());
  if (n1 === 0 || n2 === 0) return { accuracy: Number.NaN, expectedMax: Number.NaN };
  let l1 = 0;
  let expected = 0;
  const scale = (2 / Math.PI) * (1 / n1 + 1 / n2);
  for (const [key, c] of reference) {
    const p = c / n1;
    l1 += Math.abs(p - (other.get(key) ?? 0) / n2);
    expected += Math.sqrt(scale * p * (1 - p));
  }
  for (const [key, c] of other) if (!reference.has(key)) l1 += c / n2;
  return { accuracy: 1 - l1 / 2, expectedMax: 1 - expected / 2 };
}

const sum = (xs: Iterable<number>) => {
  let s = 0;
  for (const x of xs) s += x;
  return s;
};

function countCodes(a: Int32Array, b?: Int32Array, width = 0): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const key = b ? a[i]! * width + b[i]! : a[i]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

interface Binned {
  codes: Int32Array[];
  widths: number[];
}

function binTable(all: ColumnBins[], records: MetricRecord[]): Binned {
  const codes: Int32Array[] = [];
  const widths: number[] = [];
  for (const b of all) {
    const { codes: c, labels } = binCodes(b, records);
    codes.push(c);
    widths.push(labels.length);
  }
  return { codes, widths };
}

function scoresOf(
  trn: Binned,
  other: Binned,
  names: string[],
): {
  scores: AccuracyScores;
  max: AccuracyScores;
  columns: { accuracy: number; expectedMax: number }[];
  pairs: { columns: [string, string]; accuracy: number; expectedMax: number }[];
} {
  const columns = trn.codes.map((c, i) => accuracyOfCounts(countCodes(c), countCodes(other.codes[i]!)));
  const pairs: { columns: [string, string]; accuracy: number; expectedMax: number }[] = [];
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const w = trn.widths[j]!;
      const r = accuracyOfCounts(
        countCodes(trn.codes[i]!, trn.codes[j]!, w),
        countCodes(other.codes[i]!, other.codes[j]!, w),
      );
      pairs.push({ columns: [names[i]!, names[j]!], ...r });
    }
  }
  const avg = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : Number.NaN);
  const uni = avg(columns.map((c) => c.accuracy));
  const uniMax = avg(columns.map((c) => c.expectedMax));
  const bi = pairs.length ? avg(pairs.map((p) => p.accuracy)) : uni;
  const biMax = pairs.length ? avg(pairs.map((p) => p.expectedMax)) : uniMax;
  return {
    scores: { univariate: uni, bivariate: bi, overall: (uni + bi) / 2 },
    max: { univariate: uniMax, bivariate: biMax, overall: (uniMax + biMax) / 2 },
    columns,
    pairs,
  };
}

/** Univariate, bivariate and overall accuracy of `synthetic` against `training` (and the holdout's). */
export function accuracy(
  training: MetricRecord[],
  synthetic: MetricRecord[],
  options: AccuracyOptions = {},
): AccuracyReport {
  const names = columnsOf(training, options.columns);
  const types = typesOf(training, names, options.types);
  const fitted = names.map((c) => fitColumnBins(c, types[c]!, training, options.bins ?? 10));
  const trn = binTable(fitted, training);
  const syn = scoresOf(trn, binTable(fitted, synthetic), names);
  const report: AccuracyReport = {
    ...syn.scores,
    expectedMax: syn.max,
    columns: names.map((column, i) => ({ column, type: types[column]!, ...syn.columns[i]! })),
    pairs: syn.pairs,
  };
  if (options.holdout) {
    const hol = scoresOf(trn, binTable(fitted, options.holdout), names).scores;
    report.holdout = hol;
    report.ratio = {
      univariate: syn.scores.univariate / hol.univariate,
      bivariate: syn.scores.bivariate / hol.bivariate,
      overall: syn.scores.overall / hol.overall,
    };
  }
  return report;
}
