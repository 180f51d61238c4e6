import {
  categoricalColumn,
  columnsOf,
  isNa,
  type MetricColumnType,
  type MetricRecord,
  numericColumn,
  subsample,
  textOf,
  typesOf,
} from './columns.js';

/**
 * Distance-based privacy metrics (mostlyai-qa's IMS, DCR, DCR share, NNDR) on encoded records, with the
 * Euclidean (L2) distance as mostlyai-qa uses:
 *
 * - numbers and timestamps are replaced by their rank in training ∪ holdout, scaled to [0, 1] (a quantile
 *   transform, as mostlyai-qa does), so a step of one percentile costs 0.01 whatever the unit and outliers
 *   do not dominate;
 * - categories (and booleans, ids, text) are one-hot encoded and scaled by 1/√2, so two different values
 *   are at distance 1 (mostlyai-qa embeds strings instead; there is no offline embedding model here);
 * - a missing value is at 0 from a missing value and at 1 from a present one;
 * - the distance of two records is sqrt(Σ per-column squared distances / columns), so it lies in [0, 1].
 *
 * Training and holdout are cut to the same size (the DCR share compares distances to two sets, which is
 * only fair when they are equally large), and every table to at most `maxRows` (seeded).
 */
export interface DistanceOptions {
  columns?: string[];
  types?: Record<string, MetricColumnType>;
  /** Rows per table at most (default 5,000): the cost is O(|S| · (|T| + |H|) · columns). */
  maxRows?: number;
  seed?: number;
}

export interface DistanceReport {
  /** Share of synthetic rows at distance 0 from some training row (identical match share). */
  identicalMatchShare: number;
  /** Share of synthetic rows that are exact copies of a training row (all values, as text). */
  identicalRowShare: number;
  dcr: {
    /** Mean distance of a synthetic row to its closest training row. */
    training: number;
    holdout?: number;
    /** Mean distance of a holdout row to its closest training row: the distance real novelty has. */
    holdoutToTraining?: number;
  };
  /** Share of synthetic rows closer to training than to holdout (ties count half): ~0.5 is ideal. */
  dcrShare?: number;
  /** 10th percentile of nearest/second-nearest distance ratios (mostlyai-qa reports this quantile). */
  nndr: { training: number; holdout?: number; holdoutToTraining?: number };
  rows: { synthetic: number; training: number; holdout?: number };
}

const MISSING = -10;

interface Encoded {
  /** n × numeric columns, ranks in [0, 1] or MISSING. */
  nums: Float64Array;
  /** n × categorical columns, codes in a shared dictionary (missing has its own code). */
  cats: Int32Array;
  n: number;
}

class Encoder {
  private readonly numeric: string[];
  private readonly categorical: string[];
  private readonly sorted: Float64Array[];
  private readonly dictionaries: Map<string, number>[];

  constructor(
    columns: string[],
    private readonly types: Record<string, MetricColumnType>,
    reference: MetricRecord[],
  ) {
    this.numeric = columns.filter((c) => types[c] !== 'categorical');
    this.categorical = columns.filter((c) => types[c] === 'categorical');
    this.sorted = this.numeric.map((c) =>
      Float64Array.from(Array.from(numericColumn(reference, c, types[c]!)).filter(Number.isFinite)).sort(),
    );
    this.dictionaries = this.categorical.map(() => new Map<string, number>());
  }

  get width(): number {
    return this.numeric.length + this.categorical.length;
  }

  encode(records: MetricRecord[]): Encoded {
    const n = records.length;
    const p = this.numeric.length;
    const q = this.categorical.length;
    const nums = new Float64Array(n * p);
    const cats = new Int32Array(n * q);
    this.numeric.forEach((c, j) => {
      const values = numericColumn(records, c, this.types[c]!);
      const sorted = this.sorted[j]!;
      for (let i = 0; i < n; i++) {
        const x = values[i]!;
        nums[i * p + j] = Number.isFinite(x) ? midRank(sorted, x) : MISSING;
      }
    });
    this.categorical.forEach((c, j) => {
      const dict = this.dictionaries[j]!;
      categoricalColumn(records, c).forEach((v, i) => {
        const key = v === null ? '\u0000na' : v;
        let code = dict.get(key);
        if (code === undefined) {
          code = dict.size;
          dict.set(key, code);
        }
        cats[i * q + j] = code;
      });
    });
    return { nums, cats, n };
  }

