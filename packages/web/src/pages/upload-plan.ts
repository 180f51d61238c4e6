import type { DatasetType } from '@openframer/sdk/types';

/** A chosen file and its path relative to what the user picked (`folder/file.txt`, or just `file.txt`). */
export interface ChosenFile {
  file: File;
  path: string;
}

export type UploadPlan =
  | { kind: 'zip'; file: File; name: string }
  | { kind: 'files'; datasetType: DatasetType; files: { file: File; folder: string | null }[]; name: string }
  | { kind: 'invalid'; message: string };

const TABLE = /\.(csv|json|jsonl|ndjson)$/i;
const SKIPPED = new Set(['__MACOSX', 'Thumbs.db', 'desktop.ini']);

/** The path a browser gives a file: a folder picker's webkitRelativePath, a drop's `path`, or the name. */
export function chosenFile(file: File): ChosenFile {
  const dropped = (file as File & { path?: string }).path;
  const raw = file.webkitRelativePath || dropped || file.name;
  return { file, path: raw.replace(/^(\.\/|\/)+/, '') };
}

const stem = (name: string) => name.replace(/\.[^.]+$/, '');

/**
 * What an upload of these files is, by the rules the server applies to a ZIP (docs/seed-datasets.md): one
 * table file is SINGLE_FILE, files side by side are MULTI_FILE, one level of folders is MULTI_FOLDER (with
 * folder_names), a lone .zip goes to create-from-zip; one folder wrapping everything is unwrapped; hidden
 * files and OS litter are skipped.
 */
export function planUpload(chosen: ChosenFile[]): UploadPlan {
  let entries = chosen
    .map((c) => ({ file: c.file, parts: c.path.split('/').filter(Boolean) }))
    .filter((e) => e.parts.length > 0 && !e.parts.some((p) => p.startsWith('.') || SKIPPED.has(p)));
  if (entries.length === 0) return { kind: 'invalid', message: 'No files to upload.' };

  let wrapper: string | null = null;
  while (entries.every((e) => e.parts.length > 1 && e.parts[0] === entries[0]!.parts[0])) {
    wrapper = entries[0]!.parts[0]!;
    entries = entries.map((e) => ({ file: e.file, parts: e.parts.slice(1) }));
  }

  const zips = entries.filter((e) => /\.zip$/i.test(e.file.name));
  if (zips.length > 0) {
    if (entries.length > 1) return { kind: 'invalid', message: 'Upload a ZIP archive on its own.' };
    return { kind: 'zip', file: zips[0]!.file, name: stem(zips[0]!.file.name) };
  }

  const nested = entries.find((e) => e.parts.length > 2);
  if (nested) {
    return {
      kind: 'invalid',
      message: `${nested.parts.join('/')}: folders inside sample folders are not allowed (one level of folders at most).`,
    };
  }
  const inFolders = entries.filter((e) => e.parts.length === 2);
  if (inFolders.length > 0 && inFolders.length < entries.length) {
    const loose = entries.find((e) => e.parts.length === 1)!;
    return {
      kind: 'invalid',
      message: `${loose.parts[0]}: files next to folders are not allowed; put every file in a folder, or none.`,
    };
  }
  if (inFolders.length > 0) {
    return {
      kind: 'files',
      datasetType: 'MULTI_FOLDER',
      files: entries.map((e) => ({ file: e.file, folder: e.parts[0]! })),
      name: wrapper ?? '',
    };
  }
  const only = entries.length === 1 ? entries[0]! : null;
  return {
    kind: 'files',
    datasetType: only && TABLE.test(only.file.name) ? 'SINGLE_FILE' : 'MULTI_FILE',
    files: entries.map((e) => ({ file: e.file, folder: null })),
    name: wrapper ?? (only ? stem(only.file.name) : ''),
  };
}

/** The multipart body of POST /seed-datasets/create/ or /create-from-zip/: fields first, then the files. */
export function uploadForm(
  plan: Exclude<UploadPlan, { kind: 'invalid' }>,
  fields: { name: string; description: string; datasetType?: DatasetType },
): FormData {
  const form = new FormData();
  form.append('name', fields.name);
  if (plan.kind === 'zip') {
    if (fields.description) form.append('description', fields.description);
    form.append('zip_file', plan.file, plan.file.name);
    return form;
  }
  const type = fields.datasetType ?? plan.datasetType;
  form.append('dataset_type', type);
  if (fields.description) form.append('description', fields.description);
  for (const { file, folder } of plan.files) {
    form.append('files', file, file.name);
    if (type === 'MULTI_FOLDER') form.append('folder_names', folder ?? '');
  }
  return form;
}
