import type { PiiType } from './recognizers/index.js';
import type { Entity } from './types.js';

/** What a column holds as a whole: one entity type, or full names (given names then a family name). */
export type ColumnType = PiiType | 'full_name';

/** A column is typed when at least this share of its sampled values is wholly one type. */
export const COLUMN_TYPE_SHARE = 0.6;
/** Values sampled per column for the vote. */
export const COLUMN_SAMPLE = 100;

const EMPTY = new Set(['', 'null', 'none', 'n/a', 'na', 'nan', '-', '--', 'undefined', 'nil']);

/** The longest value of EMPTY. */
const EMPTY_MAX = 9;

/** A printable ASCII character (not white space): nothing to trim at that end of a value. */
export const printable = (c: number) => c > 32 && c < 127;

/**
 * True when a value of `length` characters whose first and last are `first` and `last` (char codes) is
 * surely not empty: not padded with white space (printable ASCII at both ends), and longer than any empty
 * marker or starting with a character none of them starts with (`n`, `u`, `-`). False when it may be.
 */
export function surelyFilled(first: number, last: number, length: number): boolean {
  return (
    printable(first) &&
    printable(last) &&
    (length > EMPTY_MAX || (first !== 110 && first !== 78 && first !== 117 && first !== 85 && first !== 45))
  );
}

/** True when both ends of a value are printable ASCII: it has no white space to trim. */
export function surelyTrimmed(first: number, last: number): boolean {
  return printable(first) && printable(last);
}

export function isEmptyValue(value: string): boolean {
  if (value.length === 0) return true;
  if (surelyFilled(value.charCodeAt(0), value.charCodeAt(value.length - 1), value.length)) return false;
  return EMPTY.has(value.trim().toLowerCase());
}

/** Evenly spaced values of a column, at most `size`. */
export function sampleValues<T>(values: readonly T[], size = COLUMN_SAMPLE): T[] {
  if (values.length <= size) return values.slice();
  const step = values.length / size;
  return Array.from({ length: size }, (_, i) => values[Math.floor(i * step)]!);
}

/** The type of a value when one entity (or a given name + family name) covers nearly all of it. */
export function wholeValueType(value: string, entities: readonly Entity<PiiType>[]): ColumnType | undefined {
  const content = value.replace(/\s/g, '').length;
  if (content === 0 || entities.length === 0) return undefined;
  const covered = entities.reduce((n, e) => n + value.slice(e.start, e.end).replace(/\s/g, '').length, 0);
  if (covered / content < 0.8) return undefined;
  const labels = new Set(entities.map((e) => e.label));
  if (labels.size === 1) return entities[0]!.label;
  if ([...labels].every((l) => l === 'first_name' || l === 'last_name')) return 'full_name';
  return undefined;
}

/**
 * Votes a column's type from its sampled values' detections: the type that wholly covers at least 60% of
 * the non-empty values wins, with the share as its confidence.
 */
export function voteColumnType(
  values: readonly string[],
  detections: readonly (readonly Entity<PiiType>[])[],
): { type: ColumnType; share: number } | undefined {
  const votes = new Map<ColumnType, number>();
  let counted = 0;
  values.forEach((value, i) => {
    if (isEmptyValue(value)) return;
    counted++;
    const type = wholeValueType(value, detections[i] ?? []);
    if (type) votes.set(type, (votes.get(type) ?? 0) + 1);
  });
  if (counted === 0) return undefined;
  // First and last names mixed with full names are a name column.
  const names =
    (votes.get('first_name') ?? 0) + (votes.get('last_name') ?? 0) + (votes.get('full_name') ?? 0);
  let best: [ColumnType, number] | undefined;
  for (const entry of votes) if (!best || entry[1] > best[1]) best = entry;
  if (!best) return undefined;
  if ((votes.get('full_name') ?? 0) > 0 && names > best[1] && names / counted >= COLUMN_TYPE_SHARE)
    return { type: 'full_name', share: names / counted };
  const share = best[1] / counted;
  if (share < COLUMN_TYPE_SHARE || (counted >= 3 && best[1] < 2)) return undefined;
  return { type: best[0], share };
}

/** The entities of one value of a typed column: the whole value (trimmed), or its names for full names. */
export function typedValueEntities(value: string, type: ColumnType, score: number): Entity<PiiType>[] {
  if (isEmptyValue(value)) return [];
  const start = value.length - value.trimStart().length;
  const end = value.trimEnd().length;
  if (type !== 'full_name') return [{ start, end, label: type, score }];
  const words = [...value.matchAll(/[^\s,]+/g)];
  if (words.length === 1) return [{ start, end, label: 'first_name', score }];
  const last = words[words.length - 1]!;
  const firstEnd = words[words.length - 2]!.index + words[words.length - 2]![0].length;
  return [
    { start: words[0]!.index, end: firstEnd, label: 'first_name', score },
    { start: last.index, end: last.index + last[0].length, label: 'last_name', score },
  ];
}
