/**
 * MinHash signatures and an LSH index for near-duplicate detection: two texts whose word 3-gram sets have
 * Jaccard similarity J share each signature slot with probability J, and land in a shared LSH band with
 * high probability when J is above the threshold the bands are tuned for (~0.4 with 32 bands of 4 rows).
 */
const SLOTS = 128;
const BANDS = 32;
const ROWS = SLOTS / BANDS;
const MERSENNE = 0x7fffffff; // 2^31 - 1

// Fixed per-slot hash parameters (a*x + b mod p), derived from a seeded LCG so signatures are stable.
const PARAMS: [number, number][] = (() => {
  let state = 0x9e3779b1;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state & MERSENNE;
  };
  return Array.from({ length: SLOTS }, () => [(next() % (MERSENNE - 1)) + 1, next() % MERSENNE]);
})();

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & MERSENNE;
}

/** (a*x + b) mod (2^31 - 1) without losing precision: split a into 16-bit halves. */
function mulMod(a: number, x: number, b: number): number {
  const hi = Math.floor(a / 65536);
  const lo = a % 65536;
  const r = ((((hi * x) % MERSENNE) * 65536) % MERSENNE) + ((lo * x) % MERSENNE) + b;
  return r % MERSENNE;
}

/** Lower-case word n-grams (words of letters and digits); short texts fall back to character 5-grams. */
export function shingles(text: string, n = 3): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const out = new Set<string>();
  if (words.length >= n) {
    for (let i = 0; i + n <= words.length; i++) out.add(words.slice(i, i + n).join(' '));
    return out;
  }
  const flat = words.join(' ');
  if (flat.length <= 5) {
    if (flat) out.add(flat);
    return out;
  }
  for (let i = 0; i + 5 <= flat.length; i++) out.add(flat.slice(i, i + 5));
  return out;
}

export type MinHashSignature = Uint32Array;

export function minhash(text: string): MinHashSignature {
  const signature = new Uint32Array(SLOTS).fill(MERSENNE);
  for (const shingle of shingles(text)) {
    const x = fnv1a(shingle);
    for (let i = 0; i < SLOTS; i++) {
      const [a, b] = PARAMS[i]!;
      const h = mulMod(a, x, b);
      if (h < signature[i]!) signature[i] = h;
    }
  }
  return signature;
}

/** Estimated Jaccard similarity of the texts behind two signatures. */
export function similarity(a: MinHashSignature, b: MinHashSignature): number {
  let same = 0;
  for (let i = 0; i < SLOTS; i++) if (a[i] === b[i]) same++;
  return same / SLOTS;
}

/** Exact Jaccard similarity of two texts' shingle sets (for tests and small sets). */
export function jaccard(a: string, b: string): number {
  const x = shingles(a);
  const y = shingles(b);
  if (x.size === 0 && y.size === 0) return 1;
  let inter = 0;
  for (const s of x) if (y.has(s)) inter++;
  return inter / (x.size + y.size - inter);
}

export interface NearDuplicate<K> {
  key: K;
  similarity: number;
}

/** Signatures bucketed by LSH bands: finding near duplicates of a text costs about O(1), not O(n). */
export class NearDuplicateIndex<K = string> {
  private readonly buckets = new Map<string, K[]>();
  private readonly signatures = new Map<K, MinHashSignature>();

  get size(): number {
    return this.signatures.size;
  }

  add(key: K, text: string): MinHashSignature {
    const signature = minhash(text);
    this.signatures.set(key, signature);
    for (const band of bandKeys(signature)) {
      const list = this.buckets.get(band);
      if (list) list.push(key);
      else this.buckets.set(band, [key]);
    }
    return signature;
  }

  /** The most similar indexed text at or above `threshold`, if any. */
  nearest(text: string, threshold: number): NearDuplicate<K> | undefined {
    const signature = minhash(text);
    let best: NearDuplicate<K> | undefined;
    const seen = new Set<K>();
    for (const band of bandKeys(signature)) {
      for (const key of this.buckets.get(band) ?? []) {
        if (seen.has(key)) continue;
        seen.add(key);
        const s = similarity(signature, this.signatures.get(key)!);
        if (s >= threshold && (!best || s > best.similarity)) best = { key, similarity: s };
      }
    }
    return best;
  }
}

function bandKeys(signature: MinHashSignature): string[] {
  const keys: string[] = [];
  for (let b = 0; b < BANDS; b++) {
    let h = 0x811c9dc5 ^ b;
    for (let r = 0; r < ROWS; r++) {
      h ^= signature[b * ROWS + r]!;
      h = Math.imul(h, 0x01000193);
    }
    keys.push(`${b}:${h >>> 0}`);
  }
  return keys;
}
