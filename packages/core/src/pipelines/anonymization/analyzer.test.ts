import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Analyzer, analysisContext, type Detection, digitView } from './analyzer.js';
import { digitRuns, digitRunsOf } from './digits.js';
import { PII_TYPES } from './recognizers/index.js';
import {
  AFTER_CUE,
  corners,
  cueEnds,
  gapAfterNumber,
  houseNumbers,
  LEADING,
  leadingWords,
  numberWordsNumber,
  numberWordsNumberScan,
  streetAddresses,
} from './recognizers/street-address.js';

/**
 * Long texts are analysed by their parts around digits (each recognizer's window), and recognizers skip
 * texts that cannot hold their entities: these shortcuts must find exactly what the recognizers find on
 * the whole text.
 */
const fast = new Analyzer({ piiTypes: PII_TYPES, detectors: ['heuristics'], threshold: 0 });
const whole = new Analyzer({ piiTypes: PII_TYPES, detectors: ['heuristics'], threshold: 0, byParts: false });

const PII = [
  'ana.lopez+work@mail.example.org',
  'bob@example.co.uk.',
  '+46 8 928 571 38',
  '(617) 555-0199',
  '617.555.0134 ext. 12',
  '617.555.0134 extension 12',
  '0044 20 7946 0958',
  '078-05-1120',
  '536-90-4399',
  '536 90 4399',
  '536904399',
  '4111 1111 1111 1111',
  '4532-0151-1283-0366',
  '378282246310005',
  'GB82 WEST 1234 5698 7654 32',
  'GB82 WEST 1234 5698 7654 32 is my account number',
  'QA58 DOHB 0000 1234 5678 90AB CDEF G',
  'DE89370400440532013000',
  'MT84MALT011000012345MTLCAST001S',
  '192.168.0.1',
  'v1.2.3.4',
  'version 10.0.0.1',
  'v 10.0.0.2',
  '2001:db8::8a2e:370:7334',
  'https://example.com/a?b=1',
  'www.acme.io/x',
  'acme.com',
  '2000-04-16',
  '2000-04-16T11:34:35Z',
  '2/8/1935',
  '08-02-1935 10:30 p.m.',
  'March 5, 1990',
  'Sept. 5th 1990',
  '5th of March, 1990',
  'December 1999',
  'in 1990',
  'born in 1977',
  'DOB: 1980-01-02',
  'date of birth 3/4/1950',
  'born, as the old records show, on 3/4/1950',
  'Sept. 5th 1990 (birthday)',
  'CA 90210',
  'NY, 10001-1234',
  'SW1A 1AA',
  'K1A 0B1',
  '1012 AB',
  'zip 12345',
  'MRN: 00123456',
  'Medical record #A-778812',
  'Patient ID 778812',
  'chart AB-12345',
  '79 years old',
  'aged 42',
  'age: 42',
  '12-year-old',
  '1668 Glyn St',
  '14 Crown Street Kishiev Squares',
  'Koskikatu 25',
  'Rua do Arenque 1634',
  'Apt. 864',
  'PO Box 1234',
  'PSC 0413, Box 8144',
  'lives at 12 the old mill road',
  'api_key=sk_live_4eC39HqLyjWDarjtT1zdp7dc',
  'password: hunter22',
  'token 9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a',
  'AKIAIOSFODNN7EXAMPLE',
];
const WORDS = [
  'the',
  'patient',
  'was',
  'seen',
  'on',
  'phone',
  'call',
  'card',
  'ssn',
  'social',
  'security',
  'zip',
  'postal',
  'iban',
  'ip',
  'version',
  'v',
  'born',
  'address',
  'street',
  'Main',
  'Street',
  'North',
  'corner',
  'of',
  'and',
  'years',
  'old',
  'key',
  'token',
  'It',
  'took',
  'minutes',
  'Tunisia',
  'Uruguay',
];
const NUMBERS = ['5', '42', '300', '1999', '12345', '123456', '1234567', '12.5', '1.234.567', '3:45'];
const GLUE = [' ', ' ', ' ', ', ', '. ', '\n', '\n\n', '\t', '-', '/', ': ', '  '];

