import type { Rng } from '../sampling/rng.js';

/**
 * A Gaussian copula over coded columns (the comparison method; the sequential trees are the default).
 * Each column's codes are laid out on [0, 1] in order (number bins by value, missing first; categories by
 * frequency, as SDV's frequency encoding does), a row's code becomes a uniform draw inside its interval,
 * then a normal score; the correlation matrix of the scores is the model. Sampling draws correlated normal
 * scores and maps each back to the code whose interval holds it.
 */
export interface CopulaColumn {
  codes: Uint16Array;
  levels: number;
  ordinal: boolean;
}

export interface GaussianCopula {
  /** Per column: codes in layout order and their cumulative shares. */
  layout: { order: number[]; cumulative: Float64Array }[];
  /** Lower Cholesky factor of the correlation matrix (row-major). */
  cholesky: Float64Array;
  dims: number;
}

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const q = Math.min(Math.max(p, 1e-12), 1 - 1e-12);
  if (q < 0.02425) {
    const r = Math.sqrt(-2 * Math.log(q));
    return (
      (((((c[0]! * r + c[1]!) * r + c[2]!) * r + c[3]!) * r + c[4]!) * r + c[5]!) /
      ((((d[0]! * r + d[1]!) * r + d[2]!) * r + d[3]!) * r + 1)
    );
  }
  if (q > 1 - 0.02425) {
    const r = Math.sqrt(-2 * Math.log(1 - q));
    return (
      -(((((c[0]! * r + c[1]!) * r + c[2]!) * r + c[3]!) * r + c[4]!) * r + c[5]!) /
      ((((d[0]! * r + d[1]!) * r + d[2]!) * r + d[3]!) * r + 1)
    );
  }
  const r = q - 0.5;
  const s = r * r;
  return (
    ((((((a[0]! * s + a[1]!) * s + a[2]!) * s + a[3]!) * s + a[4]!) * s + a[5]!) * r) /
    (((((b[0]! * s + b[1]!) * s + b[2]!) * s + b[3]!) * s + b[4]!) * s + 1)
  );
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf, |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x / Math.SQRT2));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

export function fitGaussianCopula(columns: CopulaColumn[], rng: Rng): GaussianCopula {
  const m = columns.length;
  const n = columns[0]?.codes.length ?? 0;
  const layout = columns.map((col) => {
    const counts = new Float64Array(col.levels);
    for (const c of col.codes) counts[c]! += 1;
    const order = Array.from({ length: col.levels }, (_, k) => k).filter((k) => counts[k]! > 0);
    if (!col.ordinal) order.sort((a, b) => counts[b]! - counts[a]! || a - b);
    const cumulative = new Float64Array(order.length);
    let acc = 0;
    order.forEach((k, i) => {
      acc += counts[k]! / n;
      cumulative[i] = acc;
    });
    return { order, cumulative };
  });
  const scores = columns.map((col, j) => {
    const { order, cumulative } = layout[j]!;
    const position = new Int32Array(col.levels).fill(-1);
    order.forEach((k, i) => {
      position[k] = i;
    });
    const z = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const i = position[col.codes[r]!]!;
      const lo = i > 0 ? cumulative[i - 1]! : 0;
      const hi = cumulative[i]!;
      z[r] = normalQuantile(lo + (hi - lo) * rng.next());
    }
    return z;
  });
  const corr = new Float64Array(m * m);
  for (let a = 0; a < m; a++) {
    for (let b = a; b < m; b++) {
      let s = 0;
      let sa = 0;
      let sb = 0;
      for (let r = 0; r < n; r++) {
        s += scores[a]![r]! * scores[b]![r]!;
        sa += scores[a]![r]! ** 2;
        sb += scores[b]![r]! ** 2;
      }
      const v = a === b ? 1 : sa > 0 && sb > 0 ? s / Math.sqrt(sa * sb) : 0;
      corr[a * m + b] = v;
      corr[b * m + a] = v;
    }
  }
  return { layout, cholesky: cholesky(corr, m), dims: m };
}

/** Lower Cholesky factor; adds a ridge to the diagonal until the matrix is positive definite. */
function cholesky(matrix: Float64Array, m: number): Float64Array {
  for (let ridge = 0; ; ridge = ridge ? ridge * 10 : 1e-6) {
    const L = new Float64Array(m * m);
    let ok = true;
    for (let i = 0; i < m && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let s = matrix[i * m + j]! + (i === j ? ridge : 0);
        for (let k = 0; k < j; k++) s -= L[i * m + k]! * L[j * m + k]!;
        if (i === j) {
          if (s <= 0) {
            ok = false;
            break;
          }
          L[i * m + i] = Math.sqrt(s);
        } else L[i * m + j] = s / L[j * m + j]!;
      }
    }
    if (ok) return L;
  }
}

/** One row of codes. */
export function sampleCopula(copula: GaussianCopula, rng: Rng): Int32Array {
  const m = copula.dims;
  const e = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const u = 1 - rng.next();
    e[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  }
  const codes = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    let z = 0;
    for (let k = 0; k <= i; k++) z += copula.cholesky[i * m + k]! * e[k]!;
    const u = normalCdf(z);
    const { order, cumulative } = copula.layout[i]!;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    codes[i] = order[lo]!;
  }
  return codes;
}
