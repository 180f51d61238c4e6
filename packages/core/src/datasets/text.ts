import { InvalidInputError } from '../errors.js';
import { decodeUtf8 } from './utf8.js';

/** Characters counted as code points, so an emoji counts once rather than as two UTF-16 units. */
export function countCharacters(text: string): number {
  let surrogatePairs = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) surrogatePairs++;
  }
  return text.length - surrogatePairs;
}

/** A plain-text or Markdown seed: valid UTF-8 with something other than whitespace in it. */
export async function inspectText(
  chunks: AsyncIterable<Buffer>,
  path: string,
): Promise<{ textLength: number }> {
  let length = 0;
  let hasContent = false;
  for await (const text of decodeUtf8(chunks, path)) {
    length += countCharacters(text);
    if (!hasContent && /\S/.test(text)) hasContent = true;
  }
  if (!hasContent) throw new InvalidInputError(`${path}: is empty (it has no text).`, 'files');
  return { textLength: length };
}
