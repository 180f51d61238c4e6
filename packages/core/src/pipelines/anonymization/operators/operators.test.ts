import { isValidIBAN } from 'ibantools';
import { describe, expect, it } from 'vitest';
import { luhn } from '../recognizers/credit-card.js';
import { validSsn } from '../recognizers/ssn.js';
import { createOperators, parseMaskConfig } from './index.js';

const replace = (secret = 'run-secret') => createOperators(secret).REPLACE;
const fake = (label: string, value: string, secret?: string) =>
  replace(secret).apply({ label, value, config: { type: 'REPLACE' } });

describe('REDACT, MASK, HASH, KEEP', () => {
  const ops = createOperators('s');
  it('redacts to the label in brackets', () => {
    expect(ops.REDACT.apply({ label: 'first_name', value: 'Ana', config: { type: 'REDACT' } })).toBe(
      '[FIRST_NAME]',
    );
  });
  it('masks all but the last characters, keeping separators', () => {
    expect(
      ops.MASK.apply({ label: 'credit_card_number', value: '4111 1111 1111 1234', config: { type: 'MASK' } }),
    ).toBe('**** **** **** 1234');
    expect(
      ops.MASK.apply({
        label: 'ssn',
        value: '460-89-9847',
        config: { type: 'MASK', keep_last: 2, masking_char: '#' },
      }),
    ).toBe('###-##-##47');
  });
  it('hashes with the run secret: stable within a run, different across runs', () => {
    const a = ops.HASH.apply({ label: 'email', value: 'ana@example.org', config: { type: 'HASH' } });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(ops.HASH.apply({ label: 'email', value: 'ana@example.org', config: { type: 'HASH' } })).toBe(a);
    expect(
      createOperators('t').HASH.apply({ label: 'email', value: 'ana@example.org', config: { type: 'HASH' } }),
    ).not.toBe(a);
  });
  it('keeps', () => {
    expect(ops.KEEP.apply({ label: 'city', value: 'Boston', config: { type: 'KEEP' } })).toBe('Boston');
  });
});

describe('REPLACE', () => {
  it('maps the same original to the same fake, and different originals to different fakes', () => {
    const op = replace();
    const a = op.apply({ label: 'first_name', value: 'Ana', config: { type: 'REPLACE' } });
    expect(op.apply({ label: 'first_name', value: 'Ana', config: { type: 'REPLACE' } })).toBe(a);
    expect(a).not.toBe('Ana');
    const others = new Set(
      ['Bo', 'Carla', 'Dmitri', 'Eve', 'Femi', 'Gus', 'Hana'].map((v) =>
        op.apply({ label: 'first_name', value: v, config: { type: 'REPLACE' } }),
      ),
    );
    expect(others.size).toBe(7);
    expect(others.has(a)).toBe(false);
  });
  it('is a function of the secret: another run gets other fakes, the same secret the same ones', () => {
    expect(fake('last_name', 'Lopez', 'one')).toBe(fake('last_name', 'Lopez', 'one'));
    expect(fake('last_name', 'Lopez', 'one')).not.toBe(fake('last_name', 'Lopez', 'two'));
  });
  it('keeps the capitalisation of names', () => {
    expect(fake('first_name', 'ANA')).toMatch(/^[\p{Lu} '-]+$/u);
    expect(fake('city', 'boston')).toBe(fake('city', 'boston').toLowerCase());
  });
  it('keeps the format of numbers and makes them valid of their kind', () => {
    const phone = fake('phone_number', '+1 (617) 555-0134');
    expect(phone).toMatch(/^\+1 \(\d{3}\) \d{3}-\d{4}$/);
    expect(phone).not.toBe('+1 (617) 555-0134');
    const card = fake('credit_card_number', '4111 1111 1111 1111');
    expect(card).toMatch(/^4\d{3} \d{4} \d{4} \d{4}$/);
    expect(luhn(card.replace(/\D/g, ''))).toBe(true);
    const ssn = fake('ssn', '460-89-9847');
    expect(ssn).toMatch(/^\d{3}-\d{2}-\d{4}$/);
    expect(validSsn(ssn)).toBe(true);
    const iban = fake('iban', 'GB82 WEST 1234 5698 7654 32');
    expect(iban).toMatch(/^GB\d{2} [A-Z]{4} \d{4} \d{4} \d{4} \d{2}$/);
    expect(isValidIBAN(iban.replace(/ /g, ''))).toBe(true);
    expect(fake('postal_code', 'SW1A 1AA')).toMatch(/^[A-Z]{2}\d[A-Z] \d[A-Z]{2}$/);
    expect(fake('date_of_birth', '03/14/1982')).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    expect(fake('date', '2000-04-16 11:34:35')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(fake('ipv4', '192.168.1.20')).toMatch(/^\d{1,3}(\.\d{1,3}){3}$/);
    expect(fake('email', 'ana.lopez@example.org')).toMatch(/^[^@\s]+@example\.(com|org|net)$/);
    expect(fake('api_key', 'sk-proj-AbCdEf0123456789GhIjKlMnOp')).toMatch(
      /^sk-proj-[A-Za-z]{6}\d{10}[A-Za-z]{10}$/,
    );
  });
  it('gives one number one fake whatever its spelling', () => {
    const op = replace();
    const a = op.apply({ label: 'phone_number', value: '+1 617 555 0150', config: { type: 'REPLACE' } });
    const b = op.apply({ label: 'phone_number', value: '617-555-0150', config: { type: 'REPLACE' } });
    expect(a.replace(/\D/g, '').slice(-10)).toBe(b.replace(/\D/g, ''));
  });
});

describe('mask_config', () => {
  const labels = ['first_name', 'email', 'ssn'];
  it('reads names and objects, case-insensitively, with a default', () => {
    const { plan, fallback } = parseMaskConfig(
      { FIRST_NAME: 'replace', email: { type: 'MASK', keep_last: 3 }, '*': 'HASH' },
      labels,
    );
    expect(plan).toEqual({ first_name: { type: 'REPLACE' }, email: { type: 'MASK', keep_last: 3 } });
    expect(fallback).toEqual({ type: 'HASH' });
    expect(parseMaskConfig(undefined, labels).fallback).toEqual({ type: 'REDACT' });
  });
  it('names the key that is wrong', () => {
    expect(() => parseMaskConfig({ person: 'REDACT' }, labels)).toThrow(/unknown label "person"/);
    expect(() => parseMaskConfig({ email: 'SHRED' }, labels)).toThrow(
      /mask_config.email: "SHRED" is not an operator/,
    );
    expect(() => parseMaskConfig({ email: { type: 'MASK', keep_last: -1 } }, labels)).toThrow(/keep_last/);
    expect(() => parseMaskConfig(['REDACT'], labels)).toThrow(/must be an object/);
  });
});
