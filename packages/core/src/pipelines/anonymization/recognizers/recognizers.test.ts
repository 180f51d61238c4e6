import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../analyzer.js';
import { luhn } from './credit-card.js';
import { MONTH_HINT, MONTH_PATTERNS } from './date.js';
import { PII_TYPES, type PiiType } from './index.js';
import { IPV6_ANCHOR, ipv6Anchors } from './ip.js';
import { validSsn } from './ssn.js';
import { SCHEME, schemeUrls } from './url.js';

const heuristics = new Analyzer({ piiTypes: PII_TYPES, detectors: ['heuristics'], threshold: 0 });
const ner = new Analyzer({ piiTypes: PII_TYPES, detectors: ['ner'], threshold: 0.3 });

beforeAll(() => ner.prepare());

/** The entities of `label` found in `text` (heuristics, threshold 0.3 unless given). */
function found(text: string, label: PiiType, threshold = 0.3, hints: string[] = []) {
  return heuristics
    .analyze(text, hints)
    .filter((e) => e.label === label && e.score >= threshold)
    .map((e) => text.slice(e.start, e.end));
}

function scoreOf(text: string, label: PiiType, hints: string[] = []): number {
  return Math.max(
    0,
    ...heuristics
      .detect(text, hints)
      .filter((e) => e.label === label)
      .map((e) => e.score),
  );
}

describe('email', () => {
  it('finds addresses and leaves other @ uses alone', () => {
    expect(found('Write to ana.lopez+work@mail.example.org today.', 'email')).toEqual([
      'ana.lopez+work@mail.example.org',
    ]);
    expect(found('meet @ noon, user@localhost, a..b@example.com', 'email')).toEqual([]);
  });
});

describe('phone numbers', () => {
  it('validates international numbers against the numbering plan', () => {
    expect(found('Call +46 8 928 571 38 or +44 20 7946 0958.', 'phone_number')).toEqual([
      '+46 8 928 571 38',
      '+44 20 7946 0958',
    ]);
    expect(scoreOf('+1 617-555-0134', 'phone_number')).toBeGreaterThan(0.7);
  });
  it('accepts national numbers in phone-like groups, with more confidence when valid', () => {
    expect(found('reach me at (617) 555-0199', 'phone_number')).toEqual(['(617) 555-0199']);
    expect(found('Ring 0490 75 40 81 after six', 'phone_number')).toEqual([]);
    expect(found('Phone: 0490 75 40 81', 'phone_number')).toEqual(['0490 75 40 81']);
  });
  it('does not take dates, versions or long numbers for phones', () => {
    expect(found('On 2023-04-16 we shipped 1.234.567 units, order 4111111111111111', 'phone_number')).toEqual(
      [],
    );
  });
});

describe('US SSN', () => {
  it('applies the area, group and serial rules', () => {
    expect(validSsn('460-89-9847')).toBe(true);
    for (const bad of [
      '000-12-3456',
      '666-12-3456',
      '912-12-3456',
      '123-00-4567',
      '123-45-0000',
      '078-05-1120',
      '123-45 6789',
    ])
      expect(validSsn(bad), bad).toBe(false);
  });
  it('needs context for a bare nine-digit number', () => {
    expect(found('Here is my SSN: 460-89-9847', 'ssn')).toEqual(['460-89-9847']);
    expect(found('invoice 460899847 paid', 'ssn')).toEqual([]);
    expect(found('social security number 460899847', 'ssn')).toEqual(['460899847']);
  });
});

describe('credit cards', () => {
  it('needs a valid Luhn checksum', () => {
    expect(luhn('4111111111111111')).toBe(true);
    expect(luhn('4111111111111112')).toBe(false);
    expect(found('card 4111 1111 1111 1111 ok', 'credit_card_number')).toEqual(['4111 1111 1111 1111']);
    expect(found('card 4111 1111 1111 1112 ok', 'credit_card_number')).toEqual([]);
  });
  it('is certain with a known issuer prefix, needs context without one', () => {
    expect(scoreOf('4454794511390933', 'credit_card_number')).toBe(1);
    expect(scoreOf('Amex 347415977307943', 'credit_card_number')).toBe(1);
    // Luhn-valid, no issuer prefix: weak alone, lifted by context.
    expect(scoreOf('ref 9000000000000008', 'credit_card_number')).toBeLessThan(0.4);
    expect(scoreOf('credit card 9000000000000001', 'credit_card_number')).toBeGreaterThanOrEqual(0.6);
  });
  it('rejects mixed separators', () => {
    expect(found('4111 1111-1111 1111', 'credit_card_number')).toEqual([]);
  });
});

