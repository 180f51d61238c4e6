/**
 * A classification tree (CART with the Gini criterion) over small integer codes, as the sequential
 * synthesiser needs: every column is coded (categories, or quantile bins of numbers, 0 for missing), each
 * column's tree predicts its code from the codes of the columns before it, and a synthetic value is drawn
 * from the class distribution of the leaf a synthetic row falls into, then decoded through a donor row of
 * that leaf. Histogram splits keep a fit at O(rows · features · depth).
 */
export interface TreeFeature {
  codes: Uint16Array;
  levels: number;
  /** Ordered levels (number bins) split by threshold; nominal levels (categories) by a subset. */
  ordinal: boolean;
}

export interface TreeOptions {
  /** Fewest training rows in a leaf. */
  minLeaf: number;
  maxDepth: number;
  /** Smallest Gini decrease (times the node's row count) worth a split. */
  minGain: number;
  /**
   * Rows' worth of the parent's distribution mixed into each node's (hierarchical shrinkage): a leaf's
   * distribution is (counts + α · parent's) / (rows + α), applied from the root down.
   */
  shrinkage: number;
}

export interface ClassTree {
  classes: number;
  /** Per node: the feature split on, or -1 for a leaf. */
  feature: Int32Array;
  threshold: Int32Array;
  /** For nominal splits: levels that go left (1) or right (0). */
  leftSet: (Uint8Array | null)[];
  left: Int32Array;
  right: Int32Array;
  /** Per node: its leaf number, or -1. */
  leafOf: Int32Array;
  /** Per leaf: class counts (classes values each). */
  leafCounts: Float64Array;
  /** Per leaf: class probabilities after shrinkage towards the ancestors' (classes values each). */
  leafProbs: Float64Array;
  /** Training rows, grouped by leaf and by class within a leaf. */
  rows: Int32Array;
  /** Per leaf and class: where its rows start in `rows` (classes + 1 entries per leaf). */
  classStart: Int32Array;
}

interface PendingNode {
  id: number;
  start: number;
  end: number;
  depth: number;
  /** The parent's smoothed class distribution (null at the root). */
  prior: Float64Array | null;
}

