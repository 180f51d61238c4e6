import { type ModelledColumn, numberCode, parseDate } from './columns.js';
import { cellText, isMissing } from './profile.js';

/**
 * What a condition asks of one column, resolved against its model: an exact value (with its code), or a
 * set of allowed codes and, for numbers, a range the value must fall in (a spec bin label such as `20-34`,
 * `10.5 to under 20` or `20 to 99`, as `statistical/spec.ts` writes them).
 */
export interface ResolvedCondition {
  /** The code the value has (its category, or the bin its number falls in). */
  code?: number;
  /** The value to emit as is. */
  literal?: unknown;
  /** Codes that satisfy the condition when no single value is fixed. */
  allowed?: number[];
  /** Inclusive-lower range for numbers; `hiInclusive` tells whether `hi` itself is allowed. */
  range?: { lo: number; hi: number; hiInclusive: boolean };
}

const NUM = '(-?\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?)';
const INT_RANGE = new RegExp(`^${NUM}\\s*-\\s*${NUM}$`, 'i');
const UNDER_RANGE = new RegExp(`^${NUM} to under ${NUM}$`, 'i');
const CLOSED_RANGE = new RegExp(`^${NUM} to ${NUM}$`, 'i');

/** A spec bin label as a numeric range, if it is one. */
export function parseBinLabel(label: string): ResolvedCondition['range'] | undefined {
  const t = label.trim();
  let m = UNDER_RANGE.exec(t);
  if (m) return { lo: Number(m[1]), hi: Number(m[2]), hiInclusive: false };
  m = CLOSED_RANGE.exec(t);
  if (m) return { lo: Number(m[1]), hi: Number(m[2]), hiInclusive: true };
  m = INT_RANGE.exec(t);
  if (m && Number(m[1]) <= Number(m[2])) return { lo: Number(m[1]), hi: Number(m[2]), hiInclusive: true };
  return undefined;
}

export function inRange(x: number, r: NonNullable<ResolvedCondition['range']>): boolean {
  return x >= r.lo && (r.hiInclusive ? x <= r.hi : x < r.hi);
}

/**
 * Resolves `value` for a column. `others` lists the values a spec property names besides `other`: the
 * condition `other` then means "any value but those".
 */
export function resolveCondition(
  model: ModelledColumn,
  value: unknown,
  others?: string[],
): ResolvedCondition {
  if (isMissing(value)) return { code: 0, literal: value };
  const text = cellText(value).trim();
  if (model.role === 'categorical') {
    const code = model.index.get(text);
    if (code !== undefined) return { code, literal: model.values[code] };
    if (text.toLowerCase() === 'other' && others) {
      const excluded = new Set(others.map((o) => o.trim()));
      const allowed: number[] = [];
      for (let c = 1; c < model.levels; c++) if (!excluded.has(model.labels[c]!)) allowed.push(c);
      if (allowed.length > 0) return { allowed };
    }
    // A value the seed never had (or had too rarely to model): emitted as asked, modelled as the rare bucket.
    return { code: Math.max(model.rareCode, 0), literal: value };
  }
  if (model.role === 'datetime') {
    const parsed = parseDate(text);
    if (parsed) return { code: numberCode(model, parsed.ms), literal: value };
    return { code: 0, literal: value };
  }
  const x = Number(text);
  if (text !== '' && Number.isFinite(x)) return { code: numberCode(model, x), literal: value };
  if (text.toLowerCase() === 'other' && others) {
    // Any number but the listed ones: bins holding some other value.
    const listed = new Set(others.map(Number).filter(Number.isFinite));
    const allowed: number[] = [];
    model.bins.forEach((b, i) => {
      if (!b.spike || !listed.has(b.lo)) allowed.push(i + 1);
    });
    if (allowed.length > 0) return { allowed };
  }
  const range = parseBinLabel(text);
  if (range) {
    const allowed: number[] = [];
    model.bins.forEach((b, i) => {
      const overlaps = b.hi >= range.lo && (range.hiInclusive ? b.lo <= range.hi : b.lo < range.hi);
      if (overlaps) allowed.push(i + 1);
    });
    if (allowed.length === 0)
      allowed.push(numberCode(model, Math.min(Math.max(range.lo, model.min), model.max)));
    return { allowed, range };
  }
  return { code: 0, literal: value };
}
