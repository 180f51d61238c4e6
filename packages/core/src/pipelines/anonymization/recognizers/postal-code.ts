import { patternRecognizer } from './pattern.js';

const US_STATES =
  'AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|AA|AE|AP';

/**
 * Postal codes. UK and Canadian codes have a shape of their own; a US ZIP after a state abbreviation
 * (`CA 90210`) is near certain; any other 4-5 digit number is a postal code only with context (`zip`,
 * `postal`) or in a column so named.
 */
export const postalCodeRecognizer = patternRecognizer({
  name: 'postal_code',
  label: 'postal_code',
  needsDigits: true,
  // `GIR 0AA`, `CA, 90210`: up to 5 characters before the first digit, 4 after the last.
  digitWindow: { before: 8, after: 6 },
  patterns: [
    {
      name: 'uk postcode',
      regex: /\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}\b/g,
      score: 0.55,
    },
    {
      name: 'canadian postal code',
      regex: /\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d\b/g,
      score: 0.55,
    },
    {
      name: 'us zip after state',
      regex: new RegExp(`\\b(?:${US_STATES}),?[ \\t](\\d{5}(?:-\\d{4})?)\\b`, 'dg'),
      group: 1,
      score: 0.7,
    },
    { name: 'zip+4', regex: /(?<![\d-])\d{5}-\d{4}(?![\d-])/g, score: 0.4 },
    {
      name: 'digits',
      regex: /(?<![\p{L}\p{N}.,\-/:])\d{4,5}(?![\p{L}\p{N}]|[.,\-/:]\d)/gu,
      score: 0.05,
      needsContext: true,
    },
    { name: 'dutch', regex: /\b\d{4} ?[A-Z]{2}\b/g, score: 0.1, needsContext: true },
  ],
  context: [
    'zip',
    'zipcode',
    'zip code',
    'postal',
    'postcode',
    'post code',
    'postleitzahl',
    'plz',
    'cep',
    'cap',
  ],
  headers: /^(zip([-_ ]?code)?|postal[-_ ]?code|post[-_ ]?code|postcode|plz|zip5|zip4)$/i,
  prefilter: (text) => /\d/.test(text),
});
