import { gzipSync } from 'node:zlib';
import { NearDuplicateIndex } from './minhash.js';

/**
 * Diversity of a set of generated texts (Shaib et al. 2024 report these weakly correlated numbers):
 * - distinct-n: unique word n-grams / all word n-grams over the set (1 = no phrase repeats);
 * - compression ratio: bytes of the texts joined by newlines / bytes of their gzip (higher = more
 *   repetitive; typical English prose is about 2.5-3.5);
 * - near-duplicate rate within the set: share of texts whose MinHash similarity (word 3-gram Jaccard) to
 *   an earlier text of the set is at least `threshold`;
 * - near-duplicate rate against seeds: share of texts that nearly copy a seed (memorisation);
 * - exact duplicate rates, compared after lower-casing and collapsing spaces.
 */
export interface DiversityOptions {
  /** Seed texts to check memorisation against. */
  seeds?: string[];
  /** Estimated Jaccard similarity at or above which two texts are near duplicates (default 0.8). */
  threshold?: number;
  /** n-gram sizes for distinct-n (default [1, 2, 3]). */
  n?: number[];
}

export interface DiversityReport {
  texts: number;
  distinct: Record<string, number>;
  compressionRatio: number;
  nearDuplicateRate: number;
  exactDuplicateRate: number;
  nearDuplicateOfSeedRate?: number;
  exactSeedCopyRate?: number;
}

const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
const normalise = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();

/** Unique word n-grams over all n-grams of the texts (n-grams do not cross texts); NaN when none. */
export function distinctN(texts: string[], n: number): number {
  const seen = new Set<string>();
  let total = 0;
  for (const t of texts) {
    const w = words(t);
    for (let i = 0; i + n <= w.length; i++) {
      seen.add(w.slice(i, i + n).join(' '));
      total++;
    }
  }
  return total ? seen.size / total : Number.NaN;
}

/** Raw bytes over gzip bytes of the texts joined by newlines. */
export function compressionRatio(texts: string[]): number {
  const raw = Buffer.from(texts.join('\n'), 'utf8');
  if (raw.length === 0) return Number.NaN;
  return raw.length / gzipSync(raw, { level: 9 }).length;
}

/** Share of texts with a near duplicate earlier in the list. */
export function nearDuplicateRate(texts: string[], threshold = 0.8): number {
  if (texts.length === 0) return 0;
  const index = new NearDuplicateIndex<number>();
  let dups = 0;
  texts.forEach((t, i) => {
    if (index.nearest(t, threshold)) dups++;
    index.add(i, t);
  });
  return dups / texts.length;
}

/** Share of texts that nearly copy one of the seeds. */
export function nearDuplicateOfSeedRate(texts: string[], seeds: string[], threshold = 0.8): number {
  if (texts.length === 0) return 0;
  const index = new NearDuplicateIndex<number>();
  seeds.forEach((s, i) => {
    index.add(i, s);
  });
  return texts.filter((t) => index.nearest(t, threshold) !== undefined).length / texts.length;
}

export function diversity(texts: string[], options: DiversityOptions = {}): DiversityReport {
  const threshold = options.threshold ?? 0.8;
  const seenExact = new Set<string>();
  let exact = 0;
  for (const t of texts) {
    const k = normalise(t);
    if (seenExact.has(k)) exact++;
    seenExact.add(k);
  }
  const report: DiversityReport = {
    texts: texts.length,
    distinct: Object.fromEntries((options.n ?? [1, 2, 3]).map((n) => [`distinct_${n}`, distinctN(texts, n)])),
    compressionRatio: compressionRatio(texts),
    nearDuplicateRate: nearDuplicateRate(texts, threshold),
    exactDuplicateRate: texts.length ? exact / texts.length : 0,
  };
  if (options.seeds) {
    const seedSet = new Set(options.seeds.map(normalise));
    report.nearDuplicateOfSeedRate = nearDuplicateOfSeedRate(texts, options.seeds, threshold);
    report.exactSeedCopyRate = texts.length
      ? texts.filter((t) => seedSet.has(normalise(t))).length / texts.length
      : 0;
  }
  return report;
}
