/**
 * Table types for Kysely. Portable across SQLite and PostgreSQL: ids are UUID strings, timestamps are
 * ISO-8601 UTC strings (they sort as text), booleans are 0/1 integers and JSON is stored as text.
 */
export interface CompanyTable {
  id: string;
  name: string;
  created_at: string;
}

export interface UserTable {
  id: string;
  company_id: string;
  email: string;
  created_at: string;
}

export interface ApiKeyTable {
  id: string;
  company_id: string;
  user_id: string;
  /** SHA-256 hex of the key. The key itself is never stored. */
  key_hash: string;
  masked_key: string;
  /** How the key came to be: init | cli | rotate. */
  origin: string;
  created_ip: string | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface DatasetTable {
  id: string;
  company_id: string;
  name: string;
  description: string;
  dataset_type: string;
  file_count: number;
  folder_count: number;
  total_size_bytes: number;
  /** JSON of ShortSampleCompatibility. */
  short_sample_compatibility: string;
  created_by: string;
  created_by_email: string;
  created_at: string;
  updated_at: string;
}

export interface DatasetFileTable {
  id: string;
  dataset_id: string;
  company_id: string;
  path: string;
  name: string;
  folder: string | null;
  file_type: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  record_count: number | null;
  /** JSON array of column names for tables, else null. */
  columns: string | null;
  blob_key: string;
  /** Blob holding the text extracted from a PDF, else null. */
  text_blob_key: string | null;
  created_at: string;
}

export interface SpecTable {
  id: string;
  company_id: string;
  name: string;
  description: string;
  status: string;
  dataset_id: string | null;
  dataset_type: string;
  runtime_params: string;
  error: string | null;
  created_by: string;
  created_by_email: string;
  created_at: string;
  updated_at: string;
  total_cost: number;
}

export interface SpecVersionTable {
  id: string;
  spec_id: string;
  version: number;
  content_yaml: string;
  created_at: string;
}

export interface JobTable {
  id: string;
  kind: string;
  company_id: string | null;
  /** JSON payload given at enqueue time. */
  payload: string;
  /** queued | running | succeeded | failed | canceled */
  status: string;
  attempts: number;
  max_attempts: number;
  error: string | null;
  cancel_requested: number;
  locked_by: string | null;
  heartbeat_at: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface RunTable {
  id: string;
  company_id: string;
  spec_id: string;
  spec_version: number;
  status: string;
  number_of_samples: number;
  samples_completed: number;
  samples_failed: number;
  total_cost: number;
  runtime_params: string;
  error: string | null;
  created_by: string;
  created_by_email: string;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  job_id: string | null;
  seed: string | null;
  /** null | building | ready | failed */
  zip_status: string | null;
  zip_blob_key: string | null;
  zip_size_bytes: number | null;
}

export interface RunSampleTable {
  run_id: string;
  idx: number;
  /** pending | completed | failed */
  status: string;
  /** JSON: property name -> value. */
  assignment: string;
  /** JSON of SampleOutput (record or files) once completed. */
  output: string | null;
  reason: string | null;
  revisions: number;
  input_tokens: number;
  output_tokens: number;
  calls: number;
  cost_usd: number;
  /** Order in which samples finished (DataFramer lists samples by finish time). */
  finish_seq: number | null;
  finished_at: string | null;
}

export interface RunFileTable {
  id: string;
  run_id: string;
  path: string;
  /** MIME type. */
  file_type: string;
  size_bytes: number;
  blob_key: string;
  sample_index: number | null;
  created_at: string;
}

export interface LlmCallTable {
  id: string;
  company_id: string | null;
  job_id: string | null;
  resource_type: string | null;
  resource_id: string | null;
  model: string;
  provider: string;
  stage: string;
  attempt: number;
  outcome: string;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  thinking_tokens: number;
  cost_usd: number;
  latency_ms: number;
  error: string | null;
  created_at: string;
}

export interface SettingTable {
  key: string;
  value: string;
}

export interface Database {
  companies: CompanyTable;
  users: UserTable;
  api_keys: ApiKeyTable;
  datasets: DatasetTable;
  dataset_files: DatasetFileTable;
  specs: SpecTable;
  spec_versions: SpecVersionTable;
  jobs: JobTable;
  runs: RunTable;
  run_samples: RunSampleTable;
  run_files: RunFileTable;
  llm_calls: LlmCallTable;
  settings: SettingTable;
}
