import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import type { RecognizerResult } from '../types.js';

/**
 * International bank account numbers: country code, two check digits, the account in groups. Valid when
 * the country's length and the mod-97 checksum agree (ibantools); a match that runs into the next words
 * is shortened group by group until it validates.
 */
export const ibanRecognizer = {
  name: 'iban',
  kind: 'heuristics' as const,
  needsDigits: true,
  // Two letters before the check digits; a candidate runs up to 30 groups (60 characters) after them.
  digitWindow: { before: 4, after: 64 },
  labels: ['iban'] as const,
  context: ['iban', 'bank', 'account', 'transfer', 'wire', 'bic', 'swift'],
  headers: /^(iban([-_ ]?(code|number))?|bank[-_ ]?account)$/i,
  analyze(ctx: { text: string }): RecognizerResult<'iban'>[] {
    const out: RecognizerResult<'iban'>[] = [];
    for (const m of ctx.text.matchAll(IBAN_CANDIDATE)) {
      let candidate = m[0];
      while (candidate.length >= 15) {
        const electronic = electronicFormatIBAN(candidate.toUpperCase()) ?? '';
        if (isValidIBAN(electronic)) {
          out.push({
            start: m.index,
            end: m.index + candidate.length,
            label: 'iban',
            score: 1,
            recognizer: 'iban',
          });
          break;
        }
        const cut = candidate.lastIndexOf(' ');
        if (cut < 0) break;
        candidate = candidate.slice(0, cut);
      }
    }
    return out;
  },
};

const IBAN_CANDIDATE = /(?<![\p{L}\p{N}])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}(?![\p{L}\p{N}])/gu;
