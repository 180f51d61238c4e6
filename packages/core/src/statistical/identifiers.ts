import type { Rng } from '../sampling/rng.js';
import { cellText, isMissing } from './profile.js';

/**
 * New identifiers in the format of the seed's, never one of the seed's and never the same one twice:
 * - running integers continue after the largest seed value (spread out when the seed's are), also inside
 *   a fixed prefix and suffix (`CLM-10001` -> `CLM-10502`);
 * - other identifiers keep their shape position by position: characters every seed value shares there
 *   (a prefix like `CLM-`, separators) stay, digits become random digits, letters random letters of the
 *   same case, hex digits random hex digits (e.g. UUIDs);
 * - emails keep a seed domain used at least `rareThreshold` times (else `example.com`) with a new local part;
 * - person names recombine first and last name tokens of different seed rows (tokens of a single row are
 *   left out when enough shared ones exist), never giving a seed name (when every combination is taken,
 *   a middle initial is added).
 */
export interface IdentifierGenerator {
  next(rng: Rng): unknown;
}

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const HEX_LOWER = '0123456789abcdef';
const HEX_UPPER = '0123456789ABCDEF';

function presentTexts(raw: unknown[]): string[] {
  return raw.filter((v) => !isMissing(v)).map((v) => cellText(v).trim());
}

/** Retries until the value is new; after many collisions the format is stretched by a digit. */
function unique(seen: Set<string>, make: (attempt: number) => string): string {
  for (let attempt = 0; ; attempt++) {
    const v = make(attempt);
    if (!seen.has(v)) {
      seen.add(v);
      return v;
    }
  }
}

export function identifierGenerator(raw: unknown[]): IdentifierGenerator {
  const texts = presentTexts(raw);
  const seen = new Set(texts);
  const numberTyped = raw.some((v) => typeof v === 'number');
  if (texts.length > 0 && texts.every((t) => /^-?\d+$/.test(t) && t.length < 16)) {
    const values = texts.map(Number).sort((a, b) => a - b);
    const widths = new Set(texts.map((t) => t.length));
    const fixedWidth = widths.size === 1 && texts[0]!.startsWith('0') ? texts[0]!.length : 0;
    const step = Math.max(
      1,
      Math.round((values[values.length - 1]! - values[0]!) / Math.max(1, values.length - 1)),
    );
    let next = values[values.length - 1]! + 1;
    return {
      next: (rng) => {
        const v = unique(seen, () => {
          const x = next + (step > 1 ? rng.int(step) : 0);
          next = x + 1;
          return fixedWidth ? String(x).padStart(fixedWidth, '0') : String(x);
        });
        return numberTyped ? Number(v) : v;
      },
    };
  }
  // A fixed prefix and suffix around a running number (`CLM-10001`, `INV2024-0042`): the number goes on.
  const framed = texts.map((t) => /^(.*?)(\d+)(\D*)$/.exec(t));
  if (
    texts.length > 0 &&
    framed.every((m) => m && m[1] === framed[0]![1] && m[3] === framed[0]![3] && m[2]!.length < 16)
  ) {
    const prefix = framed[0]![1]!;
    const suffix = framed[0]![3]!;
    const digits = framed.map((m) => m![2]!);
    const values = digits.map(Number).sort((a, b) => a - b);
    const width =
      new Set(digits.map((d) => d.length)).size === 1 && digits[0]!.startsWith('0') ? digits[0]!.length : 0;
    const lo = values[0]!;
    const hi = values[values.length - 1]!;
    if (values.length > 1 && hi - lo <= values.length * 20) {
      let next = hi + 1;
      const step = Math.max(1, Math.round((hi - lo) / (values.length - 1)));
      return {
        next: (rng) =>
          unique(seen, () => {
            const x = next + (step > 1 ? rng.int(step) : 0);
            next = x + 1;
            return `${prefix}${width ? String(x).padStart(width, '0') : String(x)}${suffix}`;
          }),
      };
    }
  }
  return patternGenerator(texts, seen);
}

