import type { TableRecord } from '../../datasets/records.js';
import { accuracy } from '../../metrics/accuracy.js';
import { quantileSorted, subsample } from '../../metrics/columns.js';
import { distances, identicalRowShare } from '../../metrics/distances.js';
import { diversity } from '../../metrics/diversity.js';
import { ksComplement } from '../../metrics/sdmetrics.js';
import type { SeedCorpus } from '../spec-analysis/corpus.js';
import type { EvaluationSample, LengthSummary, QualityBlock, TableQuality, TextQuality } from './types.js';

/** Rows per side for the O(n²) distance metrics; texts for MinHash near-duplicate checks. */
export const QUALITY_MAX_ROWS = 2_000;
export const QUALITY_MAX_TEXTS = 2_000;
/** Fewer seed rows than this and the seeds are not split in halves for the DCR share. */
const MIN_ROWS_FOR_SPLIT = 20;

const finite = (x: number | undefined | null, digits = 4): number | null => {
  if (x === undefined || x === null || !Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/**
 * Quality beyond conformance, computed offline from the metrics library: for tables fidelity to the seed
 * table and distance-based privacy figures; for documents diversity, copies of seeds and lengths.
 */
export function qualityOf(
  samples: readonly EvaluationSample[],
  seeds: SeedCorpus | null,
  columns?: string[],
): QualityBlock {
  const records = samples.filter((s) => s.record).map((s) => s.record!);
  if (records.length > 0 && records.length === samples.length) return tableQuality(records, seeds, columns);
  return textQuality(samples, seeds);
}

export function tableQuality(
  synthetic: TableRecord[],
  seeds: SeedCorpus | null,
  givenColumns?: string[],
): TableQuality {
  const seedRows = seeds?.table?.records ?? [];
  const columns = givenColumns?.length ? givenColumns : seeds?.table?.columns;
  const base: TableQuality = {
    kind: 'table',
    rows: { synthetic: synthetic.length, seed: seedRows.length },
    fidelity: null,
    privacy: null,
    columns: [],
  };
  if (seedRows.length === 0 || synthetic.length === 0) return base;
  const options = columns?.length ? { columns } : {};
  const fit = accuracy(seedRows, synthetic, options);
  base.fidelity = {
    univariate: finite(fit.univariate) ?? 0,
    bivariate: finite(fit.bivariate) ?? 0,
    overall: finite(fit.overall) ?? 0,
    expected_max: finite(fit.expectedMax.overall),
  };
  base.columns = fit.columns.map((c) => ({ column: c.column, accuracy: finite(c.accuracy) ?? 0 }));

  const all = distances(seedRows, synthetic, undefined, { ...options, maxRows: QUALITY_MAX_ROWS });
  let dcrShare: number | null = null;
  let seedToSeed: number | null = null;
  if (seedRows.length >= MIN_ROWS_FOR_SPLIT) {
    // Alternate rows into two halves (the seed sample is already in random order).
    const a = seedRows.filter((_, i) => i % 2 === 0);
    const b = seedRows.filter((_, i) => i % 2 === 1);
    const split = distances(a, synthetic, b, { ...options, maxRows: QUALITY_MAX_ROWS });
    dcrShare = finite(split.dcrShare);
    seedToSeed = finite(split.dcr.holdoutToTraining);
  }
  base.privacy = {
    identical_row_share: finite(identicalRowShare(seedRows, synthetic, columns)) ?? 0,
    identical_match_share: finite(all.identicalMatchShare) ?? 0,
    dcr_to_seeds: finite(all.dcr.training) ?? 0,
    dcr_seed_to_seed: seedToSeed,
    dcr_share: dcrShare,
  };
  return base;
}

const wordCount = (text: string) => (text.match(/[\p{L}\p{N}]+/gu) ?? []).length;

function lengthSummary(lengths: number[]): LengthSummary | null {
  if (lengths.length === 0) return null;
  const sorted = Float64Array.from(lengths).sort();
  return {
    mean: finite(lengths.reduce((s, x) => s + x, 0) / lengths.length, 1) ?? 0,
    p10: finite(quantileSorted(sorted, 0.1), 1) ?? 0,
    median: finite(quantileSorted(sorted, 0.5), 1) ?? 0,
    p90: finite(quantileSorted(sorted, 0.9), 1) ?? 0,
  };
}

/** A sample's or a seed folder's text: its file contents joined. */
const sampleText = (files: { content: string }[]) => files.map((f) => f.content).join('\n\n');

function seedTexts(seeds: SeedCorpus | null): string[] | null {
  if (!seeds?.documents?.length) return null;
  if (seeds.datasetType !== 'MULTI_FOLDER') return seeds.documents.map((d) => d.text);
  const folders = new Map<string, string[]>();
  for (const d of seeds.documents) {
    const key = d.folder ?? '';
    folders.set(key, [...(folders.get(key) ?? []), d.text]);
  }
  return [...folders.values()].map((texts) => texts.join('\n\n'));
}

export function textQuality(samples: readonly EvaluationSample[], seeds: SeedCorpus | null): TextQuality {
  const allTexts = samples.map((s) => (s.record ? JSON.stringify(s.record) : sampleText(s.files ?? [])));
  const texts = subsample(allTexts, QUALITY_MAX_TEXTS, 7);
  const seedList = seedTexts(seeds);
  const seedSample = seedList ? subsample(seedList, QUALITY_MAX_TEXTS, 11) : null;
  const report = diversity(texts, { n: [1, 2], ...(seedSample ? { seeds: seedSample } : {}) });
  const sampleLengths = allTexts.map(wordCount);
  const seedLengths = seedList?.map(wordCount) ?? null;
  return {
    kind: 'text',
    texts: texts.length,
    diversity: {
      distinct_1: finite(report.distinct.distinct_1),
      distinct_2: finite(report.distinct.distinct_2),
      compression_ratio: finite(report.compressionRatio, 3),
      near_duplicate_rate: finite(report.nearDuplicateRate) ?? 0,
      exact_duplicate_rate: finite(report.exactDuplicateRate) ?? 0,
    },
    seed_copy: seedSample
      ? {
          near_duplicate_of_seed_rate: finite(report.nearDuplicateOfSeedRate) ?? 0,
          exact_seed_copy_rate: finite(report.exactSeedCopyRate) ?? 0,
        }
      : null,
    length: {
      samples: lengthSummary(sampleLengths),
      seeds: seedLengths ? lengthSummary(seedLengths) : null,
      ks_complement: seedLengths ? finite(ksComplement(seedLengths, sampleLengths)) : null,
    },
  };
}