export function fitTree(
  y: Uint16Array,
  classes: number,
  features: TreeFeature[],
  rowIndex: Int32Array,
  options: TreeOptions,
): ClassTree {
  const idx = Int32Array.from(rowIndex);
  const K = classes;
  const F = features.length;
  const feature: number[] = [];
  const threshold: number[] = [];
  const leftSet: (Uint8Array | null)[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const leafOf: number[] = [];
  const leaves: { start: number; end: number; probs: Float64Array }[] = [];
  const histograms = features.map((f) => new Float64Array(f.levels * K));
  const total = new Float64Array(K);
  const cl = new Float64Array(K);
  const levelOrder: number[] = [];

  const newNode = () => {
    feature.push(-1);
    threshold.push(0);
    leftSet.push(null);
    left.push(-1);
    right.push(-1);
    leafOf.push(-1);
    return feature.length - 1;
  };
  const makeLeaf = (node: PendingNode, probs: Float64Array) => {
    leafOf[node.id] = leaves.length;
    leaves.push({ start: node.start, end: node.end, probs });
  };

  const stack: PendingNode[] = [{ id: newNode(), start: 0, end: idx.length, depth: 0, prior: null }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const n = node.end - node.start;
    total.fill(0);
    for (let i = node.start; i < node.end; i++) total[y[idx[i]!]!]! += 1;
    const probs = new Float64Array(K);
    const alpha = node.prior ? options.shrinkage : 0;
    for (let k = 0; k < K; k++)
      probs[k] = (total[k]! + (node.prior ? alpha * node.prior[k]! : 0)) / (n + alpha || 1);
    let sumSq = 0;
    let majority = 0;
    for (let k = 0; k < K; k++) {
      sumSq += total[k]! * total[k]!;
      if (total[k]! > total[majority]!) majority = k;
    }
    if (n < 2 * options.minLeaf || node.depth >= options.maxDepth || total[majority] === n || F === 0) {
      makeLeaf(node, probs);
      continue;
    }
    for (let f = 0; f < F; f++) histograms[f]!.fill(0);
    for (let i = node.start; i < node.end; i++) {
      const r = idx[i]!;
      const k = y[r]!;
      for (let f = 0; f < F; f++) histograms[f]![features[f]!.codes[r]! * K + k]! += 1;
    }
    const base = sumSq / n;
    let bestGain = options.minGain;
    let bestFeature = -1;
    let bestThreshold = 0;
    let bestSet: Uint8Array | null = null;
    for (let f = 0; f < F; f++) {
      const h = histograms[f]!;
      const L = features[f]!.levels;
      levelOrder.length = 0;
      const levelN = new Float64Array(L);
      for (let l = 0; l < L; l++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += h[l * K + k]!;
        levelN[l] = s;
        if (s > 0) levelOrder.push(l);
      }
      if (levelOrder.length < 2) continue;
      if (!features[f]!.ordinal) {
        // Nominal levels in order of their share of the node's majority class (optimal for two classes).
        levelOrder.sort((a, b) => h[a * K + majority]! / levelN[a]! - h[b * K + majority]! / levelN[b]!);
      }
      cl.fill(0);
      let nl = 0;
      let sqL = 0;
      let sqR = sumSq;
      for (let p = 0; p < levelOrder.length - 1; p++) {
        const l = levelOrder[p]!;
        for (let k = 0; k < K; k++) {
          const c = h[l * K + k]!;
          if (c === 0) continue;
          const a = cl[k]!;
          const b = total[k]! - a;
          sqL += (a + c) * (a + c) - a * a;
          sqR += (b - c) * (b - c) - b * b;
          cl[k] = a + c;
        }
        nl += levelN[l]!;
        const nr = n - nl;
        if (nl < options.minLeaf) continue;
        if (nr < options.minLeaf) break;
        const gain = sqL / nl + sqR / nr - base;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = f;
          if (features[f]!.ordinal) {
            bestThreshold = l;
            bestSet = null;
          } else {
            bestSet = new Uint8Array(L);
            for (let q = 0; q <= p; q++) bestSet[levelOrder[q]!] = 1;
          }
        }
      }
    }
    if (bestFeature < 0) {
      makeLeaf(node, probs);
      continue;
    }
    // Partition the node's rows in place: left ones first.
    const codes = features[bestFeature]!.codes;
    const goesLeft = bestSet
      ? (r: number) => bestSet![codes[r]!] === 1
      : (r: number) => codes[r]! <= bestThreshold;
    let i = node.start;
    let j = node.end - 1;
    while (i <= j) {
      if (goesLeft(idx[i]!)) i++;
      else {
        const t = idx[i]!;
        idx[i] = idx[j]!;
        idx[j] = t;
        j--;
      }
    }
    feature[node.id] = bestFeature;
    threshold[node.id] = bestThreshold;
    leftSet[node.id] = bestSet;
    const l = newNode();
    const r = newNode();
    left[node.id] = l;
    right[node.id] = r;
    stack.push({ id: r, start: i, end: node.end, depth: node.depth + 1, prior: probs });
    stack.push({ id: l, start: node.start, end: i, depth: node.depth + 1, prior: probs });
  }

  // Group each leaf's rows by class (counting sort), so a donor of a given class is found in O(1).
  const leafCounts = new Float64Array(leaves.length * K);
  const leafProbs = new Float64Array(leaves.length * K);
  const classStart = new Int32Array(leaves.length * (K + 1));
  const rows = new Int32Array(idx.length);
  leaves.forEach((leaf, li) => {
    leafProbs.set(leaf.probs, li * K);
    const counts = leafCounts.subarray(li * K, li * K + K);
    for (let i = leaf.start; i < leaf.end; i++) counts[y[idx[i]!]!]! += 1;
    const starts = classStart.subarray(li * (K + 1), li * (K + 1) + K + 1);
    starts[0] = leaf.start;
    for (let k = 0; k < K; k++) starts[k + 1] = starts[k]! + counts[k]!;
    const fill = Int32Array.from(starts.subarray(0, K));
    for (let i = leaf.start; i < leaf.end; i++) {
      const r = idx[i]!;
      rows[fill[y[r]!]!++] = r;
    }
  });

  return {
    classes: K,
    feature: Int32Array.from(feature),
    threshold: Int32Array.from(threshold),
    leftSet,
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    leafOf: Int32Array.from(leafOf),
    leafCounts,
    leafProbs,
    rows,
    classStart,
  };
}

/** The leaf a row falls into, given its feature codes. */
export function leafFor(tree: ClassTree, codeOf: (feature: number) => number): number {
  let node = 0;
  while (tree.feature[node]! >= 0) {
    const f = tree.feature[node]!;
    const c = codeOf(f);
    const set = tree.leftSet[node];
    const goLeft = set ? set[c] === 1 : c <= tree.threshold[node]!;
    node = goLeft ? tree.left[node]! : tree.right[node]!;
  }
  return tree.leafOf[node]!;
}
