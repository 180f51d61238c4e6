import type { Faker } from '@faker-js/faker';
import { luhn } from '../recognizers/credit-card.js';

/**
 * Realistic stand-ins of the same type and format as the original. Each function gets a Faker already
 * seeded for this original value, so the result is a pure function of (secret, label, value).
 */
export type FakeMaker = (original: string, faker: Faker) => string;

const digit = (f: Faker) => String(f.number.int(9));
const upper = (f: Faker) => String.fromCharCode(65 + f.number.int(25));
const lower = (f: Faker) => String.fromCharCode(97 + f.number.int(25));

/** Same shape: every digit, upper- and lower-case letter replaced by a random one of its class. */
export function sameShape(original: string, f: Faker, keepPrefix = 0): string {
  let out = original.slice(0, keepPrefix);
  for (const ch of original.slice(keepPrefix)) {
    if (/\d/.test(ch)) out += digit(f);
    else if (/[A-Z]/.test(ch)) out += upper(f);
    else if (/[a-z]/.test(ch)) out += lower(f);
    else if (/\p{Lu}/u.test(ch)) out += upper(f);
    else if (/\p{Ll}/u.test(ch)) out += lower(f);
    else out += ch;
  }
  return out;
}

/** Writes `fake` in the capitalisation style of `original` (ALL CAPS, lower case, or as generated). */
export function sameCase(original: string, fake: string): string {
  const letters = original.replace(/[^\p{L}]/gu, '');
  if (letters.length > 1 && letters === letters.toUpperCase()) return fake.toUpperCase();
  if (letters.length > 0 && letters === letters.toLowerCase()) return fake.toLowerCase();
  return fake;
}

/** Fills the digits of `original` in order with `digits`, keeping every other character. */
function fillDigits(original: string, digits: string): string {
  let k = 0;
  return original.replace(/\d/g, () => digits[k++] ?? '0');
}

