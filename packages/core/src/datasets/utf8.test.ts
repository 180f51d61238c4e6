import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { decodeUtf8, findInvalidUtf8 } from './utf8.js';

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield Buffer.from(bytes.subarray(i, i + size));
}

async function decodeAll(bytes: Uint8Array, size = 3): Promise<string> {
  let out = '';
  for await (const text of decodeUtf8(chunked(bytes, size), 'f.txt')) out += text;
  return out;
}

async function decodeError(bytes: Uint8Array, size = 3): Promise<InvalidInputError> {
  try {
    await decodeAll(bytes, size);
  } catch (err) {
    if (err instanceof InvalidInputError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('findInvalidUtf8', () => {
  it('finds the first bad byte', () => {
    expect(findInvalidUtf8(Buffer.from('héllo ☕ 𝄞'))).toBe(-1);
    expect(findInvalidUtf8(Buffer.from([0x61, 0xff]))).toBe(1);
    expect(findInvalidUtf8(Buffer.from([0x61, 0xc3, 0x28]))).toBe(1); // bad continuation
    expect(findInvalidUtf8(Buffer.from([0xc0, 0x80]))).toBe(0); // overlong
    expect(findInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0); // surrogate
    expect(findInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // above U+10FFFF
    expect(findInvalidUtf8(Buffer.from([0x61, 0xe2, 0x98]))).toBe(1); // truncated, final
    expect(findInvalidUtf8(Buffer.from([0x61, 0xe2, 0x98]), false)).toBe(-1); // truncated, more may come
  });

  it('agrees with the fatal TextDecoder on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        let valid = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          valid = false;
        }
        expect(findInvalidUtf8(bytes) === -1).toBe(valid);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('decodeUtf8', () => {
  it('decodes characters split across chunks and drops a BOM', async () => {
    const text = 'ünïcödé ☕ 𝄞 done';
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    for (const size of [1, 2, 3, 5, 64]) expect(await decodeAll(bytes, size)).toBe(text);
  });

  it('round-trips any string in any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.integer({ min: 1, max: 8 }),
        async (s, size) => {
          const clean = s.replaceAll('\u0000', '').replace(/^\ufeff/, '');
          expect(await decodeAll(Buffer.from(clean), size)).toBe(clean);
        },
      ),
    );
  });

  it('reports the line and byte offset of invalid bytes, across chunk boundaries', async () => {
    const bytes = Buffer.concat([Buffer.from('line one\nline twö\nab'), Buffer.from([0xe2, 0x28, 0x41])]);
    for (const size of [1, 2, 4, 100]) {
      const err = await decodeError(bytes, size);
      expect(err.message).toBe(
        'f.txt: is not valid UTF-8 text (byte 0xE2 at line 3, byte offset 21); save the file with UTF-8 encoding and upload it again.',
      );
      expect(err.fieldErrors).toEqual({ files: [err.message] });
    }
  });

  it('reports Latin-1 text as not UTF-8', async () => {
    const err = await decodeError(Buffer.from('caf\xe9\n', 'latin1'));
    expect(err.message).toMatch(/byte 0xE9 at line 1, byte offset 3/);
  });

  it('reports a file that ends in the middle of a character', async () => {
    const err = await decodeError(Buffer.from([0x61, 0xe2, 0x98]));
    expect(err.message).toMatch(/^f\.txt: is not valid UTF-8 text \(it ends in the middle of a character\)/);
  });

  it('refuses NUL characters as a sign of a binary file', async () => {
    const err = await decodeError(Buffer.from('ok\nstill ok\nbin\u0000ary'));
    expect(err.message).toBe(
      'f.txt: contains a NUL character at line 3; it looks like a binary file, not text.',
    );
  });
});