  /** Distances of each query row to its nearest and second-nearest reference row. */
  nearest(query: Encoded, reference: Encoded): { d1: Float64Array; d2: Float64Array } {
    const p = this.numeric.length;
    const q = this.categorical.length;
    const width = this.width || 1;
    const d1 = new Float64Array(query.n);
    const d2 = new Float64Array(query.n);
    const { nums: qn, cats: qc } = query;
    const { nums: rn, cats: rc } = reference;
    for (let i = 0; i < query.n; i++) {
      let best = Number.POSITIVE_INFINITY;
      let second = Number.POSITIVE_INFINITY;
      const qo = i * p;
      const co = i * q;
      for (let r = 0; r < reference.n; r++) {
        let d = 0;
        // Categories first: they are cheap and usually decide early that this row is too far.
        const rco = r * q;
        for (let j = 0; j < q; j++) if (qc[co + j] !== rc[rco + j]) d += 1;
        if (d > second) continue;
        const ro = r * p;
        for (let j = 0; j < p; j++) {
          const diff = Math.abs(qn[qo + j]! - rn[ro + j]!);
          d += diff > 1 ? 1 : diff * diff;
        }
        if (d < best) {
          second = best;
          best = d;
        } else if (d < second) second = d;
      }
      d1[i] = Math.sqrt(best / width);
      d2[i] = Math.sqrt(second / width);
    }
    return { d1, d2 };
  }
}

/** Rank of x among sorted values, as a share in [0, 1] (ties get the middle of their run). */
function midRank(sorted: Float64Array, x: number): number {
  const n = sorted.length;
  if (n === 0) return 0.5;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  const below = lo;
  let end = lo;
  lo = below;
  hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  end = lo;
  return (below + end) / 2 / n;
}

const EPS = 1e-8;

function nndrQuantile(d1: Float64Array, d2: Float64Array, q = 0.1): number {
  const ratios = Float64Array.from(d1, (d, i) => (d + EPS) / (d2[i]! + EPS)).sort();
  if (ratios.length === 0) return Number.NaN;
  return ratios[Math.min(ratios.length - 1, Math.floor(q * (ratios.length - 1)))]!;
}

const avg = (xs: Float64Array) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : Number.NaN);

/** Identical-row share: synthetic rows whose every column equals (as text) that of some training row. */
export function identicalRowShare(
  training: MetricRecord[],
  synthetic: MetricRecord[],
  columns?: string[],
): number {
  const names = columnsOf(training, columns);
  const key = (r: MetricRecord) =>
    names.map((c) => (isNa(r[c]) ? '\u0000' : textOf(r[c]).trim())).join('\u0001');
  const seen = new Set(training.map(key));
  if (synthetic.length === 0) return 0;
  return synthetic.filter((r) => seen.has(key(r))).length / synthetic.length;
}

/** IMS, DCR (to training and holdout), DCR share and NNDR of a synthetic table. */
export function distances(
  training: MetricRecord[],
  synthetic: MetricRecord[],
  holdout?: MetricRecord[],
  options: DistanceOptions = {},
): DistanceReport {
  const names = columnsOf(training, options.columns);
  const maxRows = options.maxRows ?? 5000;
  const seed = options.seed ?? 1;
  let trn = training;
  let hol = holdout;
  if (hol) {
    const size = Math.min(trn.length, hol.length, maxRows);
    trn = subsample(trn, size, seed);
    hol = subsample(hol, size, seed + 1);
  } else trn = subsample(trn, maxRows, seed);
  const syn = subsample(synthetic, maxRows, seed + 2);
  const types = typesOf(training, names, options.types);
  const encoder = new Encoder(names, types, hol ? [...trn, ...hol] : trn);
  const eTrn = encoder.encode(trn);
  const eSyn = encoder.encode(syn);
  const toTrn = encoder.nearest(eSyn, eTrn);
  const report: DistanceReport = {
    identicalMatchShare: syn.length ? toTrn.d1.filter((d) => d <= 1e-9).length / syn.length : 0,
    identicalRowShare: identicalRowShare(trn, syn, names),
    dcr: { training: avg(toTrn.d1) },
    nndr: { training: nndrQuantile(toTrn.d1, toTrn.d2) },
    rows: { synthetic: syn.length, training: trn.length },
  };
  if (hol) {
    const eHol = encoder.encode(hol);
    const toHol = encoder.nearest(eSyn, eHol);
    const holToTrn = encoder.nearest(eHol, eTrn);
    let share = 0;
    for (let i = 0; i < syn.length; i++) {
      const a = toTrn.d1[i]!;
      const b = toHol.d1[i]!;
      share += Math.abs(a - b) <= 1e-12 ? 0.5 : a < b ? 1 : 0;
    }
    report.dcr.holdout = avg(toHol.d1);
    report.dcr.holdoutToTraining = avg(holToTrn.d1);
    report.dcrShare = syn.length ? share / syn.length : Number.NaN;
    report.nndr.holdout = nndrQuantile(toHol.d1, toHol.d2);
    report.nndr.holdoutToTraining = nndrQuantile(holToTrn.d1, holToTrn.d2);
    report.rows.holdout = hol.length;
  }
  return report;
}
