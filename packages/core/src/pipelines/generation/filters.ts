import { parse as parseCsv } from 'csv-parse/sync';
import type { TableRecord } from '../../datasets/records.js';
import type { SeedFileFormat } from '../../datasets/types.js';
import { type MinHashSignature, minhash, NearDuplicateIndex } from '../../metrics/minhash.js';
import type { SpecContent } from '../../spec/types.js';
import { type FilteringType, SAMPLE_DUPLICATE_THRESHOLD, SEED_DUPLICATE_THRESHOLD } from './options.js';
import { duplicateText, seedLabel } from './output.js';
import { sqlSyntaxProblem, undefinedTables } from './sql.js';
import { type ColumnProfile, recordProblem } from './table.js';
import type {
  DuplicateFilter,
  OutputShape,
  SampleOutput,
  SeedExample,
  SeedMatch,
  SqlExecutor,
  SqlValidationLevel,
} from './types.js';

function normaliseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Why a file's text is not valid for its format, or undefined. */
export function fileFormatProblem(content: string, format: SeedFileFormat): string | undefined {
  if (content.trim() === '') return 'the file is empty';
  if (format === 'json') {
    try {
      JSON.parse(content);
    } catch (err) {
      return `not valid JSON (${(err as Error).message})`;
    }
    return undefined;
  }
  if (format === 'jsonl') {
    const lines = content.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.trim() === '') continue;
      try {
        JSON.parse(line);
      } catch (err) {
        return `line ${i + 1} is not valid JSON (${(err as Error).message})`;
      }
    }
    return undefined;
  }
  if (format === 'csv') {
    let rows: string[][];
    try {
      rows = parseCsv(content, { bom: true, skip_empty_lines: true }) as string[][];
    } catch (err) {
      return `not valid CSV (${(err as Error).message})`;
    }
    const header = rows[0];
    if (!header || header.every((h) => h.trim() === '')) return 'CSV has no header row';
    if (rows.length < 2) return 'CSV has a header but no data rows';
    return undefined;
  }
  return undefined;
}

/** The first way a sample breaks its output shape, or undefined. */
export function formatProblem(
  output: SampleOutput,
  shape: OutputShape,
  profiles: readonly ColumnProfile[] = [],
): string | undefined {
  if (shape.kind === 'table') {
    if (!output.record) return 'no record';
    return recordProblem(output.record, shape, profiles);
  }
  const files = output.files ?? [];
  if (shape.kind === 'document') {
    const file = files[0];
    if (!file || files.length !== 1) return `expected one file, got ${files.length}`;
    return fileFormatProblem(file.content, shape.format);
  }
  const names = files.map((f) => f.name);
  const expected = shape.roles.map((r) => r.name);
  if (names.join('\n') !== expected.join('\n')) {
    return `expected files ${expected.join(', ')}, got ${names.join(', ') || 'none'}`;
  }
  for (const [i, role] of shape.roles.entries()) {
    const problem = fileFormatProblem(files[i]!.content, role.format);
    if (problem) return `${role.name}: ${problem}`;
  }
  return undefined;
}

/** Signatures kept for texts checked but not yet accepted (or rejected). */
const RECENT_SIGNATURES = 128;

/**
 * Near-duplicate detection over the seeds and the accepted samples of a run, with MinHash LSH so each
 * check costs about the same however many samples were accepted.
 */
export function createDuplicateFilter(input: {
  seeds: readonly SeedExample[];
  shape: OutputShape;
  accepted?: readonly { index: number; text: string }[];
}): DuplicateFilter {
  const seedIndex = new NearDuplicateIndex<string>();
  const exact = new Map<string, string>();
  for (const seed of input.seeds) {
    const text = duplicateText(seed, input.shape);
    const label = seedLabel(input.shape, seed);
    seedIndex.add(label, text);
    const key = normaliseWhitespace(text);
    if (!exact.has(key)) exact.set(key, label);
  }
  const samples = new NearDuplicateIndex<number>();
  for (const a of input.accepted ?? []) samples.add(a.index, a.text);
  // A sample's text is checked against the seeds, then the samples, then (if kept) added: hash it once.
  // Bounded, since rejected texts are never added; samples in flight are far fewer than the bound.
  const recent = new Map<string, MinHashSignature>();
  const signatureOf = (text: string): MinHashSignature => {
    let signature = recent.get(text);
    if (!signature) {
      signature = minhash(text);
      recent.set(text, signature);
      if (recent.size > RECENT_SIGNATURES) recent.delete(recent.keys().next().value!);
    }
    return signature;
  };
  return {
    seedDuplicate(text: string): SeedMatch | undefined {
      const same = exact.get(normaliseWhitespace(text));
      if (same !== undefined) return { seedId: same, similarity: 1, exact: true };
      const near = seedIndex.nearestSignature(signatureOf(text), SEED_DUPLICATE_THRESHOLD);
      return near && { seedId: near.key, similarity: near.similarity, exact: false };
    },
    sampleDuplicate(text: string) {
      const near = samples.nearestSignature(signatureOf(text), SAMPLE_DUPLICATE_THRESHOLD);
      return near && { index: near.key, similarity: near.similarity };
    },
    accept(index: number, text: string) {
      const signature = signatureOf(text);
      recent.delete(text);
      samples.addSignature(index, signature);
    },
  };
}

