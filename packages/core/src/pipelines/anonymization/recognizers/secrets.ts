import { hasContext } from '../context.js';
import { digitRunsOf } from '../digits.js';
import type { AnalysisContext, Recognizer, RecognizerResult } from '../types.js';

/**
 * Credentials whose vendors give them a recognizable prefix or shape: certain when matched. A regex runs
 * only on texts holding its hint. Formats with a literal in their prefix (`sk_live_`, `ghp_`, `hf_`, `AC`)
 * are anchored on it: they are tried, as a sticky regex, only where the literal sits at its offset from
 * the start of a match (the texts of a table of emails are full of underscores, and one scan of the whole
 * text per format costs more than a look at each underscore). The matches are those of the global regex
 * (the same attempts, in the same order, skipping the ones inside an earlier match).
 */
interface KnownFormat {
  name: string;
  /** Global. */
  regex: RegExp;
  /**
   * Every match holds this (a string, every string of a list, or a match of the regex): texts without it
   * are skipped. Strings are chosen to start with a rare character (indexOf looks for the first one).
   */
  hint?: string | readonly string[] | RegExp;
  /** [literal, its offset from the start of a match]: every match holds one of them there. */
  anchors?: readonly (readonly [string, number])[];
}
const KNOWN: KnownFormat[] = [
  { name: 'openai', regex: /\bsk-(?:proj-|ant-(?:api\d{2}-)?)?[A-Za-z0-9_-]{20,}/g, hint: ['k-', 'sk-'] },
  { name: 'stripe', regex: /\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g, anchors: [['_', 2]] },
  {
    name: 'github',
    regex: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})/g,
    anchors: [
      ['_', 3],
      ['_', 6],
    ],
  },
  { name: 'gitlab', regex: /\bglpat-[A-Za-z0-9_-]{20,}/g, hint: 'glpat-' },
  { name: 'slack', regex: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, hint: 'xox' },
  {
    name: 'aws access key',
    regex: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA)[0-9A-Z]{16}\b/g,
    hint: /A(?:KIA|SIA|GPA|IDA|ROA|NPA|NVA)/,
  },
  { name: 'google api key', regex: /\bAIza[0-9A-Za-z_-]{35}/g, hint: 'AIza' },
  { name: 'hugging face', regex: /\bhf_[A-Za-z0-9]{30,}/g, anchors: [['_', 2]] },
  { name: 'npm', regex: /\bnpm_[A-Za-z0-9]{36}\b/g, anchors: [['_', 3]] },
  { name: 'sendgrid', regex: /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g, hint: 'SG.' },
  {
    name: 'twilio',
    regex: /\b(?:AC|SK)[0-9a-f]{32}\b/g,
    anchors: [
      ['AC', 0],
      ['SK', 0],
    ],
  },
  { name: 'jwt', regex: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, hint: '.eyJ' },
  {
    name: 'private key',
    regex: /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----[\s\S]{16,8192}?-----END (?:[A-Z]+ )?PRIVATE KEY-----/g,
    hint: 'Y-----',
  },
  { name: 'openframer', regex: /\bof_[A-Za-z0-9_-]{32,}/g, anchors: [['_', 2]] },
];

/** True when `text` holds `hint` (see KnownFormat.hint). */
export function holds(text: string, hint: string | readonly string[] | RegExp): boolean {
  if (typeof hint === 'string') return text.includes(hint);
  if (hint instanceof RegExp) return hint.test(text);
  for (const h of hint) if (!text.includes(h)) return false;
  return true;
}

/** The sticky twin of each anchored format. */
const STICKY = new Map(KNOWN.filter((k) => k.anchors).map((k) => [k, new RegExp(k.regex.source, 'y')]));

/** The positions of `literal` in `text` (overlapping ones included). */
function positions(text: string, literal: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(literal); i >= 0; i = text.indexOf(literal, i + 1)) out.push(i);
  return out;
}