describe('IBAN', () => {
  it('checks the country length and the mod-97 checksum', () => {
    expect(found('IBAN GB82 WEST 1234 5698 7654 32 please', 'iban')).toEqual(['GB82 WEST 1234 5698 7654 32']);
    expect(found('pay to gb42nawi04454264788619.', 'iban')).toEqual(['gb42nawi04454264788619']);
    expect(found('IBAN GB83 WEST 1234 5698 7654 32', 'iban')).toEqual([]);
    expect(found('DE89370400440532013000 and DE89370400440532013001', 'iban')).toEqual([
      'DE89370400440532013000',
    ]);
  });
});

describe('IP addresses and URLs', () => {
  it('finds valid IPv4 and IPv6 addresses only', () => {
    expect(found('from 192.168.1.20 and 300.1.2.3', 'ipv4')).toEqual(['192.168.1.20']);
    expect(found('version v1.2.3.4 released', 'ipv4')).toEqual([]);
    expect(found('host 6e40:4041:c617:e898:c11:40d2:c669:2eb4 at 12:30:45', 'ipv6')).toEqual([
      '6e40:4041:c617:e898:c11:40d2:c669:2eb4',
    ]);
  });
  it('finds URLs without the sentence punctuation after them', () => {
    expect(
      found('See https://www.ScrapbookInsider.com.pt/. Or www.example.org/a?b=1, or acme.com!', 'url'),
    ).toEqual(['https://www.ScrapbookInsider.com.pt/', 'www.example.org/a?b=1', 'acme.com']);
    expect(found('The file report.pdf ends.It goes on.', 'url')).toEqual([]);
  });
});

describe('dates and dates of birth', () => {
  it('finds dates in several formats and validates them', () => {
    expect(found('Seen 2000-04-16 11:34:35, again 2/8/1935 and March 5, 1990.', 'date')).toEqual([
      '2000-04-16 11:34:35',
      '2/8/1935',
      'March 5, 1990',
    ]);
    expect(found('Room 13/45/2001', 'date')).toEqual([]);
  });
  it('takes a year alone as a weak date only after a preposition', () => {
    expect(found('The orchestra was founded in 1990 with 1990 members.', 'date')).toEqual(['1990']);
    expect(scoreOf('founded in 1990', 'date')).toBeLessThan(0.4);
    expect(found('He was born in 1977.', 'date_of_birth')).toEqual(['1977']);
  });
  it('calls a date near birth words, or in a dob column, a date of birth', () => {
    expect(found('DOB: 03/14/1982', 'date_of_birth')).toEqual(['03/14/1982']);
    expect(found('She was born on 12/1/1981.', 'date_of_birth')).toEqual(['12/1/1981']);
    expect(found('1982-03-14', 'date_of_birth', 0.3, ['dob'])).toEqual(['1982-03-14']);
    expect(found('Visit on 12/1/2021.', 'date_of_birth')).toEqual([]);
  });
});

describe('postal codes, record numbers, ages', () => {
  it('needs context for bare digits, not for shapes of their own', () => {
    expect(found('Boston, MA 02118', 'postal_code')).toEqual(['02118']);
    expect(found('London SW1A 1AA', 'postal_code')).toEqual(['SW1A 1AA']);
    expect(found('we sold 12345 units', 'postal_code')).toEqual([]);
    expect(found('zip code 12345', 'postal_code')).toEqual(['12345']);
    expect(found('12345', 'postal_code', 0.3, ['zip'])).toEqual(['12345']);
  });
  it('finds medical record numbers after their name', () => {
    expect(found('MRN: 00482913, medical record #A-778812', 'medical_record_number')).toEqual([
      '00482913',
      'A-778812',
    ]);
  });
  it('finds stated ages', () => {
    expect(found('a 79 year old female, aged 42', 'age')).toEqual(['79', '42']);
    expect(found('I waited 45 minutes', 'age')).toEqual([]);
  });
});

describe('API keys and secrets', () => {
  it('finds vendor formats, assigned secrets and random tokens with context', () => {
    expect(found('export OPENAI_API_KEY=sk-proj-AbCdEf0123456789GhIjKlMnOp', 'api_key')).toEqual([
      'sk-proj-AbCdEf0123456789GhIjKlMnOp',
    ]);
    expect(found('aws AKIAIOSFODNN7EXAMPLE here', 'api_key')).toEqual(['AKIAIOSFODNN7EXAMPLE']);
    expect(found('password: hunter2hunter2', 'password')).toEqual(['hunter2hunter2']);
    expect(found('token 9fQ2xL7pK3mZ8wR1vN5bT6yH4jD0sA', 'api_key')).toEqual([
      '9fQ2xL7pK3mZ8wR1vN5bT6yH4jD0sA',
    ]);
    expect(found('a sentence with aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa in it', 'api_key')).toEqual([]);
  });
});

