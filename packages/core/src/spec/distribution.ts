import { setOwn } from './problems.js';

/**
 * Splits `total` into whole numbers proportional to `weights` (largest-remainder method): each gets the floor
 * of its exact share, and what is left goes one by one to the largest fractional parts, earlier entries
 * first on ties, so the result is deterministic and sums to exactly `total`. Negative and non-finite
 * weights count as 0; all-zero weights give all zeros.
 */
export function largestRemainder(weights: readonly number[], total = 100): number[] {
  const clean = weights.map((w) => (Number.isFinite(w) && w > 0 ? w : 0));
  // Dividing by the largest weight first keeps the sum finite for huge inputs such as 1e308.
  const max = Math.max(0, ...clean);
  if (max === 0) return clean.map(() => 0);
  const scaled = clean.map((w) => w / max);
  const sum = scaled.reduce((a, b) => a + b, 0);
  // Rounding the exact shares to 1e-9 stops float noise (0.29 * 100 = 28.999999999999996) deciding ties.
  const shares = scaled.map((w) => Math.round(((w * total) / sum) * 1e9) / 1e9);
  const result = shares.map(Math.floor);
  let left = total - result.reduce((a, b) => a + b, 0);
  const order = shares
    .map((share, index) => ({ index, fraction: share - Math.floor(share) }))
    .sort((a, b) => b.fraction - a.fraction || a.index - b.index);
  for (let i = 0; left > 0 && order.length > 0; i = (i + 1) % order.length, left--) {
    const at = order[i]!.index;
    result[at] = result[at]! + 1;
  }
  return result;
}

/** Integer percentages summing to 100, as even as possible, the remainder to the first values (34/33/33). */
export function uniformDistribution(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  if (values.length === 0) return out;
  const each = Math.floor(100 / values.length);
  const extra = 100 - each * values.length;
  values.forEach((value, i) => {
    setOwn(out, value, each + (i < extra ? 1 : 0));
  });
  return out;
}

/** Every value's percentage in value order: the distribution if given (missing values 0), else uniform. */
export function effectivePercentages(
  values: readonly string[],
  distribution: Record<string, number> | undefined,
): [string, number][] {
  const dist = distribution ?? uniformDistribution(values);
  return values.map((value) => [value, Object.hasOwn(dist, value) ? (dist[value] ?? 0) : 0]);
}