const fragment = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 3, arbitrary: fc.constantFrom(...PII) },
  { weight: 2, arbitrary: fc.constantFrom(...NUMBERS) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9 ]{1,12}$/) },
);
const piece = fc.tuple(fragment, fc.constantFrom(...GLUE)).map(([f, g]) => f + g);
/** A text of at least 2,100 characters (long texts are analysed by parts): pieces, repeated with filler. */
const longText = fc
  .tuple(fc.array(piece, { minLength: 5, maxLength: 120 }), fc.integer({ min: 0, max: 400 }))
  .map(([pieces, filler]) => {
    let text = pieces.join('');
    while (text.length < 2100)
      text += ` ${'lorem ipsum dolor '.repeat(1 + (filler % 40))}\n${pieces.join('')}`;
    return text;
  });

const key = (d: Detection) => `${d.start}:${d.end}:${d.label}:${d.score}:${d.recognizer}`;
const keys = (ds: Detection[]) => ds.map(key).sort();

describe('analysis by parts', () => {
  it('finds exactly what the whole-text analysis finds (random texts with embedded PII)', () => {
    fc.assert(
      fc.property(longText, fc.constantFrom([], ['notes'], ['zip']), (text, hints) => {
        expect(keys(fast.detect(text, hints))).toEqual(keys(whole.detect(text, hints)));
      }),
      { numRuns: 300 },
    );
  });
  it('finds the same in a long text of PII only', () => {
    const text = Array.from({ length: 6 }, (_, i) => PII.join(i % 2 ? '\n' : ' ')).join('\n\n');
    expect(keys(fast.detect(text))).toEqual(keys(whole.detect(text)));
  });
});