/** Random values in the positional format of the seed values (grouped by length). */
function patternGenerator(texts: string[], seen: Set<string>): IdentifierGenerator {
  if (texts.length === 0) return { next: () => '' };
  const byLength = new Map<number, string[]>();
  for (const t of texts) byLength.set(t.length, [...(byLength.get(t.length) ?? []), t]);
  const templates = new Map<number, ((rng: Rng) => string)[]>();
  for (const [length, group] of byLength) {
    const positions: ((rng: Rng) => string)[] = [];
    for (let p = 0; p < length; p++) {
      const chars = new Set(group.map((t) => t[p]!));
      const all = [...chars].join('');
      if (chars.size === 1 && (group.length > 1 || !/[A-Za-z0-9]/.test(all))) {
        const c = all;
        positions.push(() => c);
      } else if (/^[0-9]+$/.test(all)) positions.push((rng) => DIGITS[rng.int(10)]!);
      else if (/^[0-9a-f]+$/.test(all) && group.every((t) => /^[0-9a-f-]+$/.test(t)))
        positions.push((rng) => HEX_LOWER[rng.int(16)]!);
      else if (/^[0-9A-F]+$/.test(all) && group.every((t) => /^[0-9A-F-]+$/.test(t)))
        positions.push((rng) => HEX_UPPER[rng.int(16)]!);
      else if (/^[A-Z]+$/.test(all)) positions.push((rng) => UPPER[rng.int(26)]!);
      else if (/^[a-z]+$/.test(all)) positions.push((rng) => LOWER[rng.int(26)]!);
      else if (/^[A-Za-z]+$/.test(all)) positions.push((rng) => (rng.int(2) ? UPPER : LOWER)[rng.int(26)]!);
      else if (/^[A-Za-z0-9]+$/.test(all)) positions.push((rng) => (DIGITS + UPPER)[rng.int(36)]!);
      else {
        // Mixed punctuation at this position: keep one of the seed's characters there.
        const options = [...chars];
        positions.push((rng) => options[rng.int(options.length)]!);
      }
    }
    templates.set(length, positions);
  }
  return {
    next: (rng) =>
      unique(seen, (attempt) => {
        const template = texts[rng.int(texts.length)]!;
        const positions = templates.get(template.length)!;
        const v = positions.map((make) => make(rng)).join('');
        // Formats too narrow to hold new values get extra digits.
        return attempt > 20 ? `${v}${rng.int(10 ** Math.min(9, Math.floor(attempt / 20)))}` : v;
      }),
  };
}

export function emailGenerator(raw: unknown[], rareThreshold: number): IdentifierGenerator {
  const texts = presentTexts(raw);
  const seen = new Set(texts.map((t) => t.toLowerCase()));
  const domains = new Map<string, number>();
  const locals: string[] = [];
  for (const t of texts) {
    const at = t.lastIndexOf('@');
    if (at < 0) continue;
    const d = t.slice(at + 1);
    domains.set(d, (domains.get(d) ?? 0) + 1);
    locals.push(t.slice(0, at));
  }
  const common = [...domains.entries()].filter(([, c]) => c >= rareThreshold).map(([d]) => d);
  const pool = common.length ? common : ['example.com'];
  const local = patternGenerator(locals.length ? locals : ['user'], new Set());
  return {
    next: (rng) =>
      unique(seen, (attempt) => {
        const name = String(local.next(rng)).toLowerCase();
        return `${name}${attempt > 3 ? rng.int(1000) : ''}@${pool[rng.int(pool.length)]}`;
      }),
  };
}

export function personNameGenerator(raw: unknown[]): IdentifierGenerator {
  const texts = presentTexts(raw);
  const seedNames = new Set(texts);
  const firsts: string[] = [];
  const lasts: string[] = [];
  const middles: string[] = [];
  for (const t of texts) {
    const parts = t.split(/\s+/);
    if (parts.length === 1) {
      firsts.push(parts[0]!);
      continue;
    }
    firsts.push(parts[0]!);
    lasts.push(parts[parts.length - 1]!);
    middles.push(...parts.slice(1, -1));
  }
  const multiword = lasts.length >= texts.length / 2;
  // Tokens that only one seed row has are identifying: left out when enough shared ones remain.
  const shared = (tokens: string[]) => {
    const counts = new Map<string, number>();
    for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    const kept = tokens.filter((t) => counts.get(t)! >= 2);
    return new Set(kept).size >= 5 ? kept : tokens;
  };
  const [f, l, m] = [shared(firsts), shared(lasts), shared(middles)];
  firsts.splice(0, firsts.length, ...f);
  lasts.splice(0, lasts.length, ...l);
  middles.splice(0, middles.length, ...m);
  // Names may repeat in the output (people share names); they are only never a seed's name.
  const fresh = (make: (attempt: number) => string) => {
    for (let attempt = 0; ; attempt++) {
      const v = make(attempt);
      if (!seedNames.has(v)) return v;
    }
  };
  return {
    next: (rng) =>
      fresh((attempt) => {
        if (!multiword) {
          // Single tokens: join the front of one with the back of another.
          const a = firsts[rng.int(firsts.length)]!;
          const b = firsts[rng.int(firsts.length)]!;
          const cut = (s: string) => Math.max(1, Math.floor(s.length / 2));
          const v = a.slice(0, cut(a)) + b.slice(cut(b));
          return attempt > 10 ? `${v}${LOWER[rng.int(26)]}` : v;
        }
        const parts = [firsts[rng.int(firsts.length)]!];
        if (middles.length && rng.next() < middles.length / texts.length)
          parts.push(middles[rng.int(middles.length)]!);
        parts.push(lasts[rng.int(lasts.length)]!);
        if (attempt > 10) parts.splice(1, 0, `${UPPER[rng.int(26)]}.`);
        return parts.join(' ');
      }),
  };
}
