import { InvalidInputError } from '../errors.js';

/** One thing wrong with a spec. `line` is 1-based, null when the spec did not come from YAML text. */
export interface SpecProblem {
  line: number | null;
  /** Where, e.g. `spec.data_property_variations[1].base_distributions`; '' for the document as a whole. */
  path: string;
  message: string;
}

/** A path inside a spec: keys and list indexes. */
export type SpecPath = readonly (string | number)[];

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `a.b[1]["key with spaces"]`: keys that are not identifiers are quoted so the path stays unambiguous. */
export function formatSpecPath(path: SpecPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export function formatSpecProblem(problem: SpecProblem): string {
  const where = problem.line === null ? '' : `line ${problem.line}: `;
  return `${where}${problem.path ? `${problem.path}: ` : ''}${problem.message}`;
}

/** First line the count, then one problem per line: the whole list at once, so a user fixes everything in one go. */
export function formatSpecProblems(problems: readonly SpecProblem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return [`Invalid spec: ${count}`, ...problems.map(formatSpecProblem)].join('\n');
}

/** A spec that breaks the rules; `problems` lists every one, in document order when they have lines. */
export class SpecValidationError extends InvalidInputError {
  readonly problems: SpecProblem[];

  constructor(problems: SpecProblem[], field = 'content_yaml') {
    super(formatSpecProblems(problems), field);
    this.name = 'SpecValidationError';
    this.problems = problems;
  }
}

/**
 * Sets `record[key]` as an own, enumerable property. Plain assignment of `__proto__` would replace the
 * prototype instead of adding a key, and property names and values come from users and models.
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    record[key] = value;
  }
}
