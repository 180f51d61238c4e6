import { describe, expect, it } from 'vitest';
import { shortSampleCompatibility } from './compatibility.js';
import type { InspectedFile, SeedFileFormat } from './types.js';

function inspected(path: string, format: SeedFileFormat, textLength: number | null = null): InspectedFile {
  const table = format === 'csv' || format === 'json' || format === 'jsonl';
  return {
    path,
    name: path.split('/').at(-1)!,
    folder: path.includes('/') ? path.split('/')[0]! : null,
    format,
    size: 100,
    recordCount: table ? 10 : null,
    columns: table ? ['a'] : null,
    textLength: table ? null : textLength,
    extractedText: format === 'pdf' ? 'x'.repeat(textLength ?? 0) : null,
  };
}

describe('shortSampleCompatibility', () => {
  it('allows short samples for short text documents', () => {
    const files = [
      inspected('a.txt', 'txt', 1200),
      inspected('b.md', 'md', 3500),
      inspected('c.pdf', 'pdf', 0),
    ];
    expect(shortSampleCompatibility('MULTI_FILE', files)).toEqual({
      is_short_samples_compatible: true,
      is_long_samples_compatible: true,
      reason: 'All seeds are short text documents: short and long samples both work.',
    });
  });

  it('needs long samples when a text seed is longer than about 500 words', () => {
    const one = shortSampleCompatibility('MULTI_FILE', [
      inspected('a.txt', 'txt', 100),
      inspected('report.md', 'md', 12400),
    ]);
    expect(one).toEqual({
      is_short_samples_compatible: false,
      is_long_samples_compatible: true,
      reason: 'One seed file is longer than 500 words (report.md: 12,400 characters); use long samples.',
    });
    const several = shortSampleCompatibility('MULTI_FILE', [
      inspected('a.txt', 'txt', 3501),
      inspected('b.pdf', 'pdf', 90_000),
      inspected('c.txt', 'txt', 10),
    ]);
    expect(several.reason).toBe(
      '2 seed files are longer than 500 words (b.pdf: 90,000 characters); use long samples.',
    );
  });

  it('needs long samples for structured files', () => {
    const reason = 'Structured files (CSV, JSON, JSONL) need long samples to preserve the data structure.';
    expect(shortSampleCompatibility('SINGLE_FILE', [inspected('d.csv', 'csv')])).toEqual({
      is_short_samples_compatible: false,
      is_long_samples_compatible: true,
      reason,
    });
    const mixed = shortSampleCompatibility('MULTI_FILE', [
      inspected('a.txt', 'txt', 10),
      inspected('b.json', 'json'),
    ]);
    expect(mixed).toMatchObject({ is_short_samples_compatible: false, reason });
  });

  it('needs long samples for multi-folder datasets', () => {
    const files = [inspected('x/a.txt', 'txt', 10), inspected('y/b.txt', 'txt', 10)];
    expect(shortSampleCompatibility('MULTI_FOLDER', files)).toEqual({
      is_short_samples_compatible: false,
      is_long_samples_compatible: true,
      reason: 'Multi-folder samples span several files and need long samples.',
    });
  });

  it('does not claim short samples for a dataset without files', () => {
    expect(shortSampleCompatibility('MULTI_FILE', [])).toMatchObject({
      is_short_samples_compatible: false,
      is_long_samples_compatible: true,
    });
  });
});
