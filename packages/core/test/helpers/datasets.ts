import { Readable } from 'node:stream';
import yazl from 'yazl';
import type { StagedFile } from '../../src/datasets/types.js';

/** A StagedFile over bytes in memory, served in `chunkSize` pieces to exercise chunk boundaries. */
export function stagedFromBuffer(
  name: string,
  data: string | Uint8Array,
  folder: string | null = null,
  chunkSize = 64 * 1024,
): StagedFile {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  return {
    name,
    folder,
    size: bytes.length,
    open: () => {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
      return Readable.from(chunks, { objectMode: false });
    },
  };
}

function pdfString(text: string): string {
  return `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

/**
 * A minimal but well-formed PDF (Helvetica text, a correct xref table): one page per entry of `pages`, each
 * page's lines drawn top to bottom. `encrypted` adds a Standard security handler whose user password is not
 * empty, so readers must ask for a password.
 */
export function buildPdf(pages: string[][], options: { encrypted?: boolean } = {}): Buffer {
  const objects: string[] = [];
  const add = (body: string): number => {
    objects.push(body);
    return objects.length;
  };
  const catalog = add('');
  const pagesObj = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const kids: number[] = [];
  for (const lines of pages) {
    const ops = lines.map((line, i) => `${i === 0 ? '' : 'T* '}${pdfString(line)} Tj`).join('\n');
    const stream = lines.length === 0 ? '' : `BT /F1 12 Tf 14 TL 72 720 Td\n${ops}\nET`;
    const contents = add(
      `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
    );
    kids.push(
      add(
        `<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${contents} 0 R >>`,
      ),
    );
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objects[pagesObj - 1] =
    `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  let encrypt = '';
  if (options.encrypted) {
    const junk = 'ab'.repeat(32);
    const enc = add(`<< /Filter /Standard /V 1 /R 2 /O <${junk}> /U <${'cd'.repeat(32)}> /P -4 >>`);
    encrypt = ` /Encrypt ${enc} 0 R /ID [<${'01'.repeat(16)}> <${'01'.repeat(16)}>]`;
  }

  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R${encrypt} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

export interface ZipEntrySpec {
  name: string;
  data?: string | Buffer;
  /** Unix mode, e.g. 0o120777 for a symlink. */
  mode?: number;
  compress?: boolean;
  directory?: boolean;
}

/** Builds a ZIP in memory with yazl. */
export function buildZip(entries: ZipEntrySpec[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    if (e.directory) {
      zip.addEmptyDirectory(e.name);
      continue;
    }
    const data = typeof e.data === 'string' || e.data === undefined ? Buffer.from(e.data ?? '') : e.data;
    zip.addBuffer(data, e.name, {
      ...(e.mode === undefined ? {} : { mode: e.mode }),
      compress: e.compress ?? true,
    });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => parts.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(parts)));
  });
}

/** Replaces every occurrence of `from` with `to` (same length) in a ZIP's bytes: names in both headers. */
export function patchBytes(zip: Buffer, from: string, to: string): Buffer {
  const a = Buffer.from(from, 'utf8');
  const b = Buffer.from(to, 'utf8');
  if (a.length !== b.length) throw new Error('patchBytes needs equal lengths');
  const out = Buffer.from(zip);
  let found = 0;
  for (let i = out.indexOf(a); i !== -1; i = out.indexOf(a, i + a.length)) {
    b.copy(out, i);
    found++;
  }
  if (found === 0) throw new Error(`patchBytes: ${from} not found`);
  return out;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;

/** Visits each local and central header of a ZIP, for tests that forge header fields. */
function eachHeader(zip: Buffer, visit: (offset: number, kind: 'local' | 'central') => void): void {
  for (let i = 0; i + 4 <= zip.length; i++) {
    const sig = zip.readUInt32LE(i);
    if (sig === LOCAL_HEADER) visit(i, 'local');
    else if (sig === CENTRAL_HEADER) visit(i, 'central');
  }
}

/** Sets general-purpose flag bits (e.g. 0x1 = encrypted) in every header. */
export function setZipFlags(zip: Buffer, bits: number): Buffer {
  const out = Buffer.from(zip);
  eachHeader(out, (o, kind) => {
    const at = o + (kind === 'local' ? 6 : 8);
    out.writeUInt16LE(out.readUInt16LE(at) | bits, at);
  });
  return out;
}

/** Overwrites the declared uncompressed size in every header (a lying header). */
export function setUncompressedSize(zip: Buffer, size: number): Buffer {
  const out = Buffer.from(zip);
  eachHeader(out, (o, kind) => out.writeUInt32LE(size, o + (kind === 'local' ? 22 : 24)));
  return out;
}

/** Overwrites the CRC-32 in every header. */
export function setCrc(zip: Buffer, crc: number): Buffer {
  const out = Buffer.from(zip);
  eachHeader(out, (o, kind) => out.writeUInt32LE(crc >>> 0, o + (kind === 'local' ? 14 : 16)));
  return out;
}

/**
 * A StagedFile that streams `chunk` `times` times without holding it all in memory, and claims `declaredSize`
 * (which may be a lie, to check that readers count the real bytes).
 */
export function repeatingStaged(
  name: string,
  chunk: string | Buffer,
  times: number,
  folder: string | null = null,
  declaredSize = 100,
): StagedFile {
  const piece = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  return {
    name,
    folder,
    size: declaredSize,
    open: () =>
      Readable.from(
        (function* () {
          for (let i = 0; i < times; i++) yield piece;
        })(),
        { objectMode: false },
      ),
  };
}
