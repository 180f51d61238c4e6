import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError } from './json-syntax.js';

describe('findJsonSyntaxError', () => {
  it('accepts valid JSON', () => {
    for (const text of [
      '{}',
      '[]',
      ' 1 ',
      '-0.5e+10',
      '"a\\u00e9\\n"',
      '{"a":[1,{"b":null}],"c":true}',
      '\n[false]\n',
    ]) {
      expect(findJsonSyntaxError(text)).toBeUndefined();
    }
  });

  it.each([
    ['{"a": }', 1, 7, "expected a value (object, array, string, number, true, false or null), found '}'"],
    ['{"a": 1,\n "b" 2}', 2, 6, "expected ':' after a property name, found '2'"],
    ['[1, 2\n, 3 4]', 2, 5, "expected ',' or ']' after an array element, found '4'"],
    ['{"a": 1 "b": 2}', 1, 9, "expected ',' or '}' after a property value, found '\"'"],
    ["{'a': 1}", 1, 2, "expected a property name in double quotes or '}', found '''"],
    ['{"a": 1,}', 1, 9, "expected a property name in double quotes, found '}'"],
    ['[1,]', 1, 4, "expected a value (object, array, string, number, true, false or null), found ']'"],
    ['[1, 2', 1, 6, "expected ',' or ']' after an array element, found the end of the file"],
    [
      '[\n"abc',
      2,
      5,
      "expected '\"' to close the string opened at line 2 column 1, found the end of the file",
    ],
    [
      '{"a": 1}}',
      1,
      9,
      "expected the end of the JSON value (only one top-level value is allowed), found '}'",
    ],
    ['{"a": 01}', 1, 8, "expected ',' or '}' after a property value, found '1'"],
    ['[1.]', 1, 4, "expected a digit after the decimal point, found ']'"],
    ['[1e]', 1, 4, "expected a digit in the exponent, found ']'"],
    ['[-]', 1, 3, "expected a digit, found ']'"],
    [
      '["a\\x"]',
      1,
      4,
      "expected a valid escape (\\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX), found '\\'",
    ],
    ['["\\u12g4"]', 1, 3, "expected four hex digits after \\u, found '\\'"],
    [
      '["a\tb"]',
      1,
      4,
      "expected a closing '\"' or an escaped character (write control characters as \\n, \\t, ...), found character U+0009",
    ],
    [
      '[tru]',
      1,
      2,
      "expected a value (object, array, string, number, true, false or null) or ']', found 't'",
    ],
    [
      '',
      1,
      1,
      'expected a value (object, array, string, number, true, false or null), found the end of the file',
    ],
  ])('%j fails at line %i column %i', (text, line, column, message) => {
    expect(findJsonSyntaxError(text)).toMatchObject({ line, column, message });
  });

  it('handles deep nesting without recursion', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(findJsonSyntaxError(deep)).toBeUndefined();
    expect(findJsonSyntaxError(`${deep}x`)?.column).toBe(400_001);
  });

  it('agrees with JSON.parse on valid and mangled JSON', () => {
    const mangled = fc
      .tuple(
        fc.json(),
        fc.nat(),
        fc.constantFrom('', ',', ']', '}', '"', ':', 'x', ' ', '\\', '\n', '0', '-'),
      )
      .map(([text, at, insert]) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + insert + text.slice(i + (at % 2));
      });
    fc.assert(
      fc.property(fc.oneof(fc.json(), mangled, fc.string()), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(findJsonSyntaxError(text) === undefined).toBe(valid);
      }),
      { numRuns: 3000 },
    );
  });
});
