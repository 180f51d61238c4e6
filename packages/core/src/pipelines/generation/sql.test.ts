import { describe, expect, it } from 'vitest';
import { definedTables, referencedTables, sqlSyntaxProblem, undefinedTables } from './sql.js';

describe('sqlSyntaxProblem', () => {
  it('accepts valid SQL across dialects', () => {
    for (const sql of [
      "SELECT a, b FROM t WHERE x = 'it''s' AND y > 3;",
      'WITH x AS (SELECT 1 AS id) SELECT * FROM x JOIN orders o ON o.id = x.id',
      'SELECT EXTRACT(YEAR FROM created_at) FROM orders WHERE a IS DISTINCT FROM b',
      "INSERT INTO logs (a, b) VALUES (1, 'x'); UPDATE t SET a = 1 WHERE id = $1 RETURNING *",
      "SELECT $$ it's $$, E'a\\'b', 'C:\\' FROM t",
      "SELECT 'it\\'s' FROM t",
      'SELECT a::int, arr[1], `col`, "Col" FROM t -- trailing ( comment\n/* block ) */',
      'SELECT CASE WHEN a > 1 THEN 1 ELSE 2 END AS c FROM t ORDER BY c DESC LIMIT 5',
      '(SELECT 1) UNION ALL (SELECT 2)',
      'CREATE TABLE t (id INT PRIMARY KEY, name TEXT NOT NULL)',
    ]) {
      expect(sqlSyntaxProblem(sql), sql).toBeUndefined();
    }
  });

  it('rejects what a tokenizer can see is broken', () => {
    expect(sqlSyntaxProblem('')).toBe('no SQL');
    expect(sqlSyntaxProblem('-- only a comment')).toBe('no SQL');
    expect(sqlSyntaxProblem('SELECT a, FROM t')).toBe('stray comma before FROM at position 8');
    expect(sqlSyntaxProblem('SELECT (a FROM t')).toBe("unclosed '(' at position 7");
    expect(sqlSyntaxProblem('SELECT a) FROM t')).toBe("unmatched ')' at position 8");
    expect(sqlSyntaxProblem('SELECT a FROM t WHERE')).toBe('a statement ends unexpectedly after WHERE');
    expect(sqlSyntaxProblem('SELECT a FROM t WHERE x =')).toBe("a statement ends unexpectedly after '='");
    expect(sqlSyntaxProblem("SELECT 'abc FROM t")).toBe('unterminated string starting at position 7');
    expect(sqlSyntaxProblem('SELECT "abc FROM t')).toBe('unterminated quoted identifier at position 7');
    expect(sqlSyntaxProblem('SELECT 1 /* open')).toBe('unterminated /* comment at position 9');
    expect(sqlSyntaxProblem('Here is the query: SELECT 1')).toBe(
      'a statement starts with HERE, not a SQL statement keyword',
    );
    expect(sqlSyntaxProblem('SELECT CASE WHEN a THEN 1 FROM t')).toBe('1 CASE but 0 END');
    expect(sqlSyntaxProblem('SELECT f(, 1) FROM t')).toBe("stray comma after '(' at position 9");
  });
});

describe('schema check', () => {
  const ddl = `CREATE TABLE IF NOT EXISTS public."Orders" (id INT);
    create or replace temp view recent as select 1;
    CREATE TABLE customers (id INT, name TEXT);`;

  it('finds the tables and views a DDL creates', () => {
    expect([...definedTables(ddl)]).toEqual(['orders', 'recent', 'customers']);
  });

  it('finds tables after FROM, JOIN, INTO and UPDATE, not subqueries, functions or FROM inside EXTRACT', () => {
    expect(
      referencedTables(
        'SELECT EXTRACT(YEAR FROM d) FROM orders o, customers AS c JOIN (SELECT 1) s ON 1=1 JOIN generate_series(1, 3) g ON 1=1',
      ).tables,
    ).toEqual(['orders', 'customers']);
    expect(referencedTables('INSERT INTO logs (a) SELECT a FROM src').tables).toEqual(['logs', 'src']);
    expect(referencedTables('UPDATE items SET a = 1').tables).toEqual(['items']);
  });

  it('reports tables the DDL does not create, allowing CTEs and system tables', () => {
    expect(undefinedTables('SELECT * FROM orders JOIN customers ON 1=1', ddl)).toEqual([]);
    expect(undefinedTables('SELECT * FROM Orders JOIN items ON 1=1 JOIN payments ON 1=1', ddl)).toEqual([
      'items',
      'payments',
    ]);
    expect(undefinedTables('WITH big AS (SELECT * FROM orders) SELECT * FROM big', ddl)).toEqual([]);
    expect(undefinedTables('SELECT * FROM information_schema.tables', ddl)).toEqual([]);
  });
});
