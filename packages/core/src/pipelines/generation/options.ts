import { InvalidInputError } from '../../errors.js';
import type { RunParams } from './types.js';

/**
 * Critique passes a revision cycle checks (`revision_types`). DataFramer does not document its values,
 * so these are OpenFramer's; each is one instruction to the reviewing model.
 */
export const REVISION_TYPES = {
  requirements:
    'The sample fits the spec description and satisfies every spec requirement (structure, content, length, style).',
  properties: 'Every property value assigned to the sample is clearly and unambiguously present in it.',
  realism:
    'The sample is plausible and internally consistent (names, dates, numbers, facts agree with each other) and is not copied or closely paraphrased from a seed example.',
  format:
    'The sample is valid for its output format: parseable CSV/JSON/JSONL, the expected columns or files, no commentary or code fences around file content.',
} as const;
export type RevisionType = keyof typeof REVISION_TYPES;

/**
 * Checks a finished sample must pass (`filtering_types`). A sample failing one is generated again once
 * (fresh seed selection); failing again, it counts as failed with the filter named in the reason.
 */
export const FILTERING_TYPES = {
  format:
    'Output parses for its format: JSON/JSONL documents parse, CSV documents parse with a header and at least one row, text is not empty; a table record has exactly the columns, numeric/boolean seed columns get numbers/booleans (numeric text in CSV), nested JSON columns parse; a folder has exactly its files.',
  seed_duplicate:
    'Not a copy of a seed: rejected when equal to a seed after whitespace normalisation, or when the word 3-gram Jaccard similarity (MinHash estimate) to a seed is 0.8 or more.',
  sample_duplicate:
    'Not a near copy of a sample already accepted in the run (MinHash Jaccard 0.9 or more). Samples in flight at the same time are not compared with each other.',
  sql: 'When sql_validation_level is set and the spec names selected_sql_query_columns: the SQL in those fields passes a tokenizer-based syntax check (syntax), references only tables created in the selected_sql_schema_column DDL (+schema), and runs on the server SQL engine against that DDL (+execute: in-memory SQLite, or PostgreSQL when configured).',
} as const;
export type FilteringType = keyof typeof FILTERING_TYPES;

export const DEFAULT_REVISION_TYPES: readonly RevisionType[] = [
  'requirements',
  'properties',
  'realism',
  'format',
];
export const DEFAULT_FILTERING_TYPES: readonly FilteringType[] = [
  'format',
  'seed_duplicate',
  'sample_duplicate',
];
export const DEFAULT_MAX_REVISION_CYCLES = 1;

export const SEED_DUPLICATE_THRESHOLD = 0.8;
export const SAMPLE_DUPLICATE_THRESHOLD = 0.9;

export function isRevisionType(name: string): name is RevisionType {
  return Object.hasOwn(REVISION_TYPES, name);
}

export function isFilteringType(name: string): name is FilteringType {
  return Object.hasOwn(FILTERING_TYPES, name);
}

/** The run parameters as the pipeline applies them. */
export interface ResolvedOptions {
  revisionTypes: RevisionType[];
  filteringTypes: FilteringType[];
  maxRevisionCycles: number;
  outlineModel: string;
  revisionModel: string;
}

/**
 * Problems with the revision and filtering types of a request, one message per unknown name, so the
 * server can reject a run before it starts.
 */
export function generationParamProblems(
  params: Pick<RunParams, 'revision_types' | 'filtering_types'>,
): string[] {
  const problems: string[] = [];
  for (const name of params.revision_types) {
    if (!isRevisionType(name)) {
      problems.push(
        `unknown revision type "${name}"; expected one of ${Object.keys(REVISION_TYPES).join(', ')}`,
      );
    }
  }
  for (const name of params.filtering_types) {
    if (!isFilteringType(name)) {
      problems.push(
        `unknown filtering type "${name}"; expected one of ${Object.keys(FILTERING_TYPES).join(', ')}`,
      );
    }
  }
  return problems;
}

/**
 * An empty `revision_types` means all of them (a revision that checks nothing is never what was meant);
 * an empty `filtering_types` means no filtering, since turning filters off is a real choice.
 */
export function resolveOptions(params: RunParams): ResolvedOptions {
  const problems = generationParamProblems(params);
  if (problems.length > 0) throw new InvalidInputError(problems.join('; '));
  const revisionTypes = params.revision_types.length
    ? [...new Set(params.revision_types as RevisionType[])]
    : [...DEFAULT_REVISION_TYPES];
  return {
    revisionTypes,
    filteringTypes: [...new Set(params.filtering_types as FilteringType[])],
    maxRevisionCycles: Math.max(0, Math.floor(params.max_revision_cycles ?? DEFAULT_MAX_REVISION_CYCLES)),
    outlineModel: params.outline_model || params.generation_model,
    revisionModel: params.revision_model || params.generation_model,
  };
}
