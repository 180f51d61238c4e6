import type { TableRecord } from '../../datasets/records.js';
import type { OutputShape, SeedExample } from './types.js';

type Content = { record?: TableRecord; files?: { name: string; content: string }[] };

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The text duplicate filters compare: a record's values (not its keys, which every record shares) in
 * column order; a single file's content; several files with their names. Seeds and samples go through
 * the same function, and the server must use it for `GenerationPorts.accepted` on resume.
 */
export function sampleText(content: Content, columns?: readonly string[]): string {
  if (content.record) {
    const keys = columns ?? Object.keys(content.record);
    return keys.map((k) => valueText(content.record![k])).join('\n');
  }
  const files = content.files ?? [];
  if (files.length === 1) return files[0]!.content;
  return files.map((f) => `${f.name}\n${f.content}`).join('\n\n');
}

/** How a seed is named in a filter's reason. */
export function seedLabel(shape: OutputShape, seed: SeedExample): string {
  // Table seed ids may be bare indexes (`12`) or already say what they are (`record 12`).
  if (shape.kind === 'table') return /^\d+$/.test(seed.id) ? `seed record ${seed.id}` : `seed ${seed.id}`;
  if (shape.kind === 'folder') return `seed folder ${seed.id}`;
  return `seed file ${seed.id}`;
}

/** A sample (or seed) as the model sees it: JSON for a record, tagged files otherwise. */
export function renderContent(content: Content): string {
  if (content.record) return JSON.stringify(content.record, null, 2);
  const files = content.files ?? [];
  return files.map((f) => `<file name="${f.name}">\n${f.content}\n</file>`).join('\n');
}

/**
 * The file text inside a reply. Models often wrap files in a Markdown code fence even when told not
 * to; only a fence around the whole reply is removed, never fences inside the content.
 */
export function stripCodeFences(text: string): string {
  const trimmed = text.trim();
  const match = /^```([\w+.-]*)[ \t]*\r?\n([\s\S]*?)\r?\n?```$/.exec(trimmed);
  if (!match) return trimmed;
  const inner = match[2]!;
  // Fences inside: either a Markdown document (with code blocks) wrapped whole, or several separate
  // blocks, which are content rather than a wrapper.
  if (/^```/m.test(inner) && !/^(md|markdown)$/i.test(match[1]!)) return trimmed;
  return inner.trim();
}

/** `sample_<index>.<ext>`: the server may rename files when it writes them. */
export function documentFileName(shape: Extract<OutputShape, { kind: 'document' }>, index: number): string {
  const ext = shape.extension.replace(/^\./, '') || shape.format;
  return `sample_${index}.${ext}`;
}

/** The text a sample is compared by in duplicate filters (what `GenerationPorts.accepted` must hold). */
export function duplicateText(content: Content, shape: OutputShape): string {
  return sampleText(content, shape.kind === 'table' ? shape.columns : undefined);
}
