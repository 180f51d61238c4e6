import { InvalidInputError, TooLargeError } from '../errors.js';
import { formatProblem } from './formats.js';
import { DATASET_LIMITS, formatBytes, formatSizeOver } from './limits.js';
import { joinPath, nameProblem, quoteName } from './names.js';
import type { DatasetType } from './types.js';

/** What the shape check needs to know of a file: no content, so it can run before anything is read. */
export interface DatasetFileShape {
  name: string;
  folder: string | null;
  size: number;
}

const FILES = 'files';
const FOLDERS = 'folder_names';

/**
 * Checks a dataset's file list against its type's rules: file count, names, folders, formats and sizes.
 * Throws the first problem found (InvalidInputError, or TooLargeError for sizes); returns nothing when all is well.
 */
export function checkDatasetShape(type: DatasetType, files: readonly DatasetFileShape[]): void {
  const limits = DATASET_LIMITS[type];

  if (type === 'SINGLE_FILE' && files.length !== 1) {
    throw new InvalidInputError(`A SINGLE_FILE dataset takes exactly 1 file, got ${files.length}.`, FILES);
  }
  if (files.length < limits.minFiles) {
    throw new InvalidInputError(
      `A ${type} dataset needs at least ${limits.minFiles} files, got ${files.length}.`,
      FILES,
    );
  }
  if (files.length > limits.maxFiles) {
    throw new InvalidInputError(
      `A ${type} dataset holds at most ${limits.maxFiles} files, got ${files.length}.`,
      FILES,
    );
  }

  const seen = new Set<string>();
  const folderCounts = new Map<string, number>();
  let total = 0;
  for (const file of files) {
    const path = joinPath(file.folder, file.name);

    if (type === 'MULTI_FOLDER') {
      if (file.folder === null) {
        throw new InvalidInputError(
          `${path}: every file of a MULTI_FOLDER dataset must be in a folder.`,
          FOLDERS,
        );
      }
    } else if (file.folder !== null) {
      throw new InvalidInputError(
        `${path}: files of a ${type} dataset must not be in a folder (use MULTI_FOLDER for folders).`,
        FOLDERS,
      );
    }
    if (file.folder !== null) {
      const problem = nameProblem(file.folder);
      if (problem) throw new InvalidInputError(`Folder name ${quoteName(file.folder)} ${problem}.`, FOLDERS);
    }
    const nameIssue = nameProblem(file.name);
    if (nameIssue) throw new InvalidInputError(`File name ${quoteName(file.name)} ${nameIssue}.`, FILES);

    const badFormat = formatProblem(file.name, type);
    if (badFormat) throw new InvalidInputError(`${path}: ${badFormat}.`, FILES);

    if (!Number.isSafeInteger(file.size) || file.size < 0) {
      throw new InvalidInputError(`${path}: has an invalid size (${file.size}).`, FILES);
    }
    if (file.size === 0) throw new InvalidInputError(`${path}: is empty (0 bytes).`, FILES);
    if (file.size > limits.maxFileBytes) {
      throw new TooLargeError(
        `${path}: is ${formatSizeOver(file.size, limits.maxFileBytes)}, over the ${formatBytes(limits.maxFileBytes)} per-file limit for ${type} datasets.`,
        FILES,
      );
    }

    if (seen.has(path)) throw new InvalidInputError(`${path}: appears more than once in the dataset.`, FILES);
    seen.add(path);
    if (file.folder !== null) folderCounts.set(file.folder, (folderCounts.get(file.folder) ?? 0) + 1);
    total += file.size;
  }

  if (total > limits.maxTotalBytes) {
    throw new TooLargeError(
      `The files add up to ${formatSizeOver(total, limits.maxTotalBytes)}, over the ${formatBytes(limits.maxTotalBytes)} total limit for ${type} datasets.`,
      FILES,
    );
  }

  if (limits.minFolders !== null && folderCounts.size < limits.minFolders) {
    const names = [...folderCounts.keys()].map(quoteName).join(', ');
    throw new InvalidInputError(
      `A ${type} dataset needs at least ${limits.minFolders} folders, got ${folderCounts.size}` +
        `${names ? ` (${names})` : ''}.`,
      FOLDERS,
    );
  }
  if (limits.maxFilesPerFolder !== null) {
    for (const [folder, count] of folderCounts) {
      if (count > limits.maxFilesPerFolder) {
        throw new InvalidInputError(
          `Folder ${quoteName(folder)} holds ${count} files; a folder may hold at most ${limits.maxFilesPerFolder}.`,
          FOLDERS,
        );
      }
    }
  }
}
