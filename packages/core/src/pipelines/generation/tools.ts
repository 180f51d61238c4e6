import { z } from 'zod';
import { InvalidInputError } from '../../errors.js';
import type { LlmTool } from '../../llm/types.js';
import type { SqlExecutor } from './types.js';

/**
 * Tools a run can make available to the model while it writes and revises samples (`tools` in the run
 * request, DataFramer's "Tools that were available to the LLM during generation"). Both run locally, with
 * no network: a run stays offline-capable and its data stays on the machine.
 */
export const GENERATION_TOOLS = {
  calculator:
    'Evaluates an arithmetic expression exactly (+ - * / % ^, parentheses, round, floor, ceil, abs, min, max, sqrt), so totals, ages, rates and dates-as-numbers in a sample add up.',
  sql_execute:
    "Runs SQL against the CREATE TABLE statements the model gives, on empty tables in the server's SQL engine (SQLite, or PostgreSQL when configured), and answers ok or the engine's error, so generated queries are checked while they are written.",
} as const;

export type GenerationToolId = keyof typeof GENERATION_TOOLS;

export function isGenerationTool(id: string): id is GenerationToolId {
  return Object.hasOwn(GENERATION_TOOLS, id);
}

/** The gateway tools for a run's `tools`; `sql_execute` needs the server's SQL engine. */
export function generationTools(
  ids: readonly string[],
  ports: { sqlExecutor?: SqlExecutor | undefined },
): Record<string, LlmTool> {
  const tools: Record<string, LlmTool> = {};
  for (const id of ids) {
    if (id === 'calculator') tools.calculator = calculatorTool;
    else if (id === 'sql_execute') {
      const executor = ports.sqlExecutor;
      if (!executor)
        throw new InvalidInputError('sql_execute needs a SQL engine, which is not configured', 'tools');
      tools.sql_execute = sqlTool(executor);
    } else {
      throw new InvalidInputError(
        `unknown tool "${id}"; available: ${Object.keys(GENERATION_TOOLS).join(', ')}`,
        'tools',
      );
    }
  }
  return tools;
}

const calculatorTool: LlmTool<{ expression: string }> = {
  description: GENERATION_TOOLS.calculator,
  inputSchema: z.object({
    expression: z.string().describe('e.g. "round(3 * 19.99 * 1.0825, 2)" or "(2025 - 1987)"'),
  }),
  execute: async ({ expression }) => formatNumber(evaluateArithmetic(expression)),
};

function sqlTool(executor: SqlExecutor): LlmTool<{ schema: string; query: string }> {
  return {
    description: GENERATION_TOOLS.sql_execute,
    inputSchema: z.object({
      schema: z.string().describe('CREATE TABLE statements the query runs against (may be empty)'),
      query: z.string().describe('The SQL to check'),
    }),
    execute: async ({ schema, query }, { signal }) => {
      const outcome = await executor.execute({
        schema: schema.trim() || null,
        query,
        ...(signal && { signal }),
      });
      return outcome.ok ? 'ok: the SQL ran without error on empty tables' : `error: ${outcome.error}`;
    },
  };
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error('the result is not a finite number');
  // Twelve significant digits hide binary noise (0.1 + 0.2) without losing what a document shows.
  return String(Number(value.toPrecision(12)));
}

const FUNCTIONS: Record<string, { arity: [number, number]; fn: (...args: number[]) => number }> = {
  round: {
    arity: [1, 2],
    fn: (x, digits = 0) => {
      const f = 10 ** digits;
      return Math.round((x + Math.sign(x) * Number.EPSILON) * f) / f;
    },
  },
  floor: { arity: [1, 1], fn: Math.floor },
  ceil: { arity: [1, 1], fn: Math.ceil },
  abs: { arity: [1, 1], fn: Math.abs },
  sqrt: { arity: [1, 1], fn: Math.sqrt },
  min: { arity: [1, 64], fn: Math.min },
  max: { arity: [1, 64], fn: Math.max },
};

/**
 * A small recursive-descent evaluator (no `eval`): numbers, + - * / % ^ (right-associative), unary minus,
 * parentheses and the functions above. Throws with the position of the first problem.
 */
export function evaluateArithmetic(expression: string): number {
  if (expression.length > 1000) throw new Error('the expression is longer than 1000 characters');
  let pos = 0;
  const src = expression;
  const fail = (what: string): never => {
    throw new Error(`${what} at position ${pos + 1} of "${src}"`);
  };
  const skip = () => {
    while (pos < src.length && /\s/.test(src[pos]!)) pos++;
  };
  const peek = () => {
    skip();
    return src[pos];
  };

  function primary(depth: number): number {
    if (depth > 100) fail('too deeply nested');
    const c = peek();
    if (c === '(') {
      pos++;
      const v = sum(depth + 1);
      if (peek() !== ')') fail('expected ")"');
      pos++;
      return v;
    }
    if (c === '-' || c === '+') {
      pos++;
      const v = power(depth + 1);
      return c === '-' ? -v : v;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(pos));
    if (num) {
      pos += num[0].length;
      return Number(num[0]);
    }
    const name = /^[a-z]+/i.exec(src.slice(pos));
    if (name) {
      const f = FUNCTIONS[name[0].toLowerCase()];
      if (!f) return fail(`unknown function "${name[0]}"`);
      pos += name[0].length;
      if (peek() !== '(') fail(`expected "(" after ${name[0]}`);
      pos++;
      const args = [sum(depth + 1)];
      while (peek() === ',') {
        pos++;
        args.push(sum(depth + 1));
      }
      if (peek() !== ')') fail('expected ")"');
      pos++;
      if (args.length < f.arity[0] || args.length > f.arity[1])
        fail(`wrong number of arguments to ${name[0]}`);
      return f.fn(...args);
    }
    return fail(c === undefined ? 'unexpected end' : `unexpected "${c}"`);
  }

  function power(depth: number): number {
    const base = primary(depth);
    if (peek() === '^') {
      pos++;
      return base ** power(depth + 1);
    }
    return base;
  }

  function product(depth: number): number {
    let v = power(depth);
    for (;;) {
      const c = peek();
      if (c !== '*' && c !== '/' && c !== '%') return v;
      pos++;
      const r = power(depth);
      if ((c === '/' || c === '%') && r === 0) fail('division by zero');
      v = c === '*' ? v * r : c === '/' ? v / r : v % r;
    }
  }

  function sum(depth: number): number {
    let v = product(depth);
    for (;;) {
      const c = peek();
      if (c !== '+' && c !== '-') return v;
      pos++;
      const r = product(depth);
      v = c === '+' ? v + r : v - r;
    }
  }

  const value = sum(0);
  if (peek() !== undefined) fail(`unexpected "${src[pos]}"`);
  return value;
}
