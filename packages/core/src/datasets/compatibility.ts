import { SHORT_SAMPLE_MAX_CHARS } from './limits.js';
import type { DatasetType, InspectedFile, SeedFileFormat, ShortSampleCompatibility } from './types.js';

const TEXT_FORMATS: ReadonlySet<SeedFileFormat> = new Set(['txt', 'md', 'pdf']);

/**
 * Whether short samples (about 500 words) can be generated from a dataset. Long samples always work; short
 * ones only when every seed is a short text document that a short sample can imitate whole.
 */
export function shortSampleCompatibility(
  type: DatasetType,
  files: readonly InspectedFile[],
): ShortSampleCompatibility {
  const result = (short: boolean, reason: string): ShortSampleCompatibility => ({
    is_short_samples_compatible: short,
    is_long_samples_compatible: true,
    reason,
  });

  if (type === 'MULTI_FOLDER') {
    return result(false, 'Multi-folder samples span several files and need long samples.');
  }
  const structured = files.filter((f) => !TEXT_FORMATS.has(f.format));
  if (type === 'SINGLE_FILE' || structured.length > 0) {
    return result(
      false,
      'Structured files (CSV, JSON, JSONL) need long samples to preserve the data structure.',
    );
  }
  if (files.length === 0) return result(false, 'The dataset has no seed files to judge; use long samples.');

  const long = files
    .filter((f) => (f.textLength ?? 0) > SHORT_SAMPLE_MAX_CHARS)
    .sort((a, b) => (b.textLength ?? 0) - (a.textLength ?? 0));
  const longest = long[0];
  if (longest) {
    const which = long.length === 1 ? 'One seed file is' : `${long.length} seed files are`;
    const chars = (longest.textLength ?? 0).toLocaleString('en-US');
    return result(
      false,
      `${which} longer than 500 words (${longest.path}: ${chars} characters); use long samples.`,
    );
  }
  return result(true, 'All seeds are short text documents: short and long samples both work.');
}
