import { MAX_NAME_BYTES } from './limits.js';

// C0 controls and DEL: invisible in listings, and some break shells, logs and HTTP headers.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/**
 * Why `name` is not acceptable as a file or folder name, or undefined when it is.
 * Names are single path segments: anything that could climb out of a folder or hide in a listing is refused.
 */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0 || name.trim().length === 0) return 'is empty';
  if (name.includes('/') || name.includes('\\')) return 'must not contain "/" or "\\"';
  if (name === '.' || name === '..') return 'must not be "." or ".."';
  if (CONTROL_CHARS.test(name)) return 'must not contain control characters';
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_NAME_BYTES) return `is ${bytes} bytes long; names may be at most ${MAX_NAME_BYTES} bytes`;
  return undefined;
}

/** How a name shows in a message: quoted and with control characters made visible. */
export function quoteName(name: string): string {
  return JSON.stringify(name);
}

/** `folder/name` for files in a folder, `name` otherwise: how files are named in messages and results. */
export function joinPath(folder: string | null, name: string): string {
  return folder === null ? name : `${folder}/${name}`;
}