/** The spans the global regex of an anchored format finds in `text`, from its anchors' positions. */
export function anchoredMatches(
  text: string,
  format: KnownFormat,
  at: (literal: string) => readonly number[],
): [number, number][] {
  const sticky = STICKY.get(format)!;
  const starts: number[] = [];
  for (const [literal, offset] of format.anchors!)
    for (const p of at(literal)) if (p - offset >= 0) starts.push(p - offset);
  if (format.anchors!.length > 1) starts.sort((a, b) => a - b);
  const out: [number, number][] = [];
  let floor = 0;
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i]!;
    if (s < floor || (i > 0 && s === starts[i - 1])) continue;
    sticky.lastIndex = s;
    const m = sticky.exec(text);
    if (!m) continue;
    out.push([s, s + m[0].length]);
    floor = s + m[0].length;
  }
  return out;
}

/** The formats, for tests. */
export const KNOWN_FORMATS: readonly KnownFormat[] = KNOWN;

/** A value assigned to a secret-sounding name: `api_key=...`, `"token": "..."`, `password: ...`. */
const ASSIGNED =
  /(?:[:=]|=>)(?<=\b(api[_-]?key|apikey|access[_-]?key|secret(?:[_-]?key)?|client[_-]?secret|auth[_-]?token|access[_-]?token|token|bearer|password|passwd|pwd)["']?[ \t]{0,3}(?:[:=]|=>))[ \t]{0,3}["']?([^\s"',;]{6,200})/dgi;
