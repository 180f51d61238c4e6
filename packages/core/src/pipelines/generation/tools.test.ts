import { describe, expect, it } from 'vitest';
import { evaluateArithmetic, generationTools } from './tools.js';

describe('calculator', () => {
  it('evaluates arithmetic with precedence, functions and unary minus', () => {
    expect(evaluateArithmetic('1 + 2 * 3')).toBe(7);
    expect(evaluateArithmetic('(1 + 2) * 3')).toBe(9);
    expect(evaluateArithmetic('2 ^ 3 ^ 2')).toBe(512);
    expect(evaluateArithmetic('-2 ^ 2')).toBe(-4);
    expect(evaluateArithmetic('10 % 4 - -1')).toBe(3);
    expect(evaluateArithmetic('round(3 * 19.99 * 1.0825, 2)')).toBe(64.92);
    expect(evaluateArithmetic('round(1.005, 2)')).toBe(1.01);
    expect(evaluateArithmetic('max(1, 7, 3) + min(4, 2) + abs(-3) + floor(2.7) + ceil(2.1) + sqrt(16)')).toBe(
      21,
    );
    expect(evaluateArithmetic('1.5e3 / 3')).toBe(500);
  });

  it('refuses what is not arithmetic, saying where', () => {
    expect(() => evaluateArithmetic('1 / 0')).toThrow(/division by zero/);
    expect(() => evaluateArithmetic('2 +')).toThrow(/unexpected end/);
    expect(() => evaluateArithmetic('process.exit(1)')).toThrow(/unknown function "process"/);
    expect(() => evaluateArithmetic('(1 + 2')).toThrow(/expected "\)"/);
    expect(() => evaluateArithmetic('round(1, 2, 3)')).toThrow(/wrong number of arguments/);
    expect(() => evaluateArithmetic('1 2')).toThrow(/unexpected "2" at position 3/);
    expect(() => evaluateArithmetic(`${'('.repeat(200)}1${')'.repeat(200)}`)).toThrow(/too deeply nested/);
  });

  it('answers the model with a clean number', async () => {
    const { calculator } = generationTools(['calculator'], {});
    expect(await calculator!.execute({ expression: '0.1 + 0.2' }, {})).toBe('0.3');
  });
});

describe('generationTools', () => {
  it('needs a SQL engine for sql_execute and names unknown tools', async () => {
    expect(() => generationTools(['sql_execute'], {})).toThrow(/SQL engine/);
    expect(() => generationTools(['web_search'], {})).toThrow(
      /unknown tool "web_search"; available: calculator, sql_execute/,
    );
    const { sql_execute } = generationTools(['sql_execute'], {
      sqlExecutor: {
        execute: async ({ query }) =>
          query.includes('nope') ? { ok: false, error: 'no such table: nope' } : { ok: true },
      },
    });
    expect(await sql_execute!.execute({ schema: '', query: 'SELECT 1' }, {})).toMatch(/^ok/);
    expect(await sql_execute!.execute({ schema: '', query: 'SELECT * FROM nope' }, {})).toBe(
      'error: no such table: nope',
    );
  });
});
