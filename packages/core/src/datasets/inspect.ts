import { InvalidInputError } from '../errors.js';
import { inspectCsv } from './csv.js';
import { formatFromFileName, formatProblem } from './formats.js';
import { inspectJson, inspectJsonl } from './json.js';
import { DATASET_LIMITS } from './limits.js';
import { joinPath } from './names.js';
import { inspectPdf } from './pdf.js';
import { type ByteCount, collect, readLimited } from './staged.js';
import { inspectText } from './text.js';
import type { DatasetType, InspectedFile, StagedFile } from './types.js';

/**
 * Reads a staged seed file and checks its content for a dataset of the given type: encoding, syntax, header,
 * record counts. Throws InvalidInputError (or TooLargeError past the type's per-file limit) naming the file
 * and, for parse errors, the line.
 */
export async function inspectSeedFile(file: StagedFile, type: DatasetType): Promise<InspectedFile> {
  const path = joinPath(file.folder, file.name);
  const problem = formatProblem(file.name, type);
  const format = formatFromFileName(file.name);
  if (problem !== undefined || format === undefined) {
    throw new InvalidInputError(`${path}: ${problem ?? 'unsupported file type'}.`, 'files');
  }

  const limits = DATASET_LIMITS[type];
  const count: ByteCount = { bytes: 0 };
  const chunks = readLimited(file, path, limits.maxFileBytes, `per-file limit for ${type} datasets`, count);
  const isTable = type === 'SINGLE_FILE';

  const result: InspectedFile = {
    path,
    name: file.name,
    folder: file.folder,
    format,
    size: 0,
    recordCount: null,
    columns: null,
    textLength: null,
    extractedText: null,
  };
  switch (format) {
    case 'csv':
      Object.assign(result, await inspectCsv(chunks, path, limits.minRecords));
      break;
    case 'json':
      Object.assign(
        result,
        await inspectJson(chunks, path, isTable ? { minRecords: limits.minRecords } : null),
      );
      break;
    case 'jsonl':
      Object.assign(result, await inspectJsonl(chunks, path, limits.minRecords, isTable));
      break;
    case 'txt':
    case 'md':
      Object.assign(result, await inspectText(chunks, path));
      break;
    case 'pdf':
      Object.assign(result, await inspectPdf(await collect(chunks), path));
      break;
  }
  // The bytes actually read, not the size the upload claimed.
  result.size = count.bytes;
  return result;
}
