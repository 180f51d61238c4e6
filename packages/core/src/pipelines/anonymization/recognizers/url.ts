import type { AnalysisContext, Recognizer, RecognizerResult } from '../types.js';

/** Common top-level domains for bare domains (`example.com`); URLs with a scheme or `www.` need none. */
const TLDS =
  'com|org|net|edu|gov|mil|int|info|biz|io|ai|co|app|dev|me|tv|us|uk|ca|au|de|fr|it|es|nl|be|ch|at|se|no|dk|fi|pl|cz|sk|hu|pt|ie|gr|cy|ro|bg|hr|si|ee|lv|lt|ru|ua|tr|il|in|cn|jp|kr|tw|hk|sg|nz|za|br|mx|ar|cl|uy|pe|ly|is|lu';

/** Top-level domains that are also words (`this.is`, `go.to`): a bare domain ending in one needs context. */
const WORDLIKE_TLDS = new Set('is it me co in be at no us ai io tv to so am my an as do go id ly'.split(' '));

export const SCHEME = /\b(?:https?|ftp):\/\/[^\s<>"'`]+/gi;
const SCHEME_AT = new RegExp(SCHEME.source, 'iy');

/**
 * The matches of SCHEME as [start, end] pairs: tried (sticky) 3, 4 and 5 characters before each `://`
 * (`ftp`, `http`, `https`), in order and none inside an earlier one, as the global regex finds them (one
 * indexOf instead of a case-insensitive scan with a leading word boundary).
 */
export function schemeUrls(text: string): [number, number][] {
  const starts: number[] = [];
  for (let i = text.indexOf('://'); i >= 0; i = text.indexOf('://', i + 1))
    for (const back of [5, 4, 3]) if (i - back >= 0) starts.push(i - back);
  if (starts.length === 0) return [];
  starts.sort((a, b) => a - b);
  const out: [number, number][] = [];
  let floor = 0;
  for (let k = 0; k < starts.length; k++) {
    const s = starts[k]!;
    if (s < floor || (k > 0 && s === starts[k - 1])) continue;
    SCHEME_AT.lastIndex = s;
    if (!SCHEME_AT.test(text)) continue;
    floor = SCHEME_AT.lastIndex;
    out.push([s, floor]);
  }
  return out;
}
const WWW = /(?<![\w.@/])www\.[^\s<>"'`]+/gi;
/** A dot and a top-level domain at the end of a word: the anchor of a bare domain. */
const TLD_END = new RegExp(`\\.(?:${TLDS})(?:\\.(?:${TLDS}))?(?![\\p{L}\\p{N}@-])`, 'giu');
const HOST_CHAR = /[\p{L}\p{N}.-]/u;

const CONTEXT = ['url', 'website', 'site', 'link', 'web', 'page', 'visit', 'homepage', 'domain'];

/**
 * URLs: with a scheme (`https://...`), starting with `www.`, or a bare domain with a known top-level
 * domain (`acme.com`, found from its top-level domain backwards). Closing punctuation that ends the
 * sentence is not part of the URL; file names (`report.pdf`) never end in a listed top-level domain.
 */
export const urlRecognizer: Recognizer<'url'> = {
  name: 'url',
  kind: 'heuristics',
  labels: ['url'],
  context: CONTEXT,
  headers: /^(url|website|web[-_ ]?site|homepage|link|domain)s?$/i,
  analyze(ctx: AnalysisContext) {
    const text = ctx.text;
    if (!text.includes('.')) return [];
    const out: RecognizerResult<'url'>[] = [];
    const push = (start: number, raw: string, score: number) => {
      const end = start + trimmedLength(raw);
      if (end > start) out.push({ start, end, label: 'url', score, recognizer: 'url' });
    };
    for (const [start, end] of schemeUrls(text)) push(start, text.slice(start, end), 0.9);
    for (const m of text.matchAll(WWW)) push(m.index, m[0], 0.8);
    for (const m of text.matchAll(TLD_END)) {
      let start = m.index;
      while (start > 0 && HOST_CHAR.test(text[start - 1]!)) start--;
      // Part of an email, a path or a URL found above; or no name before the dot.
      if (start === m.index || /[@/:]/.test(text[start - 1] ?? '')) continue;
      while (text[start] === '.' || text[start] === '-') start++;
      if (start >= m.index) continue;
      let end = m.index + m[0].length;
      if (text[end] === '/') while (end < text.length && !/[\s<>"'`]/.test(text[end]!)) end++;
      const raw = text.slice(start, end);
      if (/^www\./i.test(raw)) continue;
      const tld = m[0].slice(m[0].lastIndexOf('.') + 1);
      if (tld !== tld.toLowerCase()) continue;
      push(start, raw, WORDLIKE_TLDS.has(tld) ? 0.2 : 0.5);
    }
    return out;
  },
};

/** Length of a URL without the sentence punctuation after it (a closing bracket opened inside stays). */
function trimmedLength(match: string): number {
  let end = match.length;
  while (end > 0 && /[.,;:!?'")\]}>]/.test(match[end - 1]!)) {
    if (match[end - 1] === ')' && match.slice(0, end - 1).includes('(')) break;
    end--;
  }
  return end;
}
