import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FormEntry } from './multipart.js';

export const EXAMPLES = new URL('../../../../examples/', import.meta.url).pathname;

export const readExample = (path: string) => readFileSync(join(EXAMPLES, path));

/** The parts of a MULTI_FILE upload of every file in an examples folder. */
export function folderOfFiles(dir: string): FormEntry[] {
  return readdirSync(join(EXAMPLES, dir))
    .sort()
    .map((name) => ['files', { filename: name, content: readExample(join(dir, name)) }] as FormEntry);
}

/** The parts of a MULTI_FOLDER upload: files plus parallel folder_names. */
export function folderOfFolders(dir: string): FormEntry[] {
  const entries: FormEntry[] = [];
  for (const folder of readdirSync(join(EXAMPLES, dir)).sort()) {
    for (const name of readdirSync(join(EXAMPLES, dir, folder)).sort()) {
      entries.push(['files', { filename: name, content: readExample(join(dir, folder, name)) }]);
      entries.push(['folder_names', folder]);
    }
  }
  return entries;
}
