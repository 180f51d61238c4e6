import type { TableRecord } from '../datasets/records.js';

export type ColumnKind = 'integer' | 'numeric' | 'boolean' | 'datetime' | 'categorical' | 'id' | 'text';

export interface ColumnProfile {
  name: string;
  kind: ColumnKind;
  count: number;
  missing: number;
  missingRate: number;
  distinct: number;
  /** Values by frequency, most common first (at most 50). */
  topValues: { value: string; count: number }[];
  numeric?: { min: number; max: number; mean: number; quantiles: number[] };
  /** Average length in characters of the present values. */
  meanLength: number;
  /** A short picture of the values' shape, e.g. `CLM-#####` for ids. */
  pattern?: string;
  /** Personal data the column seems to hold, from its name and the shape of its values. */
  pii?: PiiKind;
}

export type PiiKind =
  | 'email'
  | 'phone'
  | 'person_name'
  | 'street_address'
  | 'ssn'
  | 'credit_card'
  | 'ip_address'
  | 'date_of_birth';

const MISSING = new Set(['', 'na', 'n/a', 'null', 'none', 'nan', '?', '-']);
const BOOLEAN = new Set(['true', 'false', 'yes', 'no', 'y', 'n', 't', 'f']);
const DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const MAX_CATEGORIES = 30;
/** More categories are still categories when they are few next to the rows (e.g. 41 countries in 2,000 rows). */
const MAX_CATEGORIES_LARGE = 100;

export const isMissing = (value: unknown): boolean =>
  value === null ||
  value === undefined ||
  (typeof value === 'string' && MISSING.has(value.trim().toLowerCase()));

export const cellText = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);

/** Infers each column's kind and gathers the statistics the spec and the synthesiser need. */
export function profileTable(columns: string[], records: TableRecord[]): ColumnProfile[] {
  return columns.map((name) =>
    profileColumn(
      name,
      records.map((r) => r[name]),
    ),
  );
}

function profileColumn(name: string, raw: unknown[]): ColumnProfile {
  const profile = inferColumn(name, raw);
  const pii = detectPii(profile, raw);
  return pii ? { ...profile, pii } : profile;
}

function inferColumn(name: string, raw: unknown[]): ColumnProfile {
  const present = raw.filter((v) => !isMissing(v));
  const texts = present.map(cellText).map((t) => t.trim());
  const counts = new Map<string, number>();
  for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1);
  const topValues = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 50)
    .map(([value, count]) => ({ value, count }));
  const n = texts.length;
  const distinct = counts.size;
  const meanLength = n ? texts.reduce((s, t) => s + t.length, 0) / n : 0;
  const base = {
    name,
    count: raw.length,
    missing: raw.length - n,
    missingRate: raw.length ? (raw.length - n) / raw.length : 0,
    distinct,
    topValues,
    meanLength,
  };

  const numbers = texts.map((t) => (t === '' ? Number.NaN : Number(t)));
  const numericShare = n ? numbers.filter(Number.isFinite).length / n : 0;
  const lower = [...counts.keys()].map((k) => k.toLowerCase());
  if (
    n > 0 &&
    distinct <= 2 &&
    lower.every((v) => BOOLEAN.has(v) || v === '0' || v === '1') &&
    lower.some((v) => BOOLEAN.has(v))
  ) {
    return { ...base, kind: 'boolean' };
  }
  if (n > 0 && numericShare >= 0.98) {
    const finite = numbers.filter(Number.isFinite).sort((a, b) => a - b);
    const integer = finite.every(Number.isInteger);
    const stats = {
      min: finite[0]!,
      max: finite[finite.length - 1]!,
      mean: finite.reduce((s, v) => s + v, 0) / finite.length,
      quantiles: [0, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 1].map((q) =>
        quantile(finite, q),
      ),
    };
    // A running number with (almost) all values distinct is an identifier, not a measurement.
    if (integer && distinct >= 0.95 * n && n >= 10 && looksSequential(finite))
      return { ...base, kind: 'id', numeric: stats, pattern: 'integer' };
    return { ...base, kind: integer ? 'integer' : 'numeric', numeric: stats };
  }
  if (n > 0 && texts.filter((t) => DATE.test(t)).length / n >= 0.98) return { ...base, kind: 'datetime' };
  const words = n ? texts.reduce((s, t) => s + t.split(/\s+/).length, 0) / n : 0;
  const fewCategories =
    distinct <= MAX_CATEGORIES || (distinct <= MAX_CATEGORIES_LARGE && distinct <= 0.05 * n);
  if (fewCategories && (distinct <= Math.max(2, 0.5 * n) || n < 10) && words < 6) {
    return { ...base, kind: 'categorical' };
  }
  if (distinct >= 0.9 * n && words < 3 && meanLength <= 40) {
    return { ...base, kind: 'id', pattern: commonPattern(texts) };
  }
  return { ...base, kind: 'text' };
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function looksSequential(sorted: number[]): boolean {
  const span = sorted[sorted.length - 1]! - sorted[0]!;
  return span <= sorted.length * 2;
}

