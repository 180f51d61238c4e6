import type { TableRecord } from '../../datasets/records.js';
import type { DatasetType } from '../../datasets/types.js';

/** The seed examples as the analysis reads them. */
export interface SeedCorpus {
  datasetType: DatasetType;
  /** SINGLE_FILE: the table (possibly a sample of it). */
  table?: { fileName: string; columns: string[]; records: TableRecord[]; total: number };
  /** MULTI_FILE and MULTI_FOLDER: every document's text (PDFs as extracted text). */
  documents?: { path: string; folder: string | null; text: string }[];
}

/** One sample of the corpus rendered as prompt text: a record, a document, or a folder of documents. */
export interface SampleText {
  label: string;
  text: string;
}

const CHARS_PER_TOKEN = 4;
export const estimateTokens = (text: string): number => Math.ceil(text.length / CHARS_PER_TOKEN);

/** Keeps the start and the end of a long text: both usually say most about its structure. */
export function clip(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const half = Math.floor((maxChars - 40) / 2);
  return `${text.slice(0, half)}\n[... ${text.length - 2 * half} characters omitted ...]\n${text.slice(-half)}`;
}

export function corpusSamples(corpus: SeedCorpus, maxSampleChars: number): SampleText[] {
  if (corpus.table) {
    return corpus.table.records.map((record, i) => ({
      label: `record ${i + 1}`,
      text: clip(JSON.stringify(record), maxSampleChars),
    }));
  }
  const documents = corpus.documents ?? [];
  if (corpus.datasetType === 'MULTI_FOLDER') {
    const folders = new Map<string, { path: string; text: string }[]>();
    for (const d of documents) {
      const key = d.folder ?? '';
      folders.set(key, [...(folders.get(key) ?? []), d]);
    }
    return [...folders.entries()].map(([folder, docs]) => {
      const perDoc = Math.floor(maxSampleChars / Math.max(1, docs.length));
      return {
        label: `folder ${folder}`,
        text: docs.map((d) => `--- file ${d.path} ---\n${clip(d.text, perDoc)}`).join('\n'),
      };
    });
  }
  return documents.map((d) => ({ label: `file ${d.path}`, text: clip(d.text, maxSampleChars) }));
}

/**
 * Splits samples into chunks of at most `chunkChars`, at most `maxChunks` of them. When the corpus is
 * bigger than that, an evenly spread subset is kept: the analysis needs variety, not every byte.
 */
export function chunkSamples(samples: SampleText[], chunkChars: number, maxChunks: number): SampleText[][] {
  const total = samples.reduce((s, x) => s + x.text.length + x.label.length + 8, 0);
  const capacity = chunkChars * maxChunks;
  let kept = samples;
  if (total > capacity) {
    const keepShare = capacity / total;
    const step = 1 / keepShare;
    kept = [];
    for (let i = 0; i < samples.length; i += step) kept.push(samples[Math.floor(i)]!);
  }
  const chunks: SampleText[][] = [];
  let current: SampleText[] = [];
  let size = 0;
  for (const sample of kept) {
    const cost = sample.text.length + sample.label.length + 8;
    if (current.length > 0 && size + cost > chunkChars) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(sample);
    size += cost;
  }
  if (current.length > 0) chunks.push(current);
  return chunks.slice(0, maxChunks);
}

export const renderSamples = (samples: SampleText[]): string =>
  samples.map((s) => `<sample label="${s.label}">\n${s.text}\n</sample>`).join('\n');
