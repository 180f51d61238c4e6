import { hasContext } from '../context.js';
import type { AnalysisContext, Recognizer, RecognizerResult } from '../types.js';

/**
 * Credentials whose vendors give them a recognizable prefix or shape: certain when matched. A regex runs
 * only on texts holding its hint (`_`: one test for all the prefixes with an underscore).
 */
const KNOWN: { name: string; regex: RegExp; hint: string | RegExp }[] = [
  { name: 'openai', regex: /\bsk-(?:proj-|ant-(?:api\d{2}-)?)?[A-Za-z0-9_-]{20,}/g, hint: 'sk-' },
  { name: 'stripe', regex: /\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g, hint: '_' },
  {
    name: 'github',
    regex: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})/g,
    hint: '_',
  },
  { name: 'gitlab', regex: /\bglpat-[A-Za-z0-9_-]{20,}/g, hint: 'glpat-' },
  { name: 'slack', regex: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, hint: 'xox' },
  {
    name: 'aws access key',
    regex: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA)[0-9A-Z]{16}\b/g,
    hint: /A(?:KIA|SIA|GPA|IDA|ROA|NPA|NVA)/,
  },
  { name: 'google api key', regex: /\bAIza[0-9A-Za-z_-]{35}/g, hint: 'AIza' },
  { name: 'hugging face', regex: /\bhf_[A-Za-z0-9]{30,}/g, hint: '_' },
  { name: 'npm', regex: /\bnpm_[A-Za-z0-9]{36}\b/g, hint: '_' },
  { name: 'sendgrid', regex: /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g, hint: 'SG.' },
  { name: 'twilio', regex: /\b(?:AC|SK)[0-9a-f]{32}\b/g, hint: /\b(?:AC|SK)[0-9a-f]{32}/ },
  { name: 'jwt', regex: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, hint: 'eyJ' },
  {
    name: 'private key',
    regex: /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----[\s\S]{16,8192}?-----END (?:[A-Z]+ )?PRIVATE KEY-----/g,
    hint: 'PRIVATE KEY',
  },
  { name: 'openframer', regex: /\bof_[A-Za-z0-9_-]{32,}/g, hint: '_' },
];

/** A value assigned to a secret-sounding name: `api_key=...`, `"token": "..."`, `password: ...`. */
const ASSIGNED =
  /(?:[:=]|=>)(?<=\b(api[_-]?key|apikey|access[_-]?key|secret(?:[_-]?key)?|client[_-]?secret|auth[_-]?token|access[_-]?token|token|bearer|password|passwd|pwd)["']?[ \t]{0,3}(?:[:=]|=>))[ \t]{0,3}["']?([^\s"',;]{6,200})/dgi;
const BEARER = /\bBearer[ \t]()([^\s"',;]{6,200})/dg;

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
    const underscore = text.includes('_');
    for (const { name, regex, hint } of KNOWN) {
      if (hint === '_' ? !underscore : typeof hint === 'string' ? !text.includes(hint) : !hint.test(text))
        continue;
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
    for (const m of [...text.matchAll(ASSIGNED), ...(text.includes('Bearer') ? text.matchAll(BEARER) : [])]) {
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
    const digits = /\d+/g;
    for (let d = digits.exec(text); d; d = digits.exec(text)) {
      let start = d.index;
      while (start > 0 && isTokenChar(text.charCodeAt(start - 1))) start--;
      let end = d.index + d[0].length;
      while (end < n && isTokenChar(text.charCodeAt(end))) end++;
      while (end < n && text.charCodeAt(end) === 61 && end - start < 520) end++;
      // The next digits to look at are after this token.
      digits.lastIndex = end;
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
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}
