import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';

// One set of migrations for both dialects: only portable column types (text, integer, bigint, double).
const migrations: Record<string, Migration> = {
  '0001_foundation': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('companies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id'))
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('masked_key', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('created_ip', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addColumn('last_used_at', 'text')
        .execute();
      await db.schema
        .createIndex('api_keys_rotations_by_ip')
        .on('api_keys')
        .columns(['origin', 'created_ip', 'created_at'])
        .execute();

      await db.schema
        .createTable('datasets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('dataset_type', 'text', (c) => c.notNull())
        .addColumn('file_count', 'integer', (c) => c.notNull())
        .addColumn('folder_count', 'integer', (c) => c.notNull())
        .addColumn('total_size_bytes', 'bigint', (c) => c.notNull())
        .addColumn('short_sample_compatibility', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_by_email', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('datasets_company_name_unique', ['company_id', 'name'])
        .execute();

      await db.schema
        .createTable('dataset_files')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
        .addColumn('company_id', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('folder', 'text')
        .addColumn('file_type', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size_bytes', 'bigint', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('record_count', 'integer')
        .addColumn('columns', 'text')
        .addColumn('blob_key', 'text', (c) => c.notNull())
        .addColumn('text_blob_key', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('dataset_files_dataset').on('dataset_files').column('dataset_id').execute();

      await db.schema
        .createTable('specs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('dataset_id', 'text', (c) => c.references('datasets.id'))
        .addColumn('dataset_type', 'text', (c) => c.notNull())
        .addColumn('runtime_params', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_by_email', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('specs_company_name_unique', ['company_id', 'name'])
        .execute();
      await db.schema.createIndex('specs_dataset').on('specs').column('dataset_id').execute();

      await db.schema
        .createTable('spec_versions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('spec_id', 'text', (c) => c.notNull().references('specs.id').onDelete('cascade'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('content_yaml', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('spec_versions_spec_version_unique', ['spec_id', 'version'])
        .execute();

      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('company_id', 'text')
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('cancel_requested', 'integer', (c) => c.notNull())
        .addColumn('locked_by', 'text')
        .addColumn('heartbeat_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .execute();
      await db.schema
        .createIndex('jobs_status_created')
        .on('jobs')
        .columns(['status', 'created_at'])
        .execute();

      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0002_specs_runs_llm_calls': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('specs')
        .addColumn('total_cost', 'double precision', (c) => c.notNull().defaultTo(0))
        .execute();

      // Runs exist here so a spec in use cannot be deleted; the generation pipeline adds what it needs.
      await db.schema
        .createTable('runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id'))
        .addColumn('spec_id', 'text', (c) => c.notNull().references('specs.id'))
        .addColumn('spec_version', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('number_of_samples', 'integer', (c) => c.notNull())
        .addColumn('samples_completed', 'integer', (c) => c.notNull())
        .addColumn('samples_failed', 'integer', (c) => c.notNull())
        .addColumn('total_cost', 'double precision', (c) => c.notNull())
        .addColumn('runtime_params', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_by_email', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('completed_at', 'text')
        .execute();
      await db.schema.createIndex('runs_spec').on('runs').column('spec_id').execute();
      await db.schema
        .createIndex('runs_company_created')
        .on('runs')
        .columns(['company_id', 'created_at'])
        .execute();

      await db.schema
        .createTable('llm_calls')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('company_id', 'text')
        .addColumn('job_id', 'text')
        .addColumn('resource_type', 'text')
        .addColumn('resource_id', 'text')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('input_tokens', 'integer', (c) => c.notNull())
        .addColumn('output_tokens', 'integer', (c) => c.notNull())
        .addColumn('cached_input_tokens', 'integer', (c) => c.notNull())
        .addColumn('thinking_tokens', 'integer', (c) => c.notNull())
        .addColumn('cost_usd', 'double precision', (c) => c.notNull())
        .addColumn('latency_ms', 'integer', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('llm_calls_resource')
        .on('llm_calls')
        .columns(['resource_type', 'resource_id'])
        .execute();
    },
  },
  '0003_run_samples_files': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('runs').addColumn('job_id', 'text').execute();
      await db.schema.alterTable('runs').addColumn('seed', 'text').execute();
      await db.schema.alterTable('runs').addColumn('zip_status', 'text').execute();
      await db.schema.alterTable('runs').addColumn('zip_blob_key', 'text').execute();
      await db.schema.alterTable('runs').addColumn('zip_size_bytes', 'bigint').execute();

      // One row per planned sample, written at planning time: the plan survives restarts, and a sample is
      // done exactly when its row says so.
      await db.schema
        .createTable('run_samples')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('idx', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('assignment', 'text', (c) => c.notNull())
        .addColumn('output', 'text')
        .addColumn('reason', 'text')
        .addColumn('revisions', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('input_tokens', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('output_tokens', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('calls', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('cost_usd', 'double precision', (c) => c.notNull().defaultTo(0))
        .addColumn('finish_seq', 'integer')
        .addColumn('finished_at', 'text')
        .addPrimaryKeyConstraint('run_samples_pk', ['run_id', 'idx'])
        .execute();
      await db.schema
        .createIndex('run_samples_status')
        .on('run_samples')
        .columns(['run_id', 'status'])
        .execute();
      await db.schema
        .createIndex('run_samples_finish')
        .on('run_samples')
        .columns(['run_id', 'finish_seq'])
        .execute();

      await db.schema
        .createTable('run_files')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('file_type', 'text', (c) => c.notNull())
        .addColumn('size_bytes', 'bigint', (c) => c.notNull())
        .addColumn('blob_key', 'text', (c) => c.notNull())
        .addColumn('sample_index', 'integer')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('run_files_run').on('run_files').column('run_id').execute();
    },
  },
  // Anonymization runs of seed datasets and their output files. dataset_id is not a foreign key: a run
  // outlives its dataset (its name is kept as it was).
  '0004_anonymization_runs': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('anonymization_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id'))
        .addColumn('dataset_id', 'text')
        .addColumn('dataset_name', 'text')
        .addColumn('dataset_type', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('pii_types', 'text', (c) => c.notNull())
        .addColumn('detection_method', 'text', (c) => c.notNull())
        .addColumn('llm_model_name', 'text')
        .addColumn('mask_config', 'text', (c) => c.notNull())
        .addColumn('threshold', 'double precision', (c) => c.notNull())
        .addColumn('sealed_secret', 'text', (c) => c.notNull())
        .addColumn('results', 'text')
        .addColumn('error', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_by_email', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('completed_at', 'text')
        .addColumn('duration_seconds', 'integer')
        .addColumn('job_id', 'text')
        .addColumn('zip_status', 'text')
        .addColumn('zip_blob_key', 'text')
        .addColumn('zip_size_bytes', 'bigint')
        .execute();
      await db.schema
        .createIndex('anonymization_runs_company_created')
        .on('anonymization_runs')
        .columns(['company_id', 'created_at'])
        .execute();

      await db.schema
        .createTable('anonymization_files')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('run_id', 'text', (c) =>
          c.notNull().references('anonymization_runs.id').onDelete('cascade'),
        )
        .addColumn('source_file_id', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('folder', 'text')
        .addColumn('file_type', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size_bytes', 'bigint', (c) => c.notNull())
        .addColumn('blob_key', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('anonymization_files_run')
        .on('anonymization_files')
        .column('run_id')
        .execute();
    },
  },
  // Evaluations of runs, their per-sample classifications, chat about them, and human labels on run
  // files. Everything hangs off a run and goes with it (ON DELETE CASCADE).
  '0005_evaluations': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('evaluations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id'))
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('evaluation_model', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('conformance_score', 'double precision')
        .addColumn('conformance_explanation', 'text', (c) => c.notNull())
        .addColumn('conformant_areas', 'text', (c) => c.notNull())
        .addColumn('non_conformant_areas', 'text', (c) => c.notNull())
        .addColumn('distribution_analysis', 'text')
        .addColumn('quality', 'text')
        .addColumn('trace', 'text', (c) => c.notNull())
        .addColumn('error_message', 'text')
        .addColumn('total_cost', 'double precision', (c) => c.notNull())
        .addColumn('job_id', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_by_email', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('completed_at', 'text')
        .execute();
      await db.schema
        .createIndex('evaluations_company_created')
        .on('evaluations')
        .columns(['company_id', 'created_at'])
        .execute();
      await db.schema.createIndex('evaluations_run').on('evaluations').column('run_id').execute();

      await db.schema
        .createTable('evaluation_samples')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('evaluation_id', 'text', (c) =>
          c.notNull().references('evaluations.id').onDelete('cascade'),
        )
        .addColumn('sample_index', 'integer', (c) => c.notNull())
        .addColumn('sample_identifier', 'text', (c) => c.notNull())
        .addColumn('classifications', 'text', (c) => c.notNull())
        .addColumn('sub_file_classifications', 'text')
        .addColumn('assignment', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('evaluation_samples_evaluation_index_unique', ['evaluation_id', 'sample_index'])
        .execute();

      await db.schema
        .createTable('evaluation_chat_messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('evaluation_id', 'text', (c) =>
          c.notNull().references('evaluations.id').onDelete('cascade'),
        )
        .addColumn('company_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('user_email', 'text', (c) => c.notNull())
        .addColumn('chat_model', 'text', (c) => c.notNull())
        .addColumn('user_message', 'text', (c) => c.notNull())
        .addColumn('assistant_message', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('evaluation_chat_messages_evaluation')
        .on('evaluation_chat_messages')
        .columns(['evaluation_id', 'created_at'])
        .execute();

      await db.schema
        .createTable('human_labels')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('company_id', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('file_identifier', 'text', (c) => c.notNull())
        .addColumn('sample_identifier', 'text')
        .addColumn('labels', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_by_email', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('updated_by_email', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('human_labels_run')
        .on('human_labels')
        .columns(['run_id', 'created_at'])
        .execute();
    },
  },
  // Red teaming: the app under test (a red-team spec) and runs that write adversarial prompts for it.
  // A run keeps a snapshot of the spec it used; prompts are stored per behaviour as each one finishes, so
  // a restarted job resumes without writing them again.
  '0006_red_team': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('red_team_specs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('domain_description', 'text', (c) => c.notNull())
        .addColumn('app_description', 'text', (c) => c.notNull())
        .addColumn('concerns', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_by_email', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('red_team_specs_company_name_unique', ['company_id', 'name'])
        .execute();

      await db.schema
        .createTable('red_team_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id'))
        .addColumn('red_team_spec_id', 'text')
        .addColumn('spec_name', 'text', (c) => c.notNull())
        .addColumn('app_context', 'text', (c) => c.notNull())
        .addColumn('number_of_behaviors', 'integer', (c) => c.notNull())
        .addColumn('number_of_prompts_per_behavior', 'integer', (c) => c.notNull())
        .addColumn('model_name', 'text', (c) => c.notNull())
        .addColumn('grader_model', 'text')
        .addColumn('categories', 'text')
        .addColumn('strategies', 'text')
        .addColumn('seed', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('sealed_target_secrets', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('behaviors', 'text')
        .addColumn('results', 'text')
        .addColumn('trace', 'text')
        .addColumn('prompts_done', 'integer', (c) => c.notNull())
        .addColumn('behaviors_done', 'integer', (c) => c.notNull())
        .addColumn('total_cost', 'double precision', (c) => c.notNull())
        .addColumn('job_id', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_by_email', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('completed_at', 'text')
        .execute();
      await db.schema
        .createIndex('red_team_runs_company_created')
        .on('red_team_runs')
        .columns(['company_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('red_team_runs_spec')
        .on('red_team_runs')
        .column('red_team_spec_id')
        .execute();

      await db.schema
        .createTable('red_team_prompts')
        .addColumn('run_id', 'text', (c) => c.notNull().references('red_team_runs.id').onDelete('cascade'))
        .addColumn('behavior_index', 'integer', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('query', 'text', (c) => c.notNull())
        .addColumn('adversarial_prompt', 'text', (c) => c.notNull())
        .addColumn('strategy', 'text', (c) => c.notNull())
        .addColumn('language', 'text')
        .addColumn('target_response', 'text')
        .addColumn('target_error', 'text')
        .addColumn('grade', 'text')
        .addColumn('grade_error', 'text')
        .addPrimaryKeyConstraint('red_team_prompts_pk', ['run_id', 'behavior_index', 'position'])
        .execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  // Unordered: a migration merged after a later-numbered one still runs on databases that have the later one.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error.message : String(error ?? '');
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${cause}`.trim());
  }
}
