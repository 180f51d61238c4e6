import type { OutputShape, SeedCorpus, SeedExample, SeedFileFormat, TableRecord } from '@openframer/core';

/** MIME types of generated files. */
export const MIME: Record<string, string> = {
  csv: 'text/csv',
  json: 'application/json',
  jsonl: 'application/x-ndjson',
  txt: 'text/plain',
  md: 'text/markdown',
  pdf: 'text/plain',
};

const extensionOf = (path: string) => path.split('.').pop()?.toLowerCase() ?? 'txt';

function formatOf(path: string): SeedFileFormat {
  const ext = extensionOf(path);
  if (ext === 'ndjson') return 'jsonl';
  if (ext === 'markdown') return 'md';
  return (['csv', 'json', 'jsonl', 'txt', 'md', 'pdf'].includes(ext) ? ext : 'txt') as SeedFileFormat;
}

/** Generated documents keep the seed format; PDFs are written as text (their extracted text is the seed). */
const outputExtension = (format: SeedFileFormat) => (format === 'pdf' ? 'txt' : format);

/**
 * The shape every sample takes, from the seeds: the table's columns, the most common document format, or
 * the file roles found in most folders (in the order they most often appear).
 */
export function shapeOf(corpus: SeedCorpus | null, tableFormat?: 'csv' | 'json' | 'jsonl'): OutputShape {
  if (!corpus) return { kind: 'document', format: 'txt', extension: 'txt' };
  if (corpus.table) return { kind: 'table', format: tableFormat ?? 'csv', columns: corpus.table.columns };
  const documents = corpus.documents ?? [];
  if (corpus.datasetType === 'MULTI_FOLDER') {
    const folders = new Set(documents.map((d) => d.folder));
    const counts = new Map<string, number>();
    for (const d of documents) {
      const name = d.path.split('/').pop()!;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    const roles = [...counts.entries()]
      .filter(([, n]) => n >= Math.max(1, folders.size / 2))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([name]) => {
        const format = formatOf(name);
        return {
          name: format === 'pdf' ? name.replace(/\.pdf$/i, '.txt') : name,
          format: format === 'pdf' ? ('txt' as const) : format,
        };
      });
    return { kind: 'folder', roles };
  }
  const formats = new Map<SeedFileFormat, number>();
  for (const d of documents) formats.set(formatOf(d.path), (formats.get(formatOf(d.path)) ?? 0) + 1);
  const [format] = [...formats.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['txt'];
  const out = format === 'pdf' ? 'txt' : format;
  return { kind: 'document', format: out, extension: outputExtension(format) };
}

/** Seed examples for prompts: records (capped), documents, or folders of documents. */
export function seedExamples(corpus: SeedCorpus | null, maxRecords = 1000): SeedExample[] {
  if (!corpus) return [];
  if (corpus.table) {
    return corpus.table.records
      .slice(0, maxRecords)
      .map((record: TableRecord, i) => ({ id: `record ${i + 1}`, record }));
  }
  const documents = corpus.documents ?? [];
  if (corpus.datasetType === 'MULTI_FOLDER') {
    const folders = new Map<string, { name: string; content: string }[]>();
    for (const d of documents) {
      const folder = d.folder ?? '';
      folders.set(folder, [
        ...(folders.get(folder) ?? []),
        { name: d.path.split('/').pop()!, content: d.text },
      ]);
    }
    return [...folders.entries()].map(([id, files]) => ({ id, files }));
  }
  return documents.map((d) => ({ id: d.path, files: [{ name: d.path, content: d.text }] }));
}
