import type { TableRecord } from '../../datasets/records.js';
import type { DatasetType, SeedFileFormat } from '../../datasets/types.js';
import type { LlmGateway, LlmUsage } from '../../llm/types.js';
import type { Assignment } from '../../sampling/quota.js';
import type { SpecContent } from '../../spec/types.js';

export const SEED_SHUFFLING_LEVELS = ['none', 'sample', 'field', 'prompt'] as const;
export type SeedShufflingLevel = (typeof SEED_SHUFFLING_LEVELS)[number];

export const SQL_VALIDATION_LEVELS = ['syntax', 'syntax+schema', 'syntax+schema+execute'] as const;
export type SqlValidationLevel = (typeof SQL_VALIDATION_LEVELS)[number];

/** What a run was asked to do: DataFramer's `Run.runtime_params`, echoed back as used. */
export interface RunParams {
  number_of_samples: number;
  generation_model: string;
  outline_model: string;
  revision_model: string | null;
  enable_revisions: boolean;
  max_revision_cycles: number | null;
  revision_types: string[];
  filtering_types: string[];
  seed_shuffling_level: SeedShufflingLevel;
  max_examples_in_prompt: number | null;
  unified_multifield: boolean;
  generation_thinking_budget: number | null;
  outline_thinking_budget: number | null;
  revision_thinking_budget: number | null;
  skip_outline: boolean;
  tools: string[] | null;
  sql_validation_level: SqlValidationLevel | null;
}

/** One seed example as prompts show it: a record of a table, or the files of a document or folder. */
export interface SeedExample {
  /** Stable id: record index, file path or folder name. */
  id: string;
  record?: TableRecord;
  files?: { name: string; content: string }[];
}

/** The shape every sample of the run must have, learned from the seeds. */
export type OutputShape =
  /** SINGLE_FILE: one record per sample with these columns, in this order. */
  | { kind: 'table'; format: Extract<SeedFileFormat, 'csv' | 'json' | 'jsonl'>; columns: string[] }
  /** MULTI_FILE and seedless: one file per sample. */
  | { kind: 'document'; format: SeedFileFormat; extension: string }
  /** MULTI_FOLDER: one folder per sample holding these file roles. */
  | { kind: 'folder'; roles: { name: string; format: SeedFileFormat }[] };

export interface GenerationContext {
  runId: string;
  /** Seeds every random choice of the run (seed selection, shuffles). */
  seed: string;
  spec: SpecContent;
  datasetType: DatasetType;
  seedless: boolean;
  shape: OutputShape;
  /** All seed examples available to prompts (the server caps how many it loads). */
  seeds: SeedExample[];
  params: RunParams;
  /** Databricks and other per-request credentials, passed through to the gateway. */
  credentials?: import('../../llm/types.js').LlmRequest['credentials'];
  /**
   * Tokens of seed examples a prompt may hold. Default: 40% of the smallest context window among the
   * run's models (`findModel`), 128k when a model is not in the built-in catalog (configured models).
   */
  seedTokenBudget?: number;
}

/** A finished sample: a record, or files (MULTI_FOLDER: names within the sample's folder). */
export interface SampleOutput {
  record?: TableRecord;
  files?: { name: string; content: string }[];
  /** Revision cycles applied. */
  revisions: number;
}

export interface SampleCost {
  usage: LlmUsage;
  costUsd: number;
  calls: number;
}

export type SampleOutcome =
  | ({ ok: true; output: SampleOutput } & SampleCost)
  /** `kind` filtered: a filter rejected it (reason names the filter); error: generation itself failed. */
  | ({ ok: false; kind: 'filtered' | 'error'; reason: string } & SampleCost);

export interface PlannedSample {
  index: number;
  assignment: Assignment;
}

/** Where finished samples go; `save` must persist before it resolves (resume relies on it). */
export interface SampleSink {
  save(index: number, outcome: SampleOutcome): Promise<void>;
}

/** The closest seed to a sample, when it is a copy or near copy. */
export interface SeedMatch {
  seedId: string;
  /** Estimated Jaccard similarity of word 3-grams; 1 for an exact copy. */
  similarity: number;
  /** Equal to the seed once whitespace is normalised. */
  exact: boolean;
}

/**
 * Copy detection for the `seed_duplicate` and `sample_duplicate` filters: the seeds of the run, and the
 * samples accepted so far (`accept` is called once a sample is saved OK, and for `accepted` on resume).
 */
export interface DuplicateFilter {
  seedDuplicate(text: string): SeedMatch | undefined;
  sampleDuplicate(text: string): { index: number; similarity: number } | undefined;
  accept(index: number, text: string): void;
}

/**
 * Runs SQL for `sql_validation_level: syntax+schema+execute`, e.g. against an in-memory database built
 * from the sample's DDL. Core has no database engine, so without one that level fails the sample.
 */
export interface SqlExecutor {
  execute(input: {
    schema: string | null;
    query: string;
    signal?: AbortSignal;
  }): Promise<{ ok: true } | { ok: false; error: string }>;
}

/** What `generateSample` needs: the gateway, the run's duplicate filter and optionally a SQL engine. */
export interface SamplePorts {
  llm: LlmGateway;
  duplicates: DuplicateFilter;
  sqlExecutor?: SqlExecutor;
}

export interface GenerationPorts {
  llm: LlmGateway;
  sink: SampleSink;
  /** Default: built from `ctx.seeds` and `accepted` (`createDuplicateFilter`). */
  duplicates?: DuplicateFilter;
  sqlExecutor?: SqlExecutor;
  /** Texts already accepted in this run (on resume), for duplicate filtering. */
  accepted?: { index: number; text: string }[];
  progress?: (p: { completed: number; failed: number; total: number }) => void;
}
