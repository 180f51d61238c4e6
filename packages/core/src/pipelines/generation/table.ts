import { z } from 'zod';
import type { TableRecord } from '../../datasets/records.js';
import type { OutputShape, SeedExample } from './types.js';

type TableShape = Extract<OutputShape, { kind: 'table' }>;

/**
 * What the seeds show about a column. `json`: nested objects or arrays, asked for as JSON text because
 * strict structured-output modes cannot express free-form objects, then parsed back. `any`: no seed
 * value, or mixed scalar kinds.
 */
export type ColumnKind = 'string' | 'number' | 'boolean' | 'json' | 'any';

export interface ColumnProfile {
  name: string;
  kind: ColumnKind;
  /** Seeds leave it empty (null, missing, or an empty CSV cell) at least once. */
  nullable: boolean;
}

const NUMERIC = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

export function isNumericText(value: string): boolean {
  return NUMERIC.test(value.trim());
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

/** Column kinds from the seed records: CSV cells are text, so a CSV column is numeric when every cell is. */
export function profileColumns(shape: TableShape, seeds: readonly SeedExample[]): ColumnProfile[] {
  const records = seeds.flatMap((s) => (s.record ? [s.record] : []));
  return shape.columns.map((name) => {
    const kinds = new Set<ColumnKind>();
    let nullable = false;
    for (const record of records) {
      const value = record[name];
      if (isEmpty(value)) {
        nullable = true;
        continue;
      }
      if (shape.format === 'csv') {
        kinds.add(typeof value === 'string' && isNumericText(value) ? 'number' : 'string');
      } else if (typeof value === 'number') kinds.add('number');
      else if (typeof value === 'boolean') kinds.add('boolean');
      else if (typeof value === 'object') kinds.add('json');
      else kinds.add('string');
    }
    let kind: ColumnKind = 'any';
    if (kinds.size === 1) kind = [...kinds][0]!;
    // CSV: a text column where some cells look numeric is still text. Mixed JSON kinds stay `any`.
    else if (shape.format === 'csv' && kinds.size > 1) kind = 'string';
    return { name, kind, nullable: nullable || records.length === 0 };
  });
}

const SCALAR = z.union([z.string(), z.number(), z.boolean(), z.null()]);

function columnSchema(profile: ColumnProfile, format: TableShape['format']): z.ZodType {
  // CSV cells carry no types: any scalar is accepted and checked by the format filter.
  if (format === 'csv') return SCALAR;
  let schema: z.ZodType;
  switch (profile.kind) {
    case 'string':
      schema = z.string();
      break;
    case 'number':
      schema = z.number();
      break;
    case 'boolean':
      schema = z.boolean();
      break;
    case 'json':
      schema = z.string().describe('JSON text of the nested object or array (it is parsed back into JSON)');
      break;
    default:
      return SCALAR;
  }
  return profile.nullable ? schema.nullable() : schema;
}

/** The structured-output schema of one record: every column, in table order. */
export function recordSchema(shape: TableShape, profiles: readonly ColumnProfile[]) {
  return z.object(
    Object.fromEntries(profiles.map((p) => [p.name, columnSchema(p, shape.format)])) as Record<
      string,
      z.ZodType
    >,
  );
}

/**
 * The record in column order, JSON columns parsed back. Text that does not parse stays text, so the
 * format filter can reject it with the column named.
 */
export function recordFromReply(
  reply: Record<string, unknown>,
  profiles: readonly ColumnProfile[],
): TableRecord {
  const record: TableRecord = {};
  for (const p of profiles) {
    let value: unknown = reply[p.name] ?? null;
    if (p.kind === 'json' && typeof value === 'string' && value.trim() !== '') {
      try {
        value = JSON.parse(value) as unknown;
      } catch {
        // Left as text: the format filter reports it.
      }
    }
    record[p.name] = value;
  }
  return record;
}

/** The first way a record breaks the table's shape, or undefined. */
export function recordProblem(
  record: TableRecord,
  shape: TableShape,
  profiles: readonly ColumnProfile[],
): string | undefined {
  const keys = Object.keys(record);
  const missing = shape.columns.filter((c) => !Object.hasOwn(record, c));
  const extra = keys.filter((k) => !shape.columns.includes(k));
  if (missing.length) return `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
  if (extra.length) return `unexpected column${extra.length > 1 ? 's' : ''} ${extra.join(', ')}`;
  for (const p of profiles) {
    const value = record[p.name];
    if (isEmpty(value)) {
      if (!p.nullable) return `column ${p.name} is empty, but every seed has a value`;
      continue;
    }
    if (shape.format === 'csv') {
      if (typeof value === 'object') return `column ${p.name} holds a nested value, which CSV cannot`;
      if (p.kind === 'number' && !(typeof value === 'number' || isNumericText(String(value))))
        return `column ${p.name} should be numeric, got ${JSON.stringify(value)}`;
      continue;
    }
    switch (p.kind) {
      case 'number':
        if (typeof value !== 'number')
          return `column ${p.name} should be a number, got ${JSON.stringify(value)}`;
        break;
      case 'boolean':
        if (typeof value !== 'boolean')
          return `column ${p.name} should be true or false, got ${JSON.stringify(value)}`;
        break;
      case 'json':
        if (typeof value !== 'object')
          return `column ${p.name} should hold JSON (an object or array) but does not parse`;
        break;
      case 'string':
        if (typeof value !== 'string') return `column ${p.name} should be text, got ${JSON.stringify(value)}`;
        break;
    }
  }
  return undefined;
}
