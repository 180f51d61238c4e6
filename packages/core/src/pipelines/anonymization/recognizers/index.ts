import type { Recognizer } from '../types.js';
import { ageRecognizer } from './age.js';
import { creditCardRecognizer } from './credit-card.js';
import { dateRecognizer } from './date.js';
import { emailRecognizer } from './email.js';
import { ibanRecognizer } from './iban.js';
import { ipv4Recognizer, ipv6Recognizer } from './ip.js';
import { locationRecognizer } from './location.js';
import { medicalRecordRecognizer } from './medical-record.js';
import { organizationRecognizer } from './organization.js';
import { personRecognizer } from './person.js';
import { phoneRecognizer } from './phone.js';
import { postalCodeRecognizer } from './postal-code.js';
import { secretsRecognizer } from './secrets.js';
import { ssnRecognizer } from './ssn.js';
import { streetAddressRecognizer } from './street-address.js';
import { urlRecognizer } from './url.js';

/**
 * Every recognizer. Adding an entity type means adding one file and one entry here: the label set the
 * API accepts (`pii_types`), the docs and the validation all derive from this list.
 */
export const recognizers = [
  emailRecognizer,
  phoneRecognizer,
  ssnRecognizer,
  creditCardRecognizer,
  ibanRecognizer,
  ipv4Recognizer,
  ipv6Recognizer,
  urlRecognizer,
  dateRecognizer,
  postalCodeRecognizer,
  medicalRecordRecognizer,
  secretsRecognizer,
  ageRecognizer,
  streetAddressRecognizer,
  personRecognizer,
  locationRecognizer,
  organizationRecognizer,
] as const;

/** An entity label (`pii_types` value): lower case, GLiNER-PII / Nemotron-PII vocabulary. */
export type PiiType = (typeof recognizers)[number]['labels'][number];

/** What each label means, for the docs, the API's error messages and the LLM prompt. */
export const PII_TYPE_DESCRIPTIONS: Readonly<Record<PiiType, string>> = {
  first_name: "A person's given name (middle names and initials included)",
  last_name: "A person's family name",
  email: 'An email address',
  phone_number: 'A telephone or fax number, national or international',
  ssn: 'A US Social Security number',
  credit_card_number: 'A payment card number (Luhn-valid)',
  iban: 'An international bank account number (checksum-valid)',
  street_address: 'A street address: house number and street, unit, PO box',
  city: 'A city or town',
  state: 'A state, province or region',
  country: 'A country',
  postal_code: 'A postal or ZIP code',
  date: 'A calendar date or timestamp',
  date_of_birth: 'A date of birth',
  age: "A person's age",
  ipv4: 'An IPv4 address',
  ipv6: 'An IPv6 address',
  url: 'A URL or web domain',
  medical_record_number: 'A medical record number or similar patient identifier',
  api_key: 'An API key, access token or other secret credential',
  password: 'A password',
  organization: 'A company, institution or other organisation',
};

/** Every label, in a stable order (the order of the descriptions). */
export const PII_TYPES = Object.keys(PII_TYPE_DESCRIPTIONS) as PiiType[];

export function isPiiType(value: string): value is PiiType {
  return Object.hasOwn(PII_TYPE_DESCRIPTIONS, value);
}

/** Recognizers that need loading (NER models, gazetteers) before they can run. */
export async function prepareRecognizers(list: readonly Recognizer[]): Promise<void> {
  await Promise.all(list.map((r) => (r as Recognizer & { prepare?: () => Promise<void> }).prepare?.()));
}
