import { patternRecognizer } from './pattern.js';

/**
 * US Social Security numbers. Validation follows the SSA's rules: area 000, 666 and 900-999 are never
 * issued, nor group 00 or serial 0000; a few numbers published in advertising are known invalid; the two
 * separators must agree.
 */
export const ssnRecognizer = patternRecognizer({
  name: 'us_ssn',
  label: 'ssn',
  needsDigits: true,
  // Digits and single separators; look-arounds of two characters.
  digitWindow: { before: 4, after: 4 },
  patterns: [
    { name: 'ssn (dashes)', regex: /(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])/g, score: 0.6 },
    { name: 'ssn (spaces or dots)', regex: /(?<![\d.])\d{3}[ .]\d{2}[ .]\d{4}(?![\d.]|\s\d)/g, score: 0.3 },
    { name: 'ssn (digits only)', regex: /(?<![\d-])\d{9}(?![\d-])/g, score: 0.1, needsContext: true },
  ],
  context: ['ssn', 'ssns', 'social security', 'social', 'security number', 'ss#', 'ssid', 'taxpayer'],
  headers: /^(ssn|us[-_ ]?ssn|social[-_ ]?security([-_ ]?(number|no|num))?|ss[-_ ]?(number|no|num|#))$/i,
  validate: (match) => (validSsn(match) ? undefined : false),
});

const KNOWN_INVALID = new Set(['078051120', '219099999', '123456789', '111111111']);

export function validSsn(value: string): boolean {
  const seps = value.replace(/\d/g, '');
  if (seps.length === 2 && seps[0] !== seps[1]) return false;
  const digits = value.replace(/\D/g, '');
  if (digits.length !== 9 || KNOWN_INVALID.has(digits)) return false;
  const area = Number(digits.slice(0, 3));
  const group = digits.slice(3, 5);
  const serial = digits.slice(5);
  if (area === 0 || area === 666 || area >= 900) return false;
  if (group === '00' || serial === '0000') return false;
  if (/^(\d)\1{8}$/.test(digits)) return false;
  return true;
}