describe('street addresses', () => {
  it('finds English and local street forms, units, PO boxes and military addresses', () => {
    expect(found('lives at 1668 Glyn St, Boston', 'street_address')).toEqual(['1668 Glyn St']);
    expect(found('Koskikatu 25 and Rua do Arenque 1634 and Via Franscini 71', 'street_address')).toEqual([
      'Koskikatu 25',
      'Rua do Arenque 1634',
      'Via Franscini 71',
    ]);
    expect(found('Suite 501, PO Box 1234, PSC 0413, Box 8144', 'street_address')).toEqual([
      'Suite 501',
      'PO Box 1234',
      'PSC 0413, Box 8144',
    ]);
  });
  it('finds a house number, the street name and a number; `the corner of`; the phrase after `lives at`', () => {
    expect(found('6750 Koskikatu 25 and 3565 Πλατεία Συντάγματος 204', 'street_address')).toEqual([
      '6750 Koskikatu 25',
      '3565 Πλατεία Συντάγματος 204',
    ]);
    expect(found('I have 3 cats and 2 dogs', 'street_address')).toEqual([]);
    expect(found('Meet at the corner of Dalbraut 99 and Frederikke Coves.', 'street_address')).toEqual([
      'the corner of Dalbraut 99 and Frederikke Coves',
    ]);
    expect(found('She lives at 0605 πεντέλης 210, near the park', 'street_address')).toEqual([
      '0605 πεντέλης 210',
    ]);
  });
  it('labels the lines after a street line', () => {
    const text = '6750 Koskikatu 25 Apt. 864\nArtilleros\n, CO\n Uruguay 64677';
    const entities = heuristics.analyze(text).filter((e) => e.score >= 0.3);
    expect(entities.map((e) => [e.label, text.slice(e.start, e.end)])).toEqual([
      ['street_address', '6750 Koskikatu 25 Apt. 864'],
      ['city', 'Artilleros'],
      ['state', 'CO'],
      ['country', 'Uruguay'],
      ['postal_code', '64677'],
    ]);
  });
});

describe('context words', () => {
  it('raise the score of a match near them', () => {
    const bare = scoreOf('see 0490 75 40 81', 'phone_number');
    const withContext = scoreOf('phone 0490 75 40 81', 'phone_number');
    expect(withContext).toBeGreaterThan(bare);
    expect(withContext).toBeGreaterThanOrEqual(0.4);
  });
  it('count in the column header', () => {
    expect(scoreOf('0490 75 40 81', 'phone_number', ['mobile'])).toBeGreaterThanOrEqual(0.75);
  });
});

describe('NER: people, places, organisations', () => {
  const names = (text: string) => ner.analyze(text).map((e) => `${e.label}:${text.slice(e.start, e.end)}`);
  it('splits full names into first and last names, honorifics left out', () => {
    expect(names('Mr. John Smith met Dr. Faina D. Yefremova.')).toEqual([
      'first_name:John',
      'last_name:Smith',
      'first_name:Faina D.',
      'last_name:Yefremova',
    ]);
  });
  it('finds places and organisations', () => {
    const text = 'She moved from Kenosha to Estonia and works at Mayo Clinic.';
    expect(names(text)).toEqual(['city:Kenosha', 'country:Estonia', 'organization:Mayo Clinic']);
  });
  it('leaves ordinary capitalised words alone', () => {
    expect(names('The Server will restart. May we proceed?')).toEqual([]);
  });
});

describe('anchored scans', () => {
  const token = fc.constantFrom(
    ':',
    '::',
    'a',
    'F',
    '0',
    '12',
    'ffff',
    'g',
    ' ',
    '.',
    'http',
    'HTTPS',
    'ftp',
    '://',
    's',
    'x',
    '/',
    '"',
    'é',
  );
  const text = fc.array(token, { maxLength: 30 }).map((ts) => ts.join(''));
  it('IPv6 anchors are found from the colons as the global regex finds them', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(ipv6Anchors(t)).toEqual(
          [...t.matchAll(IPV6_ANCHOR)].flatMap((m) => [m.index, m.index + m[0].length]),
        );
      }),
      { numRuns: 3000 },
    );
  });
  it('URLs with a scheme are found from `://` as the global regex finds them', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(schemeUrls(t)).toEqual([...t.matchAll(SCHEME)].map((m) => [m.index, m.index + m[0].length]));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('dates with month names', () => {
  it('are only in texts where the month hint is found', () => {
    const token = fc.constantFrom(
      'Jan',
      'January',
      'Sept',
      'September',
      'May',
      'Mayday',
      'Dec.',
      'mar',
      'of',
      '5th',
      '12',
      '1990',
      '2024',
      '3:45 PM',
      ' ',
      '\t',
      '\n',
      '\u00a0',
      ',',
      '.',
      'x',
      'É',
    );
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 14 }).map((ts) => ts.join('')),
        (t) => {
          const any = MONTH_PATTERNS.some((p) => [...t.matchAll(p)].length > 0);
          if (any) expect(MONTH_HINT.test(t)).toBe(true);
        },
      ),
      { numRuns: 5000 },
    );
  });
});
