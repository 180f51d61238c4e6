import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { patternRecognizer } from './pattern.js';

/**
 * Phone numbers of any country. International numbers (`+46 8 928 571 38`, `0044 ...`) are validated by
 * libphonenumber against the country's numbering plan; national numbers are accepted when they are
 * valid US or UK numbers, or written in phone-like groups; context words (`phone`, `call`, `tel`) lift
 * the weaker ones over the threshold. Dates, ISO timestamps and decimal numbers are not phones.
 */
export const phoneRecognizer = patternRecognizer({
  name: 'phone',
  label: 'phone_number',
  needsDigits: true,
  // `+ ` or `(` before the first digit; ` extension ` (11 characters) between the number and its extension.
  digitWindow: { before: 6, after: 12 },
  patterns: [
    {
      name: 'phone',
      regex:
        /(?<![\p{L}\p{N}+\-./])(?:(?:\+|00)[ ]?\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?|\(0\)[ ]?)?\d(?:[ .-]?\d|[ .-]?\(\d{1,4}\)[ .-]?\d){5,15}(?:[ ]?(?:x|ext\.?|extension)[ ]?\d{1,6})?(?![\p{L}\p{N}]|[.\-/]\d)/gu,
      score: 0.1,
    },
  ],
  context: [
    'phone',
    'telephone',
    'tel',
    'mobile',
    'cell',
    'call',
    'fax',
    'contact',
    'answering',
    'messages',
    'registered',
    'number',
    'reach',
    'dial',
    'ph',
    'mob',
    'whatsapp',
    'text me',
    'sms',
  ],
  headers: /^((tele)?phone|mobile|cell|fax|tel)([-_ ]?(number|no|num|#))?$|^(phone|contact)[-_ ]?number$/i,
  prefilter: (text) => /\d{3}/.test(text),
  validate: (match) => phoneScore(match),
});

export function phoneScore(match: string): number | false {
  // An extension is written with an `x` (`x`, `ext`, `extension`): most numbers have none to cut.
  const body =
    match.includes('x') || match.includes('X')
      ? match.replace(/\s*(?:x|ext\.?|extension)\s*\d+$/i, '')
      : match;
  const digits = body.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return false;
  // Dates and times written with dashes or dots.
  if (/^\d{4}[-.]\d{1,2}[-.]\d{1,2}$/.test(body) || /^\d{1,2}[-.]\d{1,2}[-.]\d{4}$/.test(body)) return false;
  // Decimal or thousands-grouped numbers: 1.234.567 / 12.5
  if (/^\d{1,3}(?:\.\d{3}){2,}$/.test(body)) return false;
  if (/^(?:\+|00)/.test(body)) {
    // International: the country's numbering plan decides (libphonenumber).
    const parsed = parsePhoneNumberFromString(body.replace(/^00/, '+').replace(/\(0\)/, ''));
    if (parsed?.isValid()) return 0.75;
    if (parsed?.isPossible()) return 0.5;
    return 0.3;
  }
  const grouped = /\d[ .\-()]+\d/.test(body);
  const national = nanp(digits) || ukNational(digits);
  if (grouped && national) return 0.5;
  if (grouped) return 0.25;
  return national ? 0.2 : 0.05;
}

/** A North American number: [1] NXX NXX XXXX (area code and exchange do not start with 0 or 1). */
function nanp(digits: string): boolean {
  const d = digits.length === 11 && digits[0] === '1' ? digits.slice(1) : digits;
  return d.length === 10 && d[0]! >= '2' && d[3]! >= '2' && !(d[1] === '1' && d[2] === '1');
}

/** A UK national number: 0 then 10 digits in the geographic, non-geographic and mobile ranges. */
function ukNational(digits: string): boolean {
  return digits.length === 11 && /^0[12378]/.test(digits);
}