/** Values of a field in a sample: a record's cell, or the field of each object/row of JSON, JSONL or CSV files. */
function fieldRows(output: SampleOutput, shape: OutputShape): TableRecord[] {
  if (output.record) return [output.record];
  const rows: TableRecord[] = [];
  const formats =
    shape.kind === 'folder'
      ? shape.roles.map((r) => r.format)
      : shape.kind === 'document'
        ? [shape.format]
        : [];
  (output.files ?? []).forEach((file, i) => {
    const format = formats[i] ?? formats[0];
    try {
      if (format === 'json') {
        const value = JSON.parse(file.content) as unknown;
        for (const v of Array.isArray(value) ? value : [value]) {
          if (v && typeof v === 'object' && !Array.isArray(v)) rows.push(v as TableRecord);
        }
      } else if (format === 'jsonl') {
        for (const line of file.content.split(/\r?\n/)) {
          if (line.trim() === '') continue;
          const v = JSON.parse(line) as unknown;
          if (v && typeof v === 'object' && !Array.isArray(v)) rows.push(v as TableRecord);
        }
      } else if (format === 'csv') {
        rows.push(
          ...(parseCsv(file.content, { bom: true, columns: true, skip_empty_lines: true }) as TableRecord[]),
        );
      }
    } catch {
      // Unparseable files are the format filter's business.
    }
  });
  return rows;
}

/**
 * SQL problems of a sample: each selected query column is checked in every row that has it (a table
 * record must have it). With `+schema`, tables must be created by the DDL in the schema column of the
 * same row; without a schema column that check is skipped.
 */
export async function sqlProblem(
  output: SampleOutput,
  shape: OutputShape,
  spec: SpecContent,
  level: SqlValidationLevel,
  executor: SqlExecutor | undefined,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const columns = spec.selected_sql_query_columns ?? [];
  const schemaColumn = spec.selected_sql_schema_column || null;
  for (const row of fieldRows(output, shape)) {
    for (const column of columns) {
      if (!Object.hasOwn(row, column)) {
        if (shape.kind === 'table') return `column ${column} is missing`;
        continue;
      }
      const value = row[column];
      if (typeof value !== 'string' || value.trim() === '') return `column ${column} holds no SQL`;
      const syntax = sqlSyntaxProblem(value);
      if (syntax) return `column ${column}: ${syntax}`;
      const ddl =
        schemaColumn && typeof row[schemaColumn] === 'string' ? (row[schemaColumn] as string) : null;
      if (level !== 'syntax' && ddl !== null) {
        const missing = undefinedTables(value, ddl);
        if (missing.length) {
          return `column ${column} uses table${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not created in ${schemaColumn}`;
        }
      }
      if (level === 'syntax+schema+execute') {
        if (!executor) return 'executing SQL (syntax+schema+execute) is not supported by this server';
        const run = await executor.execute({ schema: ddl, query: value, signal });
        if (!run.ok) return `column ${column} failed to execute: ${run.error}`;
      }
    }
  }
  return undefined;
}

export interface FilterInput {
  output: SampleOutput;
  shape: OutputShape;
  spec: SpecContent;
  profiles: readonly ColumnProfile[];
  types: readonly FilteringType[];
  sqlLevel: SqlValidationLevel | null;
  duplicates: DuplicateFilter;
  sqlExecutor?: SqlExecutor;
  signal?: AbortSignal;
}

/**
 * The first filter the sample fails, as `<filter>: <why>`, or undefined. Cheap checks first: format,
 * SQL, then duplicates (a malformed sample is rejected for its format, not as a duplicate).
 */
export async function rejection(input: FilterInput): Promise<string | undefined> {
  const has = (t: FilteringType) => input.types.includes(t);
  if (has('format')) {
    const problem = formatProblem(input.output, input.shape, input.profiles);
    if (problem) return `format: ${problem}`;
  }
  if (has('sql') && input.sqlLevel && (input.spec.selected_sql_query_columns?.length ?? 0) > 0) {
    const problem = await sqlProblem(
      input.output,
      input.shape,
      input.spec,
      input.sqlLevel,
      input.sqlExecutor,
      input.signal,
    );
    if (problem) return `sql: ${problem}`;
  }
  const text = duplicateText(input.output, input.shape);
  if (has('seed_duplicate')) {
    const match = input.duplicates.seedDuplicate(text);
    if (match) {
      return match.exact
        ? `seed_duplicate: identical to ${match.seedId}`
        : `seed_duplicate: ${match.similarity.toFixed(2)} similar to ${match.seedId}`;
    }
  }
  if (has('sample_duplicate')) {
    const match = input.duplicates.sampleDuplicate(text);
    if (match) return `sample_duplicate: ${match.similarity.toFixed(2)} similar to sample ${match.index}`;
  }
  return undefined;
}
