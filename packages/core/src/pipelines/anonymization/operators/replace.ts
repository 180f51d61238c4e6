import { createHmac } from 'node:crypto';
import type { Faker } from '@faker-js/faker';
// The English instance (`new Faker({ locale: [en, base] })`) from its own entry point: the package's main
// entry loads all 70+ locales, ~16 MB of heap in every server process whether or not a run uses REPLACE.
// Sharing it is safe: `apply` seeds it before every use, synchronously.
import { faker as english } from '@faker-js/faker/locale/en';
import { FAKES, sameShape } from './fakes.js';
import type { Operator } from './types.js';

/** Labels whose values are compared by their digits (`460-89-9847` and `460 89 9847` are one SSN). */
const BY_DIGITS = new Set(['phone_number', 'ssn', 'credit_card_number']);

/** The form of a value under which two spellings count as the same original. */
function normalise(label: string, value: string): string {
  // A phone number with and without its country code is one number: compare the last ten digits.
  if (label === 'phone_number') return value.replace(/\D/g, '').slice(-10);
  if (BY_DIGITS.has(label)) return value.replace(/\D/g, '');
  if (label === 'iban') return value.replace(/\s/g, '').toUpperCase();
  return value.trim().toLowerCase();
}

/**
 * REPLACE: a realistic fake of the same type and format. The fake is a pure function of the run's secret,
 * the label and the original (HMAC-SHA256 seeds Faker), so the same original gets the same fake in every
 * file of a run, and again if the run is resumed; two originals never share a fake within a run.
 */
export class ReplaceOperator implements Operator {
  readonly name = 'REPLACE' as const;
  private readonly faker: Faker = english;
  /** Fake per exact spelling of an original. */
  private readonly fakes = new Map<string, string>();
  /** The seed attempt that gave each normalised original a fake of its own. */
  private readonly attempts = new Map<string, number>();
  /** Normalised fake -> the original that owns it. */
  private readonly owners = new Map<string, string>();

  constructor(private readonly secret: string) {}

  apply({ label, value }: { label: string; value: string }): string {
    const norm = normalise(label, value);
    const key = `${label}\u0000${norm}`;
    const exact = `${key}\u0000${value}`;
    const known = this.fakes.get(exact);
    if (known !== undefined) return known;
    const maker = FAKES[label] ?? ((o: string, f: Faker) => sameShape(o, f));
    const settled = this.attempts.get(key);
    let fake = '';
    if (settled !== undefined) {
      // Another spelling of the same original: same seed, so the same fake written in this spelling's format.
      this.seed(key, settled);
      fake = maker(value, this.faker);
    } else {
      for (let attempt = 0; attempt < 8; attempt++) {
        this.seed(key, attempt);
        fake = maker(value, this.faker);
        const fakeNorm = normalise(label, fake);
        const owner = this.owners.get(`${label}\u0000${fakeNorm}`);
        // A fake must not be another original's fake, nor the original itself.
        if (owner === undefined && fakeNorm !== norm) {
          this.attempts.set(key, attempt);
          this.owners.set(`${label}\u0000${fakeNorm}`, key);
          break;
        }
        if (attempt === 7) this.attempts.set(key, attempt);
      }
    }
    this.fakes.set(exact, fake);
    return fake;
  }

  private seed(key: string, attempt: number): void {
    const digest = createHmac('sha256', this.secret).update(`${key}\u0000${attempt}`).digest();
    this.faker.seed([
      digest.readUInt32BE(0),
      digest.readUInt32BE(4),
      digest.readUInt32BE(8),
      digest.readUInt32BE(12),
    ]);
  }
}
