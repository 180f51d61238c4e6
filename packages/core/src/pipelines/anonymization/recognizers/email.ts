import type { AnalysisContext, Recognizer, RecognizerResult } from '../types.js';

const EMAIL =
  /^[\p{L}\p{N}][\p{L}\p{N}._%+-]*@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}{2,24}$/u;
const LOCAL_CHAR = /[\p{L}\p{N}._%+-]/u;
const DOMAIN_CHAR = /[\p{L}\p{N}.-]/u;

/**
 * Email addresses: a local part, `@`, a domain with a top-level domain of letters. Found from each `@`
 * outwards (cheap on long texts), then checked as a whole; dots may not start, end or double up in the
 * local part.
 */
export const emailRecognizer: Recognizer<'email'> = {
  name: 'email',
  kind: 'heuristics',
  labels: ['email'],
  context: ['email', 'e-mail', 'mail', 'contact', 'address'],
  headers: /^(e[-_ ]?mail|email[-_ ]?address|mail)s?$/i,
  analyze(ctx: AnalysisContext) {
    const text = ctx.text;
    const out: RecognizerResult<'email'>[] = [];
    for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
      let start = at;
      while (start > 0 && LOCAL_CHAR.test(text[start - 1]!)) start--;
      let end = at + 1;
      while (end < text.length && DOMAIN_CHAR.test(text[end]!)) end++;
      // Sentence punctuation and hyphens at the end are not part of the domain.
      while (end > at + 1 && /[.-]/.test(text[end - 1]!)) end--;
      while (start < at && /[._%+-]/.test(text[start]!)) start++;
      const candidate = text.slice(start, end);
      if (!EMAIL.test(candidate)) continue;
      const local = candidate.slice(0, at - start);
      if (local.endsWith('.') || local.includes('..') || local.length > 64) continue;
      out.push({ start, end, label: 'email', score: 1, recognizer: 'email' });
    }
    return out;
  },
};
