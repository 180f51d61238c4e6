import type { DatasetType } from '../../datasets/types.js';
import type { SpecContent } from '../../spec/types.js';

/**
 * The classifier's instructions. The spec's rates are left out on purpose: the classifier must judge each
 * sample by its content, not lean towards the distribution the spec asks for.
 */
export function classifierSystem(spec: SpecContent, datasetType: DatasetType, isTable: boolean): string {
  const unit = isTable
    ? 'Each sample is one record of a table, given as JSON.'
    : datasetType === 'MULTI_FOLDER'
      ? 'Each sample is a folder of related files that belong together; classify the folder as a whole, then each file on its own (null for a property a file does not show).'
      : 'Each sample is one document.';
  const properties = spec.data_property_variations
    .map((p) => {
      const about = p.property_description?.trim() ? ` — ${p.property_description.trim()}` : '';
      return `- ${p.property_name}${about}\n  values: ${p.property_values.map((v) => JSON.stringify(v)).join(', ')}`;
    })
    .join('\n');
  return [
    'You are a careful annotator of synthetic data. For every sample you are given, decide which value of each property below the sample actually shows.',
    'Judge only from the sample content. If no value fits exactly, choose the closest one. Answer for every sample, under its id.',
    unit,
    spec.description.trim() ? `The data: ${spec.description.trim()}` : '',
    `Properties:\n${properties}`,
  ]
    .filter(Boolean)
    .join('\n\n');
}

export const SUMMARY_SYSTEM = [
  'You write the conclusions of an evaluation of synthetic data against its spec.',
  'Use only the numbers you are given: quote them (percentages, agreement, distances, the score) and never state a figure that is not in the input.',
  'A property conforms when most samples show their assigned value and the evaluated distribution is close to the requested one; name the values that are over- or under-represented.',
  'Be concise and concrete; plain text, no Markdown headings.',
].join(' ');

export const CHAT_SYSTEM = [
  'You are an assistant helping a user understand an evaluation of a synthetic dataset generated from a spec.',
  'The evaluation results below are your source of truth: answer from them, quote their numbers, and say plainly when the results do not contain what is asked.',
  'Be concise. Suggest concrete spec or run changes when the user asks how to improve the data.',
].join(' ');
