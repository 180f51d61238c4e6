import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Tables of migration 0005_evaluations. Kept apart from `schema.ts` (edited concurrently); services see
 * them through `withEvaluationTables(db)`. They can move into `Database` at any time.
 */
export interface EvaluationTable {
  id: string;
  company_id: string;
  run_id: string;
  /** PENDING | PROCESSING | SUCCEEDED | FAILED */
  status: string;
  evaluation_model: string;
  /** api (POST /evaluations/) | auto (started when the run succeeded) */
  origin: string;
  conformance_score: number | null;
  conformance_explanation: string;
  conformant_areas: string;
  non_conformant_areas: string;
  /** JSON array of PropertyAnalysis, once SUCCEEDED. */
  distribution_analysis: string | null;
  /** JSON of the quality block, once SUCCEEDED. */
  quality: string | null;
  /** JSON: how the evaluation ran (classifier, batches, notes). */
  trace: string;
  error_message: string | null;
  total_cost: number;
  job_id: string | null;
  created_by: string;
  created_by_email: string;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  completed_at: string | null;
}

export interface EvaluationSampleTable {
  id: string;
  evaluation_id: string;
  sample_index: number;
  sample_identifier: string;
  /** JSON: property -> value. */
  classifications: string;
  /** JSON: property -> value -> files (MULTI_FOLDER), else null. */
  sub_file_classifications: string | null;
  /** JSON: the values the plan assigned. */
  assignment: string;
  created_at: string;
}

export interface EvaluationChatMessageTable {
  id: string;
  evaluation_id: string;
  company_id: string;
  user_id: string;
  user_email: string;
  chat_model: string;
  user_message: string;
  assistant_message: string;
  created_at: string;
}

export interface HumanLabelTable {
  id: string;
  company_id: string;
  run_id: string;
  file_identifier: string;
  sample_identifier: string | null;
  /** Free JSON object. */
  labels: string;
  created_by: string;
  created_by_email: string;
  created_at: string;
  updated_by: string;
  updated_by_email: string;
  updated_at: string;
}

export interface EvaluationTables {
  evaluations: EvaluationTable;
  evaluation_samples: EvaluationSampleTable;
  evaluation_chat_messages: EvaluationChatMessageTable;
  human_labels: HumanLabelTable;
}

export type EvaluationDatabase = Database & EvaluationTables;

/** The same connection, typed with these tables too (Kysely's `withTables`, which is only a cast). */
export const withEvaluationTables = (db: Kysely<Database>): Kysely<EvaluationDatabase> =>
  db as unknown as Kysely<EvaluationDatabase>;
