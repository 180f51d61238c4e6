import type { TableRecord } from '../../datasets/records.js';
import type { DatasetType } from '../../datasets/types.js';
import type { LlmGateway, LlmRequest } from '../../llm/types.js';
import type { Assignment } from '../../sampling/quota.js';
import type { SpecContent } from '../../spec/types.js';
import type { SeedCorpus } from '../spec-analysis/corpus.js';

/** One finished sample of a run, as the evaluation reads it. */
export interface EvaluationSample {
  /** Position in the run plan (0-based); the identifier is `sample_<index + 1>`. */
  index: number;
  /** The property values the plan assigned to it. */
  assignment: Assignment;
  /** SINGLE_FILE: the record. */
  record?: TableRecord;
  /** MULTI_FILE: one file; MULTI_FOLDER: the files of the sample's folder. */
  files?: { name: string; content: string }[];
}

export interface EvaluationInput {
  /** A catalog id, or `openframer/statistical` for the offline path. */
  model: string;
  spec: SpecContent;
  datasetType: DatasetType;
  samples: EvaluationSample[];
  /** The seed examples, for the quality block (null for a seedless spec). */
  seeds: SeedCorpus | null;
  /** Table columns in order (the seed's), when the samples are records. */
  columns?: string[];
  thinkingBudget?: number | null;
  credentials?: LlmRequest['credentials'];
  /** The model's context window when it is not in the built-in catalog. */
  contextWindow?: number;
  /** Tuning for tests and benchmarks. */
  limits?: {
    /** Samples per classification call (default 10). */
    batchSize?: number;
    /** Characters of sample text per call (default: 35% of the context window, at most 240,000). */
    batchChars?: number;
    /** Classification calls in flight (default 16; the gateway's limiter also holds calls back). */
    concurrency?: number;
  };
}

export interface EvaluationPorts {
  llm: LlmGateway;
  progress?: (p: { stage: 'classifying' | 'summarising' | 'quality'; done: number; total: number }) => void;
}

/** What one sample was classified as. */
export interface SampleClassification {
  index: number;
  /** `sample_<index + 1>`, as DataFramer names samples. */
  sample_identifier: string;
  /** property -> value; a property the classifier could not decide is absent. */
  classifications: Record<string, string>;
  /** MULTI_FOLDER only: property -> value -> files of the sample showing that value. */
  sub_file_classifications: Record<string, Record<string, string[]>> | null;
  /** The values the plan assigned (echoed so disagreements are visible). */
  assignment: Assignment;
}

/** Per property: what the spec asked, what the plan assigned, what the classifier saw. */
export interface PropertyAnalysis {
  property_name: string;
  /** Finished samples of the run. */
  total_samples: number;
  /** Samples the classifier gave a value for this property. */
  total_samples_analyzed: number;
  /** Percent per value, from the spec's base distribution (uniform when absent). */
  requested_distributions: Record<string, number>;
  /** Percent per value among the analysed samples' assignments (what the run's plan asked of them). */
  expected_distributions: Record<string, number>;
  /** Percent per value as classified (values outside the spec are listed too). */
  evaluated_distributions: Record<string, number>;
  /** Share (0-1) of analysed samples whose classification equals their assignment; null without assignments. */
  assignment_agreement: number | null;
  /** Total variation distance (0-1) between requested and evaluated. */
  tvd_requested_evaluated: number | null;
  /** Total variation distance (0-1) between expected and evaluated. */
  tvd_expected_evaluated: number | null;
  /** χ² goodness-of-fit p-value of the evaluated counts under the requested distribution. */
  chi_square_p_value: number | null;
  /** This property's part of the score, 0-100 (see `conformanceScore`); null when nothing was analysed. */
  property_score: number | null;
}

export interface TableQuality {
  kind: 'table';
  rows: { synthetic: number; seed: number };
  /** mostlyai-qa accuracy against the seed table (1 - TVD of binned distributions), 0-1. */
  fidelity: { univariate: number; bivariate: number; overall: number; expected_max: number | null } | null;
  privacy: {
    /** Synthetic rows that equal a seed row in every column. */
    identical_row_share: number;
    /** Synthetic rows at distance 0 from a seed row (after encoding). */
    identical_match_share: number;
    /** Mean distance (0-1) of a synthetic row to its closest seed row. */
    dcr_to_seeds: number;
    /** Mean distance of a seed row of one half of the seeds to its closest row of the other half. */
    dcr_seed_to_seed: number | null;
    /**
     * Share of synthetic rows closer to seed half A than to half B (ties count half); ~0.5 is expected.
     * Both halves were available to the generator, so this flags a skew, not memorisation as such.
     */
    dcr_share: number | null;
  } | null;
  columns: { column: string; accuracy: number }[];
}

export interface LengthSummary {
  mean: number;
  p10: number;
  median: number;
  p90: number;
}

export interface TextQuality {
  kind: 'text';
  texts: number;
  diversity: {
    distinct_1: number | null;
    distinct_2: number | null;
    compression_ratio: number | null;
    near_duplicate_rate: number;
    exact_duplicate_rate: number;
  };
  /** Null for a seedless spec. */
  seed_copy: { near_duplicate_of_seed_rate: number; exact_seed_copy_rate: number } | null;
  /** Lengths in words. */
  length: {
    samples: LengthSummary | null;
    seeds: LengthSummary | null;
    /** 1 - Kolmogorov-Smirnov D between sample and seed lengths (1 = same distribution). */
    ks_complement: number | null;
  };
}

export type QualityBlock = TableQuality | TextQuality;

export interface EvaluationResult {
  /** 0-100, one decimal; null when no property could be analysed. */
  conformance_score: number | null;
  conformance_explanation: string;
  conformant_areas: string;
  non_conformant_areas: string;
  distribution_analysis: PropertyAnalysis[];
  sample_classifications: SampleClassification[];
  quality: QualityBlock | null;
  trace: {
    /** `model`: a language model classified the samples; `column_values`: table cells read offline; `none`. */
    classifier: 'model' | 'column_values' | 'none';
    model: string;
    batches: number;
    /** Samples the classifier returned nothing for (after splitting failed batches). */
    unclassified_samples: number;
    /** Whether the explanation was written by the model (else from a template over the same numbers). */
    summary_by_model: boolean;
    score_formula: string;
    notes: string[];
  };
  calls: number;
  costUsd: number;
}
