import type { SpecContent, SpecProperty } from '../../spec/types.js';
import type { SeedCorpus } from './corpus.js';

const words = (text: string) => (text.match(/\S+/g) ?? []).length;

/**
 * The offline spec of a document set: what can be measured without a model (formats, lengths, folder
 * layout). It is labelled as such in the description, so nobody mistakes it for a semantic analysis.
 */
export function documentSpec(corpus: SeedCorpus, withDistributions: boolean): SpecContent {
  const docs = corpus.documents ?? [];
  const lengths = docs.map((d) => words(d.text)).sort((a, b) => a - b);
  const q = (p: number) => lengths[Math.min(lengths.length - 1, Math.floor(p * (lengths.length - 1)))] ?? 0;
  const [q1, q2, q3] = [q(1 / 3), q(2 / 3), q(1)];
  const formats = new Map<string, number>();
  for (const d of docs) {
    const ext = d.path.split('.').pop()?.toLowerCase() ?? 'txt';
    formats.set(ext, (formats.get(ext) ?? 0) + 1);
  }
  const properties: SpecProperty[] = [];
  const lengthValues = ['short', 'medium', 'long'];
  const bucket = (n: number) => (n <= q1 ? 'short' : n <= q2 ? 'medium' : 'long');
  if (docs.length >= 3 && q1 < q3) {
    const counts = Object.fromEntries(lengthValues.map((v) => [v, 0]));
    for (const n of lengths) counts[bucket(n)]! += 1;
    properties.push({
      property_name: 'length',
      property_description: `Document length in words: short up to ${q1}, medium up to ${q2}, long up to ${q3}`,
      property_values: lengthValues,
      ...(withDistributions ? { base_distributions: counts } : {}),
    });
  }
  if (formats.size > 1) {
    properties.push({
      property_name: 'file_format',
      property_description: 'File format of the document',
      property_values: [...formats.keys()],
      ...(withDistributions ? { base_distributions: Object.fromEntries(formats) } : {}),
    });
  }
  const folderNote =
    corpus.datasetType === 'MULTI_FOLDER'
      ? `\n- Each sample is a folder holding files named like: ${[...new Set(docs.map((d) => d.path.split('/').pop()))].slice(0, 10).join(', ')}`
      : '';
  return {
    description: `Offline statistical profile of ${docs.length} documents (no language model was used: properties cover form, not meaning).`,
    requirements: `- Formats: ${[...formats.keys()].join(', ')}\n- Length between ${lengths[0] ?? 0} and ${q3} words, median ${q(0.5)}${folderNote}`,
    data_property_variations: properties,
  };
}