const BEARER = /\bBearer[ \t]()([^\s"',;]{6,200})/dg;
const ASSIGNED_AT = new RegExp(ASSIGNED.source, 'dyi');

/**
 * The matches of ASSIGNED, tried only at a `:` or `=` with the last letter of a secret-sounding name
 * (`y`, `t`, `n`, `r`, `d`: key, secret, token, bearer, password) before it, past at most three spaces and
 * a quote, as the look-behind requires. The same matches as the global regex, whose every attempt at
 * another character fails in that look-behind.
 */
export function assignedMatches(text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  let floor = 0;
  let colon = text.indexOf(':');
  let equals = text.indexOf('=');
  while (colon >= 0 || equals >= 0) {
    let p: number;
    if (equals < 0 || (colon >= 0 && colon < equals)) {
      p = colon;
      colon = text.indexOf(':', p + 1);
    } else {
      p = equals;
      equals = text.indexOf('=', p + 1);
    }
    if (p < floor) continue;
    let j = p - 1;
    while (j >= 0 && j > p - 4 && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j--;
    let c = text.charCodeAt(j);
    if (c === 34 || c === 39) c = text.charCodeAt(j - 1);
    c |= 0x20;
    if (c !== 121 && c !== 116 && c !== 110 && c !== 114 && c !== 100) continue;
    ASSIGNED_AT.lastIndex = p;
    const m = ASSIGNED_AT.exec(text);
    if (!m) continue;
    out.push(m);
    floor = p + m[0].length;
  }
  return out;
}

/** Characters of a random-looking token (base64, base64url, hex, ids): `[A-Za-z0-9_+/-]`. */
const isTokenChar = (c: number) =>
  (c >= 97 && c <= 122) ||
  (c >= 65 && c <= 90) ||
  (c >= 48 && c <= 57) ||
  c === 95 ||
  c === 43 ||
  c === 47 ||
  c === 45;

const CONTEXT = [
  'key',
  'token',
  'secret',
  'api',
  'apikey',
  'bearer',
  'auth',
  'credential',
  'password',
  'access',
];

/**
 * API keys, tokens and other secrets: vendor formats (OpenAI, Stripe, GitHub, AWS, Slack, JWTs, private
 * keys), values assigned to secret-sounding names (`api_key=...`, `password: ...`, `Bearer ...`), and
 * long random-looking tokens (Shannon entropy), the last only with context words nearby.
 */
export const secretsRecognizer: Recognizer<'api_key' | 'password'> = {
  name: 'secrets',
  kind: 'heuristics',
  labels: ['api_key', 'password'],
  context: CONTEXT,
  headers: /^(api[-_ ]?key|apikey|token|secret|access[-_ ]?key|auth[-_ ]?token|password|passwd|pwd)s?$/i,
  analyze(ctx: AnalysisContext) {
    const text = ctx.text;
    const out: RecognizerResult<'api_key' | 'password'>[] = [];
    const passwordHint = ctx.hints.some((h) => /pass(word|wd)|pwd/i.test(h));
    const found = new Map<string, number[]>();
    const at = (literal: string) => {
      let list = found.get(literal);
      if (!list) {
        list = positions(text, literal);
        found.set(literal, list);
      }
      return list;
    };
    for (const format of KNOWN) {
      const { name, regex, hint } = format;
      if (format.anchors) {
        for (const [start, end] of anchoredMatches(text, format, at)) {
          out.push({ start, end, label: 'api_key', score: 0.95, recognizer: `secrets:${name}` });
        }
        continue;
      }
      if (hint !== undefined && !holds(text, hint)) continue;
      for (const m of text.matchAll(regex)) {
        out.push({
          start: m.index,
          end: m.index + m[0].length,
          label: 'api_key',
          score: 0.95,
          recognizer: `secrets:${name}`,
        });
      }
    }
    for (const m of [...assignedMatches(text), ...(text.includes('Bearer') ? text.matchAll(BEARER) : [])]) {
      const [start, rawEnd] = m.indices![2]!;
      const value = text.slice(start, rawEnd).replace(/[.)\]}>]+$/, '');
      if (value.length < 6) continue;
      const password = /pass(word|wd)|pwd/i.test(m[1] ?? '');
      out.push({
        start,
        end: start + value.length,
        label: password ? 'password' : 'api_key',
        score: 0.85,
        recognizer: 'secrets:assigned',
        contextApplied: true,
      });
    }
    // Random tokens hold a digit: expand each run of digits to the token around it.
    const n = text.length;
    const runs = digitRunsOf(ctx);
    let floor = 0;
    for (let r = 0; r < runs.length; r += 2) {
      // The next digits to look at are after the last token.
      if (runs[r]! < floor) continue;
      let end = runs[r + 1]!;
      let start = end;
      while (start > 0 && isTokenChar(text.charCodeAt(start - 1))) start--;
      while (end < n && isTokenChar(text.charCodeAt(end))) end++;
      while (end < n && text.charCodeAt(end) === 61 && end - start < 520) end++;
      floor = end;
      if (end - start < 24 || end - start > 512) continue;
      const token = text.slice(start, end);
      if (!/[A-Za-z]/.test(token)) continue;
      const h = entropy(token);
      if (h < 3.5) continue;
      const mixedCase = /[a-z]/.test(token) && /[A-Z]/.test(token);
      let score = mixedCase && h >= 4 ? 0.35 : 0.15;
      if (hasContext(text, start, end, CONTEXT, ctx.hints, { before: 40, after: 5 }))
        score = Math.max(score + 0.4, 0.6);
      out.push({
        start,
        end,
        label: passwordHint ? 'password' : 'api_key',
        score,
        recognizer: 'secrets:entropy',
        contextApplied: true,
      });
    }
    return out;
  },
};

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  // Tokens are ASCII: counts in an array, the characters summed in order of first appearance (as a Map
  // iterates), so the result is the same to the last bit.
  const counts = COUNTS;
  const order = ORDER;
  let distinct = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) return entropyOf(s);
    const seen = counts[c]!;
    counts[c] = seen + 1;
    if (seen === 0) order[distinct++] = c;
  }
  let h = 0;
  for (let k = 0; k < distinct; k++) {
    const c = order[k]!;
    const p = counts[c]! / s.length;
    h -= p * Math.log2(p);
    counts[c] = 0;
  }
  return h;
}

const COUNTS = new Int32Array(128);
const ORDER = new Uint8Array(128);

/** Shannon entropy of any string, by code point. */
function entropyOf(s: string): number {
  COUNTS.fill(0);
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}
