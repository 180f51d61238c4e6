import type { AnalysisContext, Recognizer, RecognizerResult } from '../types.js';
import { loadNer, mentions } from './ner.js';

/**
 * Organisations: compromise's organisation tagging, legal suffixes and organisation words (`Inc`, `GmbH`,
 * `Hospital`, `University`), and capitalised names introduced by `works at`, `joined`, `client`.
 */
export const organizationRecognizer: Recognizer<'organization'> & { prepare(): Promise<void> } = {
  name: 'organization',
  kind: 'ner',
  labels: ['organization'],
  context: [
    'company',
    'employer',
    'works',
    'work',
    'worked',
    'organization',
    'organisation',
    'firm',
    'corporation',
    'client',
    'vendor',
    'hospital',
    'bank',
  ],
  headers:
    /^(company|company[-_ ]?name|organi[sz]ation|org|employer|business|firm|institution|hospital|bank|vendor|customer[-_ ]?company)$/i,
  prepare: loadNer,
  analyze(ctx: AnalysisContext) {
    const out: RecognizerResult<'organization'>[] = [];
    for (const m of mentions(ctx)) {
      if (m.kind !== 'organization') continue;
      out.push({
        start: m.start,
        end: m.end,
        label: 'organization',
        score: m.score,
        recognizer: 'organization',
      });
    }
    return out;
  },
};
