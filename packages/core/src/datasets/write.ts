import type { TableRecord } from './records.js';

/** One CSV field: quoted when it holds a separator, a quote or a line break (RFC 4180). */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A table file in the seed's format, with the seed's columns in the seed's order. */
export function writeTable(
  format: 'csv' | 'json' | 'jsonl',
  columns: string[],
  records: TableRecord[],
): string {
  const ordered = records.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null])));
  if (format === 'json') return `${JSON.stringify(ordered, null, 2)}\n`;
  if (format === 'jsonl')
    return ordered.map((r) => JSON.stringify(r)).join('\n') + (ordered.length ? '\n' : '');
  const lines = [columns.map(csvField).join(',')];
  for (const r of ordered) lines.push(columns.map((c) => csvField(r[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