function fakePhone(original: string, f: Faker): string {
  // Keep an international prefix (+46 / 0046) or a leading trunk 0; the national digits come from the
  // seed alone, so `+1 617 555 0150` and `617-555-0150` get the same fake number.
  const prefix =
    /^(?:\+|00)\s?1(?=[\s.\-(]*[2-9])|^(?:\+|00)\s?\d{1,3}(?=[\s.\-(])|^0/.exec(original)?.[0] ?? '';
  const national = original.slice(prefix.length).replace(/\D/g, '').length;
  let digits = String(2 + f.number.int(7));
  while (digits.length < national) digits += digit(f);
  return prefix + fillDigits(original.slice(prefix.length), digits);
}

function fakeSsn(original: string, f: Faker): string {
  let area = 1 + f.number.int(898);
  if (area === 666) area = 667;
  const digits =
    String(area).padStart(3, '0') +
    String(1 + f.number.int(98)).padStart(2, '0') +
    String(1 + f.number.int(9998)).padStart(4, '0');
  return /^\d{9}$/.test(original) ? digits : fillDigits(original, digits);
}

function fakeCard(original: string, f: Faker): string {
  const length = original.replace(/\D/g, '').length;
  // Keep the issuer's first digit, so a Visa stays a Visa-looking number.
  let digits = original.replace(/\D/g, '')[0] ?? '4';
  while (digits.length < length - 1) digits += digit(f);
  for (let check = 0; check <= 9; check++) {
    if (luhn(digits + check)) {
      digits += check;
      break;
    }
  }
  return fillDigits(original, digits);
}

function fakeIban(original: string, f: Faker): string {
  const compact = original.replace(/\s/g, '').toUpperCase();
  const country = compact.slice(0, 2);
  const bban = sameShape(compact.slice(4), f).toUpperCase();
  const check = String(98 - mod97(`${bban}${country}00`)).padStart(2, '0');
  let iban = `${country}${check}${bban}`;
  if (/\s/.test(original)) iban = iban.replace(/(.{4})/g, '$1 ').trim();
  return original === original.toLowerCase() ? iban.toLowerCase() : iban;
}

function mod97(s: string): number {
  let rest = 0;
  for (const ch of s) {
    const v = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Moves a date by up to a year (dates) or a few years (dates of birth), written in the original's format. */
function fakeDate(maxShiftDays: number): FakeMaker {
  return (original, f) => {
    const shift = f.number.int(maxShiftDays * 2) - maxShiftDays || 17;
    const iso = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(.*)$/s.exec(original);
    if (iso) {
      const d = shifted(Number(iso[1]), Number(iso[3]), Number(iso[4]), shift);
      const sep = iso[2]!;
      return `${d.getUTCFullYear()}${sep}${pad(d.getUTCMonth() + 1, iso[3]!.length)}${sep}${pad(d.getUTCDate(), iso[4]!.length)}${sameShape(iso[5]!, f)}`;
    }
    const numeric = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})(.*)$/s.exec(original);
    if (numeric) {
      const a = Number(numeric[1]);
      const b = Number(numeric[3]);
      const dayFirst = a > 12;
      const year = numeric[4]!.length === 2 ? 1900 + Number(numeric[4]) : Number(numeric[4]);
      const d = dayFirst ? shifted(year, b, a, shift) : shifted(year, a, b, shift);
      const first = dayFirst ? d.getUTCDate() : d.getUTCMonth() + 1;
      const second = dayFirst ? d.getUTCMonth() + 1 : d.getUTCDate();
      const y = numeric[4]!.length === 2 ? pad(d.getUTCFullYear() % 100, 2) : String(d.getUTCFullYear());
      const sep = numeric[2]!;
      return `${pad(first, numeric[1]!.length)}${sep}${pad(second, numeric[3]!.length)}${sep}${y}${sameShape(numeric[5]!, f)}`;
    }
    // Month names and other forms: new day and year digits, the words kept.
    return original
      .replace(/\b(?:19|20)\d{2}\b/, (y) => String(Number(y) + Math.round(shift / 365) || Number(y) + 1))
      .replace(/\b\d{1,2}(?=(?:st|nd|rd|th)?\b)(?!\d)/, () => String(1 + f.number.int(27)));
  };
}

function shifted(y: number, m: number, d: number, days: number): Date {
  const date = new Date(Date.UTC(y, Math.max(0, m - 1), Math.max(1, d)));
  date.setUTCDate(date.getUTCDate() + days);
  return date;
}

function fakeUrl(original: string, f: Faker): string {
  const m = /^((?:[a-z]+:\/\/)?)((?:www\.)?)([^/?#]+)(.*)$/i.exec(original);
  if (!m) return f.internet.url();
  const host = m[3]!;
  const tld = host.includes('.') ? host.slice(host.indexOf('.')) : '.com';
  const path = m[4] ? m[4].replace(/[\p{L}\p{N}]+/gu, () => f.word.noun()) : '';
  return `${m[1]}${m[2]}${f.internet.domainWord()}${tld}${path}`;
}

function fakeIpv6(original: string, f: Faker): string {
  return original.replace(/[0-9a-f]+/gi, (g) =>
    f.string.hexadecimal({ length: g.length, casing: 'lower', prefix: '' }),
  );
}

function fakeSecret(original: string, f: Faker): string {
  const prefix =
    /^(?:sk-(?:proj-|ant-)?|(?:sk|pk|rk)_(?:live|test)_|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|AKIA|ASIA|AIza|hf_|npm_|SG\.|eyJ|of_)/.exec(
      original,
    )?.[0] ?? '';
  return sameShape(original, f, prefix.length);
}

/** A fake for each label; labels without one get a same-shape replacement. */
export const FAKES: Record<string, FakeMaker> = {
  first_name: (o, f) => sameCase(o, f.person.firstName()),
  last_name: (o, f) => sameCase(o, f.person.lastName()),
  email: (o, f) => sameCase(o, f.internet.exampleEmail()),
  phone_number: fakePhone,
  ssn: fakeSsn,
  credit_card_number: fakeCard,
  iban: fakeIban,
  street_address: (o, f) =>
    sameCase(
      o,
      /\b(?:apt|suite|unit)\b/i.test(o) && /\d.*\s/.test(o)
        ? f.location.streetAddress(true)
        : /^\D+\d*$/.test(o) && /^(?:apt|suite|ste|unit|flat|room)/i.test(o)
          ? f.location.secondaryAddress()
          : f.location.streetAddress(),
    ),
  city: (o, f) => sameCase(o, f.location.city()),
  state: (o, f) => sameCase(o, o.length <= 3 ? f.location.state({ abbreviated: true }) : f.location.state()),
  country: (o, f) => sameCase(o, f.location.country()),
  postal_code: (o, f) => sameShape(o, f),
  date: fakeDate(365),
  date_of_birth: fakeDate(3 * 365),
  age: (o, f) => String(Math.min(110, Math.max(1, Number(o) + f.number.int(10) - 5))),
  ipv4: (_o, f) =>
    `${1 + f.number.int(222)}.${f.number.int(255)}.${f.number.int(255)}.${1 + f.number.int(253)}`,
  ipv6: fakeIpv6,
  url: fakeUrl,
  medical_record_number: (o, f) => sameShape(o, f, /^(?:MRN|MR)[-:# ]*/i.exec(o)?.[0].length ?? 0),
  api_key: fakeSecret,
  password: (o, f) => f.internet.password({ length: Math.max(8, o.length) }),
  organization: (o, f) => sameCase(o, f.company.name()),
};
