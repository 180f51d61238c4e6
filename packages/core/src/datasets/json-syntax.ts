/**
 * Finds where and why a JSON text is invalid. JSON.parse's messages vary between V8 versions and often give
 * no position, so on failure we re-scan the text (RFC 8259 grammar, no values built) to report
 * `line 3 column 10: expected ',' or '}' after a property value, found ']'`.
 */
export interface JsonSyntaxError {
  /** Offset in UTF-16 code units. */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  /** What was expected and what was found. */
  message: string;
}

type State = 'value' | 'valueOrEndArray' | 'keyOrEndObject' | 'key' | 'colon' | 'commaOrEnd' | 'end';

class Fail {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {}
}

const VALUE = 'a value (object, array, string, number, true, false or null)';

/** Undefined when `text` is valid JSON; otherwise the first error. `endName` names the end of `text` in messages. */
export function findJsonSyntaxError(
  text: string,
  endName = 'the end of the file',
): JsonSyntaxError | undefined {
  try {
    scan(text);
    return undefined;
  } catch (err) {
    if (!(err instanceof Fail)) throw err;
    const { line, column } = lineAndColumn(text, err.offset);
    return {
      offset: err.offset,
      line,
      column,
      message: `expected ${err.expected}, found ${found(text, err.offset, endName)}`,
    };
  }
}

function scan(text: string): void {
  // An explicit stack instead of recursion: deeply nested input must not overflow the call stack.
  const stack: ('array' | 'object')[] = [];
  let state: State = 'value';
  let i = 0;
  const afterValue = (): State => (stack.length === 0 ? 'end' : 'commaOrEnd');

  for (;;) {
    i = skipWhitespace(text, i);
    if (i >= text.length) {
      if (state === 'end') return;
      throw new Fail(i, expectedIn(state, stack.at(-1)));
    }
    const c = text[i]!;
    switch (state) {
      case 'value':
      case 'valueOrEndArray':
        if (state === 'valueOrEndArray' && c === ']') {
          stack.pop();
          i++;
          state = afterValue();
        } else if (c === '{') {
          stack.push('object');
          i++;
          state = 'keyOrEndObject';
        } else if (c === '[') {
          stack.push('array');
          i++;
          state = 'valueOrEndArray';
        } else {
          i = scanScalar(text, i, state === 'valueOrEndArray' ? `${VALUE} or ']'` : VALUE);
          state = afterValue();
        }
        break;
      case 'keyOrEndObject':
      case 'key':
        if (state === 'keyOrEndObject' && c === '}') {
          stack.pop();
          i++;
          state = afterValue();
        } else if (c === '"') {
          i = scanString(text, i);
          state = 'colon';
        } else {
          throw new Fail(i, expectedIn(state, 'object'));
        }
        break;
      case 'colon':
        if (c !== ':') throw new Fail(i, expectedIn(state, 'object'));
        i++;
        state = 'value';
        break;
      case 'commaOrEnd': {
        const top = stack.at(-1);
        if (c === ',') {
          i++;
          state = top === 'array' ? 'value' : 'key';
        } else if ((top === 'array' && c === ']') || (top === 'object' && c === '}')) {
          stack.pop();
          i++;
          state = afterValue();
        } else {
          throw new Fail(i, expectedIn(state, top));
        }
        break;
      }
      case 'end':
        throw new Fail(i, expectedIn(state, undefined));
    }
  }
}

function expectedIn(state: State, top: 'array' | 'object' | undefined): string {
  switch (state) {
    case 'value':
      return VALUE;
    case 'valueOrEndArray':
      return `${VALUE} or ']'`;
    case 'keyOrEndObject':
      return `a property name in double quotes or '}'`;
    case 'key':
      return 'a property name in double quotes';
    case 'colon':
      return `':' after a property name`;
    case 'commaOrEnd':
      return top === 'array' ? `',' or ']' after an array element` : `',' or '}' after a property value`;
    case 'end':
      return 'the end of the JSON value (only one top-level value is allowed)';
  }
}

function skipWhitespace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    i++;
  }
  return i;
}

function scanScalar(text: string, i: number, expected: string): number {
  const c = text[i]!;
  if (c === '"') return scanString(text, i);
  if (c === '-' || (c >= '0' && c <= '9')) return scanNumber(text, i);
  for (const literal of ['true', 'false', 'null']) {
    if (text.startsWith(literal, i)) return i + literal.length;
  }
  throw new Fail(i, expected);
}

function scanString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20)
      throw new Fail(i, "a closing '\"' or an escaped character (write control characters as \\n, \\t, ...)");
    if (c === 0x5c) {
      const e = text[i + 1];
      if (e === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
          throw new Fail(i, 'four hex digits after \\u');
        i += 6;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
        i += 2;
      } else {
        throw new Fail(i, 'a valid escape (\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX)');
      }
      continue;
    }
    i++;
  }
  const opened = lineAndColumn(text, start);
  throw new Fail(
    text.length,
    `'"' to close the string opened at line ${opened.line} column ${opened.column}`,
  );
}

function scanNumber(text: string, start: number): number {
  let i = start;
  const digits = (): number => {
    const from = i;
    while (i < text.length && text[i]! >= '0' && text[i]! <= '9') i++;
    return i - from;
  };
  if (text[i] === '-') i++;
  if (text[i] === '0') i++;
  else if (digits() === 0) throw new Fail(i, 'a digit');
  if (text[i] === '.') {
    i++;
    if (digits() === 0) throw new Fail(i, 'a digit after the decimal point');
  }
  if (text[i] === 'e' || text[i] === 'E') {
    i++;
    if (text[i] === '+' || text[i] === '-') i++;
    if (digits() === 0) throw new Fail(i, 'a digit in the exponent');
  }
  return i;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function found(text: string, offset: number, endName: string): string {
  if (offset >= text.length) return endName;
  const cp = text.codePointAt(offset)!;
  const ch = String.fromCodePoint(cp);
  return cp < 0x20 || cp === 0x7f
    ? `character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`
    : `'${ch}'`;
}
