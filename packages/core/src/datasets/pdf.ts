import { extractText, getDocumentProxy } from 'unpdf';
import { InvalidInputError } from '../errors.js';
import { countCharacters } from './text.js';

const PDF_MAGIC = Buffer.from('%PDF-', 'latin1');

/**
 * Extracts the text of a PDF, pages joined by a blank line. A PDF without extractable text (a scan) is
 * accepted with empty text: it is still a valid seed document, just one the pipelines cannot read much from.
 */
export async function inspectPdf(
  bytes: Buffer,
  path: string,
): Promise<{ textLength: number; extractedText: string }> {
  if (bytes.length < PDF_MAGIC.length || !bytes.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC)) {
    throw new InvalidInputError(`${path}: is not a PDF (it does not start with "%PDF-").`, 'files');
  }
  let pages: string[];
  try {
    // pdf.js may take over (detach) the buffer it is given: hand it a copy.
    const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
    try {
      pages = (await extractText(pdf, { mergePages: false })).text;
    } finally {
      await pdf.destroy();
    }
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    if (name === 'PasswordException') {
      throw new InvalidInputError(
        `${path}: is password-protected; remove the password and upload it again.`,
        'files',
      );
    }
    const reason = err instanceof Error ? err.message : String(err);
    throw new InvalidInputError(`${path}: could not be read as a PDF (${reason}).`, 'files');
  }
  const text = pages.join('\n\n');
  // Whitespace-only output (empty pages) means there is no text layer at all.
  const extractedText = text.trim() === '' ? '' : text;
  return { textLength: countCharacters(extractedText), extractedText };
}
