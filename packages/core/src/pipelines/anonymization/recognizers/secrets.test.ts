import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anchoredMatches, assignedMatches, entropy, holds, KNOWN_FORMATS } from './secrets.js';

/**
 * The shortcuts of the secrets recognizer (formats tried only at their anchors, assignments only after the
 * last letter of a secret-sounding name, entropy by char codes) must find what the plain regular
 * expressions find.
 */
const token = fc.constantFrom(
  'sk_live_',
  'sk_test_',
  'pk_live_',
  'xsk_live_',
  'ghp_',
  'gho_',
  'github_pat_',
  'hf_',
  'npm_',
  'of_',
  '_',
  '__',
  'AC',
  'SK',
  'XAC',
  'abcdef0123456789',
  '0123456789abcdef0123456789abcdef',
  'AbCdEf0123456789GhIjKlMnOpQrStUv',
  'api_key',
  'API-KEY',
  'token',
  'Token',
  'secret',
  'password',
  'pwd',
  'bearer',
  'key',
  'mykey',
  ':',
  '=',
  '=>',
  ' ',
  '  ',
  '    ',
  '\t',
  '"',
  "'",
  ',',
  'x',
  'é',
  '12:30',
  'a=b',
);
const text = fc.array(token, { maxLength: 40 }).map((ts) => ts.join(''));

describe('secrets shortcuts', () => {
  it('anchored formats find what their global regex finds', () => {
    fc.assert(
      fc.property(text, (t) => {
        for (const format of KNOWN_FORMATS.filter((f) => f.anchors)) {
          const expected = [...t.matchAll(format.regex)].map((m) => [m.index, m.index + m[0].length]);
          const at = (literal: string) => {
            const out: number[] = [];
            for (let i = t.indexOf(literal); i >= 0; i = t.indexOf(literal, i + 1)) out.push(i);
            return out;
          };
          expect(anchoredMatches(t, format, at)).toEqual(expected);
        }
      }),
      { numRuns: 3000 },
    );
  });
  it('assignments are found as the global regex finds them', () => {
    const ASSIGNED =
      /(?:[:=]|=>)(?<=\b(api[_-]?key|apikey|access[_-]?key|secret(?:[_-]?key)?|client[_-]?secret|auth[_-]?token|access[_-]?token|token|bearer|password|passwd|pwd)["']?[ \t]{0,3}(?:[:=]|=>))[ \t]{0,3}["']?([^\s"',;]{6,200})/dgi;
    fc.assert(
      fc.property(text, (t) => {
        const expected = [...t.matchAll(ASSIGNED)].map((m) => [m.index, m[0], m[1]]);
        expect(assignedMatches(t).map((m) => [m.index, m[0], m[1]])).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });
  it('entropy is the same, to the last bit, as by code point', () => {
    const reference = (s: string) => {
      const counts = new Map<string, number>();
      for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
      let h = 0;
      for (const n of counts.values()) {
        const p = n / s.length;
        h -= p * Math.log2(p);
      }
      return h;
    };
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^[A-Za-z0-9_+/=-]{1,80}$/)),
        (s) => {
          expect(entropy(s)).toBe(reference(s));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('format hints', () => {
  it('every match of a hinted format holds its hint (texts without it are skipped)', () => {
    for (const format of KNOWN_FORMATS) {
      const hint = format.hint;
      if (hint === undefined) continue;
      // Strings of the pattern without its word boundaries (fast-check cannot generate those).
      const single = new RegExp(
        format.regex.source.replaceAll('\\b', ''),
        format.regex.flags.replace('g', ''),
      );
      fc.assert(
        fc.property(fc.stringMatching(single), fc.string(), fc.string(), (match, before, after) => {
          const text = `${before} ${match} ${after}`;
          for (const m of text.matchAll(format.regex)) expect(holds(m[0], hint)).toBe(true);
          expect(holds(text, hint)).toBe(true);
        }),
        { numRuns: 300 },
      );
    }
  });
});
