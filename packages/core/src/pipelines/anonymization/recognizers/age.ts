import { patternRecognizer } from './pattern.js';

/** Ages stated as such (`aged 79`, `79 years old`, `age: 42`, `42 y/o`); a bare number is not an age. */
export const ageRecognizer = patternRecognizer({
  name: 'age',
  label: 'age',
  needsDigits: true,
  // `turning: ` before the number, ` years-old` after it.
  digitWindow: { before: 14, after: 18 },
  patterns: [
    {
      name: 'n years old',
      regex: /\b\d{1,3}(?=[ -]?(?:years?|yrs?|yo|y\/o|year-old|years-old)(?:[ -]old)?\b)/gi,
      score: 0.7,
    },
    {
      name: 'age n',
      regex: /\b(?:age|aged|ages|age is|turned|turning)[ \t]?:?[ \t](\d{1,3})\b/dgi,
      group: 1,
      score: 0.5,
    },
  ],
  context: ['age', 'aged', 'old', 'years', 'birthday', 'turned'],
  headers: /^(age|patient[-_ ]?age|age[-_ ]?years)$/i,
  validate: (match) => (Number(match) <= 120 ? undefined : false),
});
