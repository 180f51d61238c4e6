/** What inspecting a table file (CSV, JSON, JSONL) learns. */
export interface TableSummary {
  recordCount: number | null;
  columns: string[] | null;
}

/** Collects the union of object keys in first-seen order, the way a table's columns would be laid out. */
export class ColumnCollector {
  private readonly seen = new Set<string>();
  private sawObject = false;

  add(value: unknown): void {
    if (!isPlainObject(value)) return;
    this.sawObject = true;
    for (const key of Object.keys(value)) this.seen.add(key);
  }

  /** Null when no record was an object (e.g. an array of strings): such data has no columns. */
  get columns(): string[] | null {
    return this.sawObject ? [...this.seen] : null;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `an object`, `an array`, `a string`...: how a JSON value's kind reads in a message. */
export function describeJsonValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'object':
      return 'an object';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return `${value}`;
    default:
      return typeof value;
  }
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
