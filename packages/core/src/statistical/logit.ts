/**
 * A multinomial logistic regression of one coded column on the one-hot codes of the columns before it
 * (no interactions). At its maximum likelihood the expected pair counts of the target with each earlier
 * column equal the observed ones, so a chain of these models keeps every pairwise distribution while
 * learning nothing of higher order: no record's combination of values is memorised.
 */
export interface LogitFeature {
  codes: Uint16Array;
  levels: number;
}

export interface LogitModel {
  classes: number;
  offsets: Int32Array;
  /** (Σ levels) × classes weights, row-major, then the intercepts. */
  weights: Float64Array;
  bias: Float64Array;
}

export interface LogitOptions {
  /** L2 penalty on the weights, in rows' worth: the loss is Σ rows NLL + l2/2 · |W|². */
  l2: number;
  /** Adam steps. */
  iterations: number;
  learningRate: number;
  /** Rows per step at most (default 2,000): larger tables are fitted by mini-batches. */
  batchSize?: number;
  /** Seeds the mini-batch order. */
  seed?: number;
}

export function fitLogit(
  y: Uint16Array,
  classes: number,
  features: LogitFeature[],
  rows: Int32Array,
  options: LogitOptions,
): LogitModel {
  const K = classes;
  const offsets = new Int32Array(features.length + 1);
  features.forEach((f, i) => {
    offsets[i + 1] = offsets[i]! + f.levels;
  });
  const D = offsets[features.length]!;
  const W = new Float64Array(D * K);
  const b = new Float64Array(K);
  const n = rows.length;
  // Start from the marginal.
  const counts = new Float64Array(K);
  for (const r of rows) counts[y[r]!]! += 1;
  for (let k = 0; k < K; k++) b[k] = Math.log((counts[k]! + 0.5) / (n + 0.5 * K));
  const gW = new Float64Array(D * K);
  const gb = new Float64Array(K);
  const mW = new Float64Array(D * K);
  const vW = new Float64Array(D * K);
  const mb = new Float64Array(K);
  const vb = new Float64Array(K);
  const logits = new Float64Array(K);
  const beta1 = 0.9;
  const beta2 = 0.999;
  const lambda = options.l2 / n;
  const batch = Math.min(n, options.batchSize ?? 2000);
  // Mini-batches walk a shuffled copy of the rows (xorshift, seeded), wrapping around.
  const order = Int32Array.from(rows);
  let state = (options.seed ?? 1) >>> 0 || 1;
  const rand = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  if (batch < n) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
  }
  // Each row's active weight offsets, computed once. When the whole table is one batch, rows with the same
  // codes (earlier columns and target) are merged into one weighted row: the early columns have few.
  const F = features.length;
  let units: Int32Array; // rows (or merged rows) in visiting order
  let weightOf: Float64Array | null = null;
  let act: Int32Array;
  let targets: Uint16Array;
  if (batch === n) {
    const index = new Map<string, number>();
    const rowsOf: number[] = [];
    const weights: number[] = [];
    for (let q = 0; q < n; q++) {
      const r = order[q]!;
      let key = String(y[r]);
      for (let f = 0; f < F; f++) key += `,${features[f]!.codes[r]}`;
      const at = index.get(key);
      if (at === undefined) {
        index.set(key, rowsOf.length);
        rowsOf.push(r);
        weights.push(1);
      } else weights[at]! += 1;
    }
    units = Int32Array.from(rowsOf);
    weightOf = Float64Array.from(weights);
  } else units = order;
  const m = units.length;
  act = new Int32Array(m * F);
  targets = new Uint16Array(m);
  for (let q = 0; q < m; q++) {
    const r = units[q]!;
    targets[q] = y[r]!;
    for (let f = 0; f < F; f++) act[q * F + f] = (offsets[f]! + features[f]!.codes[r]!) * K;
  }
  const g = new Float64Array(K);
  let cursor = 0;
  let previousLoss = Number.POSITIVE_INFINITY;
  for (let it = 1; it <= options.iterations; it++) {
    gW.fill(0);
    gb.fill(0);
    let loss = 0;
    const steps = weightOf ? m : batch;
    for (let s = 0; s < steps; s++) {
      const q = weightOf ? s : cursor;
      if (!weightOf) cursor = cursor + 1 === m ? 0 : cursor + 1;
      const w = weightOf ? weightOf[q]! : 1;
      const base = q * F;
      logits.set(b);
      for (let f = 0; f < F; f++) {
        const o = act[base + f]!;
        for (let k = 0; k < K; k++) logits[k]! += W[o + k]!;
      }
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) if (logits[k]! > max) max = logits[k]!;
      let sum = 0;
      for (let k = 0; k < K; k++) {
        logits[k] = Math.exp(logits[k]! - max);
        sum += logits[k]!;
      }
      const target = targets[q]!;
      loss -= w * Math.log(logits[target]! / sum + 1e-300);
      for (let k = 0; k < K; k++) {
        g[k] = w * (logits[k]! / sum - (k === target ? 1 : 0));
        gb[k]! += g[k]!;
      }
      for (let f = 0; f < F; f++) {
        const o = act[base + f]!;
        for (let k = 0; k < K; k++) gW[o + k]! += g[k]!;
      }
    }
    // Full batch: stop once the (penalised) loss no longer moves.
    if (weightOf) {
      let penalty = 0;
      for (let i = 0; i < W.length; i++) penalty += W[i]! * W[i]!;
      const total = loss / n + (lambda / 2) * penalty;
      if (it > 20 && Math.abs(previousLoss - total) < 1e-6 * Math.max(1, total)) break;
      previousLoss = total;
    }
    // Cosine decay of the step size, so the last steps settle rather than wander between batches.
    const lr =
      batch < n
        ? options.learningRate * (0.55 + 0.45 * Math.cos((Math.PI * it) / options.iterations))
        : options.learningRate;
    const c1 = 1 - beta1 ** it;
    const c2 = 1 - beta2 ** it;
    for (let i = 0; i < W.length; i++) {
      const g = gW[i]! / batch + lambda * W[i]!;
      mW[i] = beta1 * mW[i]! + (1 - beta1) * g;
      vW[i] = beta2 * vW[i]! + (1 - beta2) * g * g;
      W[i]! -= (lr * (mW[i]! / c1)) / (Math.sqrt(vW[i]! / c2) + 1e-8);
    }
    for (let k = 0; k < K; k++) {
      const g = gb[k]! / batch;
      mb[k] = beta1 * mb[k]! + (1 - beta1) * g;
      vb[k] = beta2 * vb[k]! + (1 - beta2) * g * g;
      b[k]! -= (lr * (mb[k]! / c1)) / (Math.sqrt(vb[k]! / c2) + 1e-8);
    }
  }
  return { classes: K, offsets, weights: W, bias: b };
}

/** Class probabilities given the codes of the earlier columns. */
export function logitProbs(
  model: LogitModel,
  codeOf: (feature: number) => number,
  out: Float64Array,
): Float64Array {
  const K = model.classes;
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < K; k++) {
    let z = model.bias[k]!;
    for (let f = 0; f < model.offsets.length - 1; f++)
      z += model.weights[(model.offsets[f]! + codeOf(f)) * K + k]!;
    out[k] = z;
    if (z > max) max = z;
  }
  let sum = 0;
  for (let k = 0; k < K; k++) {
    out[k] = Math.exp(out[k]! - max);
    sum += out[k]!;
  }
  for (let k = 0; k < K; k++) out[k] = out[k]! / sum;
  return out;
}