/** `CLM-10001` -> `AAA-#####`: letters become A, digits #, the rest stays; the most common shape wins. */
export function shapeOf(text: string): string {
  return text.replace(/[A-Za-z]/g, 'A').replace(/\d/g, '#');
}

function commonPattern(texts: string[]): string | undefined {
  const shapes = new Map<string, number>();
  for (const t of texts) shapes.set(shapeOf(t), (shapes.get(shapeOf(t)) ?? 0) + 1);
  const [best] = [...shapes.entries()].sort((a, b) => b[1] - a[1]);
  return best && best[1] >= 0.8 * texts.length ? best[0] : undefined;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[A-Za-z]{2,}$/;
const PHONE = /^\+?[\d\s().-]{7,20}$/;
const SSN = /^\d{3}-\d{2}-\d{4}$/;
const CARD = /^\d{4}([ -]?\d{4}){3}$/;
const IPV4 = /^(\d{1,3}\.){3}\d{1,3}$/;
const PERSON_NAME_COLUMN =
  /^(?:[a-z]+[_\s-]?)?(?:first|last|full|given|family|middle|sur|maiden)?[_\s-]?name$|^(?:surname|forename|name)$/i;
const NOT_PERSON =
  /(company|product|file|street|city|user|brand|item|org|business|host|domain|display|column|table|field|event|app|device|drug|team|project|group|category|country|state|store|place|account|dataset|model|service|plan|variable|tag|type)[_\s-]?name/i;
const PHONE_COLUMN = /phone|mobile|cell|tel(ephone)?$|fax/i;
const ADDRESS_COLUMN = /address|street/i;
const BIRTH_COLUMN = /birth|born|dob\b/i;

/** Personal data by the column's name and the shape of most of its values (90% of present values). */
function detectPii(profile: ColumnProfile, raw: unknown[]): PiiKind | undefined {
  const texts = raw.filter((v) => !isMissing(v)).map((v) => cellText(v).trim());
  if (texts.length === 0) return undefined;
  const share = (re: RegExp) => texts.filter((t) => re.test(t)).length / texts.length;
  const name = profile.name;
  if (share(EMAIL) >= 0.9) return 'email';
  if (share(SSN) >= 0.9) return 'ssn';
  if (share(CARD) >= 0.9) return 'credit_card';
  if (share(IPV4) >= 0.9) return 'ip_address';
  if (profile.kind === 'datetime') return BIRTH_COLUMN.test(name) ? 'date_of_birth' : undefined;
  const digits = (t: string) => t.replace(/\D/g, '').length;
  if (
    share(PHONE) >= 0.9 &&
    texts.every((t) => digits(t) >= 7 && digits(t) <= 15) &&
    (PHONE_COLUMN.test(name) || texts.filter((t) => /[\s().+-]/.test(t)).length / texts.length >= 0.9)
  ) {
    return 'phone';
  }
  if (
    PERSON_NAME_COLUMN.test(name) &&
    !NOT_PERSON.test(name) &&
    share(/^[\p{L}][\p{L}'.-]*( [\p{L}][\p{L}'.-]*){0,3}$/u) >= 0.9
  ) {
    return 'person_name';
  }
  if (ADDRESS_COLUMN.test(name) && !EMAIL.test(texts[0]!) && share(/\d/) >= 0.5) return 'street_address';
  return undefined;
}