describe('corner of A and B', () => {
  // The pattern as it was: `the` and all, scanned at every position.
  const REFERENCE =
    /\b(?:the[ \t]+)?corner[ \t]+of[ \t]+[^\n.,;!?]{2,60}?[ \t]+and[ \t]+(?:the[ \t]+)?[\p{L}\p{N}](?:[^\n.,;!?]{0,40}(?=[.,;!?\n]|$)|[^\n.,;!?\s]*)/giu;
  it('is found from `corner` with the `the` before it, as the full pattern finds it', () => {
    const token = fc.constantFrom(
      'the',
      'The',
      'THE',
      'bathe',
      'corner',
      'xcorner',
      'Corner',
      'of',
      'and',
      'Main St',
      '5th Ave',
      'é',
      'x',
      '5',
      '_',
      '.',
      ',',
      '\n',
    );
    const glue = fc.constantFrom(' ', '  ', '\t', '', ' \t ');
    const words = fc.array(fc.tuple(token, glue), { maxLength: 8 }).map((ts) => ts.flat().join(''));
    const spaces = fc.constantFrom(' ', '  ', '\t', ' \t ');
    // Random words around phrases shaped like `the corner of A and B` (some broken).
    const phrase = fc
      .tuple(
        words,
        fc.constantFrom('the', 'The', 'bathe', 'éthe', ''),
        spaces,
        fc.constantFrom('corner', 'Corner', 'corne'),
      )
      .chain(([before, the, space, corner]) =>
        fc
          .tuple(spaces, spaces, words, spaces, fc.constantFrom('and', 'or'), spaces, words)
          .map(
            ([s1, s2, a, s3, and, s4, b]) =>
              `${before}${the}${space}${corner}${s1}of${s2}Elm ${a}${s3}${and}${s4}${b}`,
          ),
      );
    const text = fc.array(fc.oneof(words, phrase), { maxLength: 6 }).map((parts) => parts.join(' '));
    fc.assert(
      fc.property(text, (t) => {
        const expected = [...t.matchAll(REFERENCE)].map((m) => [m.index, m.index + m[0].length]);
        expect(corners(t)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('gap after a house number', () => {
  const REFERENCE = /^,?[ \t]+(?=\p{Lu}|\d{1,6}[ \t]+\p{Lu})/u;
  it('is what the regular expression finds in the next 6 characters', () => {
    const ch = fc.constantFrom(' ', '\t', ',', 'A', 'a', 'É', 'é', '1', '7', '.', '\n', '𝐀', 'Ω');
    fc.assert(
      fc.property(
        fc.array(ch, { maxLength: 9 }).map((cs) => cs.join('')),
        fc.nat(3),
        (t, at) => {
          const from = Math.min(at, t.length);
          const m = REFERENCE.exec(t.slice(from, from + 6));
          expect(gapAfterNumber(t, from)).toBe(m ? m[0].length : 0);
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('street addresses near digits', () => {
  // Cues, leading street words, units, PO boxes and military addresses are looked for only near digits.
  const ADDRESS = [
    'lives at 12 the old mill road',
    'address: 4 Elm Row',
    'office is at 77 Quay Street',
    'drops you off at the corner of 5th Ave',
    'sent to Rua do Arenque 1634',
    'Via Franscini 71',
    'Calle Mayor s/n',
    'ul. Długa 5',
    'Apt. 864',
    'Apartment #12B',
    'Suite 501',
    'Unit 4B',
    'PO Box 1234',
    'p.o. box 77',
    'PSC 0413, Box 8144',
    'Unit 2345 Box 12',
    'APO AA 42323',
    'USNS Smith',
    'USS Unit 123, Box 456',
    '1668 Glyn St',
    'Koskikatu 25',
  ];
  const WORDS = [
    'the',
    'parcel',
    'Main',
    'xaddress',
    'xApt',
    'was',
    'It',
    'took',
    'minutes',
    'and',
    'Tunisia',
  ];
  const NUMBERS = ['5', '42', '300', '1999', '12345'];
  const GLUE = [' ', ' ', ', ', '. ', '\n', '\n\n', '\t', '  '];
  const fragment = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...WORDS) },
    { weight: 3, arbitrary: fc.constantFrom(...ADDRESS) },
    { weight: 2, arbitrary: fc.constantFrom(...NUMBERS) },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z ]{1,40}$/) },
  );
  const piece = fc.tuple(fragment, fc.constantFrom(...GLUE)).map(([f, g]) => f + g);
  const text = fc
    .tuple(fc.array(piece, { minLength: 5, maxLength: 150 }), fc.integer({ min: 1, max: 60 }))
    .map(([pieces, filler]) => {
      let t = pieces.join('');
      while (t.length < 2100) t += ` ${'lorem ipsum dolor '.repeat(filler)}${pieces.join('')}`;
      return t;
    });
  const key = (r: { start: number; end: number; label: string; score: number; recognizer: string }) =>
    `${r.start}:${r.end}:${r.label}:${r.score}:${r.recognizer}`;
  it('finds what scanning the whole text finds', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(streetAddresses(t).map(key).sort()).toEqual(streetAddresses(t, false).map(key).sort());
      }),
      { numRuns: 300 },
    );
  });
});

describe('house numbers', () => {
  const REFERENCE = /(?<![\p{L}\p{N}.,\-/])\d{1,6}[A-Za-z]?(?:[-/]\d{1,4}[A-Za-z]?)?(?![\p{L}\p{N}])/gu;
  it('are found from the runs of digits as the global regex finds them', () => {
    const ch = fc.constantFrom('1', '2', '0', '9', 'a', 'B', 'é', '٣', '-', '/', '.', ',', ' ', '\n', 'x');
    fc.assert(
      fc.property(
        fc.array(ch, { maxLength: 40 }).map((cs) => cs.join('')),
        (t) => {
          expect(houseNumbers(t)).toEqual(
            [...t.matchAll(REFERENCE)].map((m) => [m.index, m.index + m[0].length]),
          );
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('number, words, number', () => {
  it('is tried at the starts of short digit runs and finds what the global regex finds', () => {
    const token = fc.constantFrom(
      '1',
      '25',
      '123456',
      '1234567',
      'a',
      'B',
      'Koskikatu',
      'via',
      'Συντάγματος',
      'é',
      '٣',
      '-',
      '/',
      '.',
      ',',
      ' ',
      '\t',
      '\n',
      'x ',
      ' 12B ',
    );
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 30 }).map((ts) => ts.join('')),
        (t) => {
          const span = (m: RegExpExecArray) => [m.index, m[0], m[1]];
          expect(numberWordsNumber(t, digitRuns(t)).map(span)).toEqual(numberWordsNumberScan(t).map(span));
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('leading street words', () => {
  it('are found by the capitals scan and a scan for dots as by the full pattern', () => {
    const token = fc.constantFrom(
      'Rua',
      'Via',
      'Viale',
      'ul.',
      'os.',
      'Al.',
      'Av.',
      'C/',
      'xul.',
      'Bulevardul.',
      'ul',
      'os',
      'u',
      'o',
      '.',
      'é',
      '5',
      ' ',
      '\t',
      '\n',
      'a',
      'Q',
    );
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 20 }).map((ts) => ts.join('')),
        (t) => {
          const expected = [...t.matchAll(LEADING)].flatMap((m) => [m.index, m.index + m[0].length]);
          expect(leadingWords(t, { text: t, starts: [0], offsets: [0] })).toEqual(expected);
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('address cues', () => {
  it('are found, in parts of a text, where the look-behind pattern finds them in the whole text', () => {
    const token = fc.constantFrom(
      'address',
      'lives at',
      'office is at',
      'is at',
      'sent to',
      'ſent to',
      'user:',
      'the corner of',
      ' ',
      '  ',
      '\t',
      ':',
      'x',
      'é',
      '𝐀',
      '😀',
      '\n',
      '5',
      'was',
      'is',
    );
    const text = fc.array(token, { maxLength: 30 }).map((ts) => ts.join(''));
    fc.assert(
      fc.property(text, fc.array(fc.nat(60), { maxLength: 3 }), (t, cuts) => {
        const expected = [...t.matchAll(AFTER_CUE)].map((m) => m.index + m[0].length);
        expect(cueEnds(t, { text: t, starts: [0], offsets: [0] })).toEqual(expected);
        // The same text cut into parts at random places (as a view of its parts near digits would be):
        // every cue found inside a part is one of the whole text's, and those whole in a part are found.
        // (Views never cut a surrogate pair.)
        const whole = (c: number) => (c > 0 && c < t.length && /[\udc00-\udfff]/.test(t[c]!) ? c - 1 : c);
        const points = [...new Set(cuts.map((c) => whole(Math.min(c, t.length))))].sort((a, b) => a - b);
        const bounds = [0, ...points, t.length];
        const parts: string[] = [];
        const starts: number[] = [];
        const offsets: number[] = [];
        let at = 0;
        for (let b = 0; b + 1 < bounds.length; b++) {
          if (bounds[b + 1]! <= bounds[b]!) continue;
          if (parts.length > 0) at += 2;
          starts.push(at);
          offsets.push(bounds[b]!);
          parts.push(t.slice(bounds[b]!, bounds[b + 1]!));
          at += bounds[b + 1]! - bounds[b]!;
        }
        if (parts.length === 0) return;
        const found = cueEnds(t, { text: parts.join('\n\n'), starts, offsets });
        // Near the cuts a cue may differ: one cut by the end of its part (in its spaces or a `the corner
        // of` after it) ends earlier, and one cut by the start of its part is missed, so that a shorter cue
        // inside it counts. Harmless in the near view: a part starts 140 characters before its first digit
        // and ends 16 after its last, and an address needs a digit within 80 characters after its cue.
        const partEnds = offsets.map((o, p) => o + parts[p]!.length);
        for (const end of found) {
          const p = partEnds.findIndex((e) => e >= end);
          const nearEnd = partEnds[p]! - end <= 24 && partEnds[p]! !== t.length;
          const nearStart = offsets[p]! > 0 && end - offsets[p]! <= 45;
          if (!nearEnd && !nearStart) expect(expected).toContain(end);
        }
      }),
      { numRuns: 5000 },
    );
  });
});

describe('digit views', () => {
  it('carry the digit runs a scan of the view finds', () => {
    const token = fc.constantFrom(
      'a',
      'word ',
      ' ',
      '\n',
      '1',
      '42',
      '2024-01-05',
      '😀',
      'é',
      '9'.repeat(12),
      'x'.repeat(30),
    );
    const text = fc.array(token, { maxLength: 60 }).map((ts) => ts.join(''));
    const window = fc.record({
      before: fc.integer({ min: 0, max: 40 }),
      after: fc.integer({ min: 0, max: 40 }),
    });
    fc.assert(
      fc.property(text, window, (t, w) => {
        const ctx = analysisContext(t);
        const view = digitView(t, [], digitRunsOf(ctx), w, ctx);
        expect(digitRunsOf(view.ctx)).toEqual(digitRuns(view.ctx.text));
      }),
      { numRuns: 3000 },
    );
  });
});
