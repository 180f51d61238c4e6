import { isIPv4, isIPv6 } from 'node:net';
import type { Recognizer, RecognizerResult } from '../types.js';
import { patternRecognizer } from './pattern.js';

const IP_CONTEXT = [
  'ip',
  'address',
  'host',
  'server',
  'client',
  'gateway',
  'subnet',
  'connected',
  'login',
  'from',
];
const IP_HEADERS = /^(ip|ip[-_ ]?addr(ess)?|client[-_ ]?ip|remote[-_ ]?(ip|addr(ess)?)|host)$/i;

/** IPv4 addresses in dotted-quad form; software versions (`v1.2.3.4`) are not addresses. */
export const ipv4Recognizer = patternRecognizer({
  name: 'ipv4',
  label: 'ipv4',
  needsDigits: true,
  // Validation reads the 8 characters before the address (`version 1.2.3.4`).
  digitWindow: { before: 12, after: 4 },
  patterns: [
    { name: 'ipv4', regex: /(?<![\p{L}\p{N}.])(?:\d{1,3}\.){3}\d{1,3}(?![\p{N}]|\.\d)/gu, score: 0.6 },
  ],
  context: IP_CONTEXT,
  headers: IP_HEADERS,
  prefilter: (text) => text.includes('.'),
  validate: (match, ctx, start) => {
    if (!isIPv4(match)) return false;
    if (/v(ersion)?\s?$/i.test(ctx.text.slice(Math.max(0, start - 8), start))) return false;
    return 0.75;
  },
});

/** IPv6 addresses, full or compressed (`::`), validated by Node's parser; found from their colons. */
export const ipv6Recognizer: Recognizer<'ipv6'> = {
  name: 'ipv6',
  kind: 'heuristics',
  labels: ['ipv6'],
  context: IP_CONTEXT,
  headers: IP_HEADERS,
  analyze(ctx) {
    const text = ctx.text;
    const out: RecognizerResult<'ipv6'>[] = [];
    let after = -1;
    const anchors = ipv6Anchors(text);
    for (let a = 0; a < anchors.length; a += 2) {
      if (anchors[a]! < after) continue;
      let start = anchors[a]!;
      let end = anchors[a + 1]!;
      while (start > 0 && IPV6_CHAR.test(text[start - 1]!)) start--;
      while (end < text.length && IPV6_CHAR.test(text[end]!)) end++;
      after = end;
      // A trailing period ends the sentence; a leading or trailing single colon is punctuation.
      let candidate = text.slice(start, end);
      while (candidate.endsWith('.')) candidate = candidate.slice(0, -1);
      if (/^:[^:]/.test(candidate)) {
        candidate = candidate.slice(1);
        start++;
      }
      if (/[^:]:$/.test(candidate)) candidate = candidate.slice(0, -1);
      if ((start > 0 && /[\p{L}\p{N}]/u.test(text[start - 1]!)) || !isIPv6(candidate)) continue;
      // `12::` or `::1`-like stubs in prose are rare addresses; times (12:30:45) never pass isIPv6.
      const score = (candidate.match(/:/g)?.length ?? 0) >= 3 ? 0.85 : 0.4;
      out.push({ start, end: start + candidate.length, label: 'ipv6', score, recognizer: 'ipv6' });
    }
    return out;
  },
};

/** Two colons with at most four hex digits between them: where an IPv6 address may be. */
export const IPV6_ANCHOR = /:[0-9A-Fa-f]{0,4}:/g;
const IPV6_ANCHOR_AT = new RegExp(IPV6_ANCHOR.source, 'y');

/**
 * The matches of IPV6_ANCHOR ([start, end, ...]): they start at a colon, so they are tried (sticky) at each
 * colon after the last match, as the global regex finds them (indexOf is much faster than the scan).
 */
export function ipv6Anchors(text: string): number[] {
  const out: number[] = [];
  let floor = 0;
  for (let colon = text.indexOf(':'); colon >= 0; colon = text.indexOf(':', colon + 1)) {
    if (colon < floor) continue;
    IPV6_ANCHOR_AT.lastIndex = colon;
    if (!IPV6_ANCHOR_AT.test(text)) continue;
    floor = IPV6_ANCHOR_AT.lastIndex;
    out.push(colon, floor);
  }
  return out;
}
const IPV6_CHAR = /[0-9A-Fa-f:.]/;
