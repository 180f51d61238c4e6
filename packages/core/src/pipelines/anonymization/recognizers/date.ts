import { hasContext } from '../context.js';
import type { AnalysisContext, Recognizer, RecognizerResult } from '../types.js';

const MONTH =
  '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)';
const TIME =
  '(?:[ T]\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?(?:\\s?[AaPp]\\.?[Mm]\\.?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?';

interface DatePattern {
  regex: RegExp;
  score: number;
  check?: (m: string) => boolean;
  /** Has a month name: runs only on texts where MONTH_HINT finds one before a digit. */
  month?: boolean;
}

const PATTERNS: DatePattern[] = [
  // 2000-04-16, 2000-04-16 11:34:35, 2000/04/16
  {
    regex: new RegExp(`(?<![\\p{N}\\-/.])\\d{4}([-/.])\\d{1,2}\\1\\d{1,2}${TIME}(?![\\p{N}])`, 'gu'),
    score: 0.7,
    check: (m) => validYmd(m),
  },
  // 2/8/1935, 08-02-1935, 8.2.35
  {
    regex: new RegExp(
      `(?<![\\p{N}\\-/.])\\d{1,2}([-/.])\\d{1,2}\\1(?:\\d{4}|\\d{2})${TIME}(?![\\p{N}]|[-/.]\\d)`,
      'gu',
    ),
    score: 0.6,
    check: (m) => validDmyOrMdy(m),
  },
  // March 5, 1990 / Mar 5th 1990 / March 1990
  {
    regex: new RegExp(`\\b${MONTH}\\.?\\s\\d{1,2}(?:st|nd|rd|th)?,?\\s\\d{4}${TIME}\\b`, 'g'),
    score: 0.7,
    month: true,
  },
  // 5 March 1990 / 5th of March, 1990
  {
    regex: new RegExp(`\\b\\d{1,2}(?:st|nd|rd|th)?\\s(?:of\\s)?${MONTH}\\.?,?\\s\\d{4}\\b`, 'g'),
    score: 0.7,
    month: true,
  },
  // March 1990 (month and year only: weaker)
  { regex: new RegExp(`\\b${MONTH}\\.?,?\\s(?:19|20)\\d{2}\\b`, 'g'), score: 0.4, month: true },
];

/**
 * What every match of a pattern with a month name holds: the month (its first three letters, then
 * lower-case letters), an optional period and comma, white space and a digit. One scan for it spares the
 * three scans for month names on most texts (property test in recognizers.test.ts).
 */
export const MONTH_HINT = /(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?,?\s\d/;

/** The patterns of dates with a month name (for tests). */
export const MONTH_PATTERNS: readonly RegExp[] = PATTERNS.filter((p) => p.month).map((p) => p.regex);

/**
 * A year alone is a (weak) date when a preposition introduces it (`founded in 1990`, `Act of 1988`), a date
 * of birth right after birth words (`born in 1977`). Weekdays alone are not dates of anyone.
 */
const YEAR = /(?<![\p{L}\p{N}])(?:1[6-9]|20)\d{2}(?![\p{L}\p{N}]|[.,]\d)/gu;
const BEFORE_YEAR =
  /\b(in|of|since|until|till|by|from|circa|c\.|year|founded|established|born|birth|b\.)(?:[ \t]+(?:in|on))?[ \t]+$/i;

const BIRTH_CONTEXT = ['born', 'birth', 'birthday', 'dob', 'd.o.b', 'date of birth', 'birthdate', 'b-day'];
const DATE_CONTEXT = [
  'date',
  'on',
  'since',
  'until',
  'dated',
  'day',
  'when',
  'admitted',
  'discharged',
  'visit',
];

/**
 * Calendar dates (ISO, numeric day/month/year in either order, with month names) and timestamps. A date
 * near birth words (`born`, `DOB`, `date of birth`) or in a column so named is a `date_of_birth`;
 * other dates are `date`.
 */
export const dateRecognizer: Recognizer<'date' | 'date_of_birth'> = {
  name: 'date',
  kind: 'heuristics',
  needsDigits: true,
  // A month name (11 characters) before the day, and birth words up to 40 characters before the date; a
  // time suffix (` p.m.`) and birth words up to 10 characters after it; `5th of September, 1990` inside.
  digitWindow: { before: 56, after: 24 },
  labels: ['date', 'date_of_birth'],
  context: DATE_CONTEXT,
  headers:
    /^(dob|d\.o\.b\.?|date[-_ ]?of[-_ ]?birth|birth[-_ ]?date|birthday|born|date|.*[-_ ]date|date[-_ ].*|.*_at|timestamp)$/i,
  analyze(ctx: AnalysisContext) {
    const text = ctx.text;
    if (!/\d/.test(text)) return [];
    const out: RecognizerResult<'date' | 'date_of_birth'>[] = [];
    const birthHint = ctx.hints.some((h) => /\b(dob|birth|born)/i.test(h) || /^d\.?o\.?b\.?$/i.test(h));
    const push = (start: number, end: number, score: number, birth: boolean) => {
      const dob =
        birth || birthHint || hasContext(text, start, end, BIRTH_CONTEXT, [], { before: 40, after: 10 });
      out.push({
        start,
        end,
        label: dob ? 'date_of_birth' : 'date',
        score: dob ? Math.max(score, 0.85) : score,
        recognizer: 'date',
        ...(dob ? { contextApplied: true } : {}),
      });
    };
    let months: boolean | undefined;
    for (const p of PATTERNS) {
      if (p.month) {
        months ??= MONTH_HINT.test(text);
        if (!months) continue;
      }
      for (const m of text.matchAll(p.regex)) {
        if (p.check && !p.check(m[0])) continue;
        push(m.index, m.index + m[0].length, p.score, false);
      }
    }
    const taken = new Set(out.map((e) => e.start));
    for (const m of text.matchAll(YEAR)) {
      if (taken.has(m.index)) continue;
      const word = BEFORE_YEAR.exec(text.slice(Math.max(0, m.index - 24), m.index));
      if (!word) continue;
      const birth = /^(?:born|birth|b\.)$/i.test(word[1]!);
      push(m.index, m.index + m[0].length, birth ? 0.6 : 0.35, birth);
    }
    return out;
  },
};

function validYmd(m: string): boolean {
  const [y, mo, d] = m.split(/[-/.T ]/).map(Number) as [number, number, number];
  return y >= 1800 && y <= 2200 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
}

function validDmyOrMdy(m: string): boolean {
  const [a, b] = m.split(/[-/.]/).map(Number) as [number, number];
  const dm = a >= 1 && a <= 31 && b >= 1 && b <= 12;
  const md = a >= 1 && a <= 12 && b >= 1 && b <= 31;
  return dm || md;
}
