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
/** `a` split into 16-bit halves, and `b`, as typed arrays for the hot loop. */
const A_HI = Float64Array.from(PARAMS, ([a]) => Math.floor(a / 65536));
const A_LO = Float64Array.from(PARAMS, ([a]) => a % 65536);
const B = Float64Array.from(PARAMS, ([, b]) => b);

const TWO_31 = 2147483648;

/** y mod (2^31 - 1) for an integer 0 <= y < 2^53, exactly: 2^31 = 1 (mod p), so fold the high part in. */
function modMersenne(y: number): number {
  const high = Math.floor(y / TWO_31);
  const r = y - high * TWO_31 + high;
  return r >= MERSENNE ? r - MERSENNE : r;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a of `text` continuing from state `h` (pass FNV_OFFSET to start). */
function fnvUpdate(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h;
}

function fnv1a(text: string): number {
  return (fnvUpdate(FNV_OFFSET, text) >>> 0) & MERSENNE;
}

/**
 * (a*x + b) mod (2^31 - 1) without losing precision: a is split into 16-bit halves so that every product
 * stays below 2^53.
 */
function mulMod(slot: number, x: number): number {
  const high = modMersenne(A_HI[slot]! * x);
  return modMersenne(high * 65536 + A_LO[slot]! * x + B[slot]!);
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
  const fold = (x: number) => {
    for (let i = 0; i < SLOTS; i++) {
      const h = mulMod(i, x);
      if (h < signature[i]!) signature[i] = h;
    }
  };
  // The hashes of `shingles(text)`, computed without building the shingle strings; a repeated shingle
  // cannot change a minimum, so there is no need to deduplicate them.
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length >= 3) {
    for (let i = 0; i + 3 <= words.length; i++) {
      let h = fnvUpdate(FNV_OFFSET, words[i]!);
      h = Math.imul(h ^ 0x20, FNV_PRIME);
      h = fnvUpdate(h, words[i + 1]!);
      h = Math.imul(h ^ 0x20, FNV_PRIME);
      h = fnvUpdate(h, words[i + 2]!);
      fold((h >>> 0) & MERSENNE);
    }
    return signature;
  }
  for (const shingle of shingles(text)) fold(fnv1a(shingle));
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

/** Signatures per storage chunk: a big index grows a chunk at a time rather than by copying. */
const CHUNK = 1024;
/** Signatures the first chunk holds at first (it doubles up to `CHUNK`): a small index stays small. */
const FIRST_CHUNK = 16;

/**
 * Signatures bucketed by LSH bands: finding near duplicates of a text costs about O(1), not O(n).
 *
 * Compact, since a run indexes every accepted sample: keys get dense internal ids, signatures are stored
 * in flat chunks of typed arrays, and each band's buckets are an open-addressed table in typed arrays
 * (`BandTable`), with no object per bucket or per entry. About 1 KB per text, most of it the 512-byte
 * signature (a 20,000-text index takes about 20 MB; string bucket keys and arrays took about 110 MB).
 */
export class NearDuplicateIndex<K = string> {
  readonly #keys: K[] = [];
  readonly #ids = new Map<K, number>();
  readonly #chunks: Uint32Array[] = [];
  readonly #bands: BandTable[] = Array.from({ length: BANDS }, () => new BandTable());
  /** `#seen[id] === #query` marks an id already compared in the current query. */
  #seen = new Uint32Array(0);
  #query = 0;

  get size(): number {
    return this.#keys.length;
  }

  add(key: K, text: string): MinHashSignature {
    const signature = minhash(text);
    this.addSignature(key, signature);
    return signature;
  }

  /**
   * Adds a signature computed earlier (`minhash`), so a text checked and then kept is hashed once. A key
   * added again gets the new signature; the buckets of its earlier one keep leading to it.
   */
  addSignature(key: K, signature: MinHashSignature): void {
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.#keys.length;
      this.#keys.push(key);
      this.#ids.set(key, id);
    }
    const c = Math.floor(id / CHUNK);
    const offset = (id % CHUNK) * SLOTS;
    let chunk = this.#chunks[c];
    if (chunk === undefined) {
      chunk = new Uint32Array((c === 0 ? FIRST_CHUNK : CHUNK) * SLOTS);
      this.#chunks.push(chunk);
    } else if (chunk.length <= offset) {
      const grown = new Uint32Array(Math.min(CHUNK * SLOTS, chunk.length * 2));
      grown.set(chunk);
      chunk = grown;
      this.#chunks[c] = chunk;
    }
    chunk.set(signature, offset);
    for (let b = 0; b < BANDS; b++) this.#bands[b]!.add(bandHash(signature, b), id);
  }

  /** The most similar indexed text at or above `threshold`, if any. */
  nearest(text: string, threshold: number): NearDuplicate<K> | undefined {
    return this.nearestSignature(minhash(text), threshold);
  }

  /**
   * `nearest` for a signature computed earlier. Candidates are the ids sharing a bucket with the signature,
   * band by band and in the order they were added to each bucket; the first one with the highest
   * similarity wins.
   */
  nearestSignature(signature: MinHashSignature, threshold: number): NearDuplicate<K> | undefined {
    if (this.#seen.length < this.#keys.length) {
      const grown = new Uint32Array(Math.max(64, this.#keys.length * 2));
      grown.set(this.#seen);
      this.#seen = grown;
    }
    if (++this.#query === 0xffffffff) {
      this.#seen.fill(0);
      this.#query = 1;
    }
    const query = this.#query;
    const seen = this.#seen;
    let bestId = -1;
    let bestSimilarity = 0;
    for (let b = 0; b < BANDS; b++) {
      const band = this.#bands[b]!;
      const head = band.find(bandHash(signature, b));
      if (head === 0) continue;
      // A bucket of one id (head = id + 1), or a circular list whose last entry is -head - 1.
      const last = head > 0 ? -1 : -head - 1;
      let entry = head > 0 ? -1 : band.next[last]!;
      for (;;) {
        const id = head > 0 ? head - 1 : band.ids[entry]!;
        if (seen[id] !== query) {
          seen[id] = query;
          const s = this.#similarityTo(signature, id);
          if (s >= threshold && (bestId < 0 || s > bestSimilarity)) {
            bestId = id;
            bestSimilarity = s;
          }
        }
        if (entry === last) break;
        entry = band.next[entry]!;
      }
    }
    return bestId < 0 ? undefined : { key: this.#keys[bestId]!, similarity: bestSimilarity };
  }

  #similarityTo(signature: MinHashSignature, id: number): number {
    const chunk = this.#chunks[Math.floor(id / CHUNK)]!;
    const offset = (id % CHUNK) * SLOTS;
    let same = 0;
    for (let i = 0; i < SLOTS; i++) if (signature[i] === chunk[offset + i]) same++;
    return same / SLOTS;
  }
}

/**
 * One band's buckets, keyed by the full 32-bit band hash: an open-addressed table (triangular probing over
 * a power-of-two size, at most 3/4 full) of `hashes` and `heads`. A head is 0 for an empty slot, id + 1 for
 * a bucket of one id, or -e - 1 for a bucket of several, `e` being the last entry of a circular list in
 * `ids`/`next` (the last entry's `next` is the first, so appending and reading in order are both O(1) per id).
 * 8 bytes per slot plus 8 per id of a bucket of two or more, against ~40 bytes per Map entry before.
 */
class BandTable {
  hashes = new Uint32Array(16);
  heads = new Int32Array(16);
  count = 0;
  ids = EMPTY;
  next = EMPTY;
  entries = 0;

  /** The head of the bucket for `hash`, or 0. */
  find(hash: number): number {
    const mask = this.heads.length - 1;
    let slot = slotOf(hash, mask);
    for (let step = 1; ; step++) {
      const head = this.heads[slot]!;
      if (head === 0 || this.hashes[slot] === hash) return head;
      slot = (slot + step) & mask;
    }
  }

  /** Appends `id` to the bucket for `hash`, unless it is already the bucket's last id. */
  add(hash: number, id: number): void {
    const mask = this.heads.length - 1;
    let slot = slotOf(hash, mask);
    for (let step = 1; ; step++) {
      const head = this.heads[slot]!;
      if (head === 0) {
        this.hashes[slot] = hash;
        this.heads[slot] = id + 1;
        if (++this.count * 4 > this.heads.length * 3) this.#grow();
        return;
      }
      if (this.hashes[slot] === hash) {
        if (head > 0) {
          if (head - 1 === id) return;
          const first = this.#entry(head - 1);
          const second = this.#entry(id);
          this.next[first] = second;
          this.next[second] = first;
          this.heads[slot] = -second - 1;
        } else {
          const last = -head - 1;
          if (this.ids[last] === id) return;
          const entry = this.#entry(id);
          this.next[entry] = this.next[last]!;
          this.next[last] = entry;
          this.heads[slot] = -entry - 1;
        }
        return;
      }
      slot = (slot + step) & mask;
    }
  }

  #entry(id: number): number {
    if (this.entries === this.ids.length) {
      const size = Math.max(16, this.ids.length * 2);
      const ids = new Int32Array(size);
      ids.set(this.ids);
      const next = new Int32Array(size);
      next.set(this.next);
      this.ids = ids;
      this.next = next;
    }
    this.ids[this.entries] = id;
    return this.entries++;
  }

  #grow(): void {
    const { hashes, heads } = this;
    this.hashes = new Uint32Array(hashes.length * 2);
    this.heads = new Int32Array(heads.length * 2);
    const mask = this.heads.length - 1;
    for (let i = 0; i < heads.length; i++) {
      if (heads[i] === 0) continue;
      const hash = hashes[i]!;
      let slot = slotOf(hash, mask);
      for (let step = 1; this.heads[slot] !== 0; step++) slot = (slot + step) & mask;
      this.hashes[slot] = hash;
      this.heads[slot] = heads[i]!;
    }
  }
}

const EMPTY = new Int32Array(0);

/** A table slot for a band hash, mixed so that the low bits of the slot depend on every bit of the hash. */
function slotOf(hash: number, mask: number): number {
  const x = Math.imul(hash ^ (hash >>> 16), 0x9e3779b1);
  return (x ^ (x >>> 15)) & mask;
}

/** FNV-1a over the band's rows, seeded by the band number: equal bands of two signatures hash alike. */
function bandHash(signature: MinHashSignature, b: number): number {
  let h = 0x811c9dc5 ^ b;
  for (let r = 0; r < ROWS; r++) {
    h ^= signature[b * ROWS + r]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
