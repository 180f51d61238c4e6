/**
 * The spec: what the data is, what every sample must satisfy, and the axes along which samples vary, each
 * with its values and how often each value should occur (integer percentages summing to 100).
 */
export interface SpecProperty {
  property_name: string;
  property_description?: string;
  property_values: string[];
  /** value -> percentage; absent means uniform. */
  base_distributions?: Record<string, number>;
  /**
   * Distributions of this property given another one: parent property -> parent value -> (value -> %).
   * A parent value with no entry falls back to `base_distributions`.
   */
  conditional_distributions?: Record<string, Record<string, Record<string, number>>>;
}

export interface SpecContent {
  description: string;
  requirements: string;
  data_property_variations: SpecProperty[];
  selected_sql_schema_column?: string | null;
  selected_sql_query_columns?: string[] | null;
}

/** Read-only facts written under `metadata:` when a spec is serialised; ignored when parsed. */
export interface SpecMetadata {
  spec_id?: string;
  spec_name?: string;
  version?: number;
  dataset_id?: string | null;
  dataset_type?: string;
  generation_model?: string;
  created_at?: string;
  /** Column names of a table seed, in order: generation keeps them. */
  columns?: string[];
  [key: string]: unknown;
}
