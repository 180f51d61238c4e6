import { patternRecognizer } from './pattern.js';

/**
 * Medical record numbers and similar patient identifiers. Written after their name (`MRN: 00123456`,
 * `Medical record #A-778812`) they are certain; an ID-shaped code (letters then 5-10 digits) or a long
 * number needs context (`patient`, `chart`, `record`) or a column so named.
 */
export const medicalRecordRecognizer = patternRecognizer({
  name: 'medical_record_number',
  label: 'medical_record_number',
  needsDigits: true,
  // `Medical Record Number # ABCD-` (33 characters) before the digits.
  digitWindow: { before: 40, after: 4 },
  patterns: [
    {
      name: 'mrn after label',
      regex:
        /\b(?:MRN|MR#|MR No\.?|[Mm]edical [Rr]ecord(?: [Nn]umber| [Nn]o\.?| #)?|[Pp]atient (?:ID|[Ii]d|[Nn]umber|[Nn]o\.?)|[Cc]hart (?:[Nn]umber|[Nn]o\.?|#))[ \t]{0,3}[:#=]?[ \t]{0,3}([A-Z]{0,4}-?\d{4,12})\b/dg,
      group: 1,
      score: 0.85,
      needsContext: true,
    },
    { name: 'id-shaped code', regex: /\b[A-Z]{1,4}-?\d{5,10}\b/g, score: 0.05, needsContext: true },
    { name: 'long number', regex: /(?<![\d-])\d{6,10}(?![\d-])/g, score: 0.01, needsContext: true },
  ],
  context: [
    'mrn',
    'mr#',
    'mr no',
    'medical record',
    'record number',
    'patient',
    'chart',
    'hospital number',
    'health record',
    'ehr',
    'emr',
  ],
  headers:
    /^(mrn|medical[-_ ]?record([-_ ]?(number|no|num|id))?|patient[-_ ]?(id|number|no)|chart[-_ ]?(number|no|id))$/i,
  prefilter: (text) => /\d{4}/.test(text),
});
