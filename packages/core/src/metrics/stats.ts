/** Small numeric helpers for the metrics: log-gamma, the regularised incomplete gamma, χ² tail. */

const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905,
  -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; about 15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = 0.9999999999998099;
  const t = z + 7.5;
  for (let i = 0; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i + 1);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Upper regularised incomplete gamma Q(a, x) = Γ(a, x) / Γ(a). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (!Number.isFinite(x)) return 0;
  const lg = logGamma(a);
  if (x < a + 1) {
    // Series for P(a, x).
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return 1 - sum * Math.exp(-x + a * Math.log(x) - lg);
  }
  // Continued fraction for Q(a, x) (modified Lentz).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.exp(-x + a * Math.log(x) - lg) * h;
}

/** P(χ²_df ≥ statistic). */
export function chiSquareTail(statistic: number, df: number): number {
  if (df <= 0) return Number.NaN;
  return Math.min(1, Math.max(0, gammaQ(df / 2, statistic / 2)));
}

/** Total variation distance of two distributions given as weights (each normalised to sum 1). */
export function totalVariation(p: Record<string, number>, q: Record<string, number>): number {
  const sp = Object.values(p).reduce((s, x) => s + Math.max(0, x), 0);
  const sq = Object.values(q).reduce((s, x) => s + Math.max(0, x), 0);
  let tv = 0;
  for (const k of new Set([...Object.keys(p), ...Object.keys(q)])) {
    const a = sp > 0 ? Math.max(0, p[k] ?? 0) / sp : 0;
    const b = sq > 0 ? Math.max(0, q[k] ?? 0) / sq : 0;
    tv += Math.abs(a - b);
  }
  return tv / 2;
}
