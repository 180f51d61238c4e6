import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '../../test/support/databases.js';
import { PostgresSqlExecutor, SqliteSqlExecutor } from './executor.js';

const DDL = `CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id), total NUMERIC(10,2));`;
const LOOP = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';

describe('SqliteSqlExecutor', () => {
  const sqlite = new SqliteSqlExecutor({ timeoutMs: 500, workers: 1 });
  afterAll(() => sqlite.close());

  it('runs SQL against the sample schema and names what fails', async () => {
    expect(
      await sqlite.execute({
        schema: DDL,
        query:
          'SELECT c.name, SUM(o.total) FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.name ORDER BY 2 DESC LIMIT 5;',
      }),
    ).toEqual({ ok: true });
    expect(
      await sqlite.execute({ schema: DDL, query: "INSERT INTO customers (name) VALUES ('Ada')" }),
    ).toEqual({
      ok: true,
    });
    const noTable = await sqlite.execute({ schema: DDL, query: 'SELECT * FROM invoices' });
    expect(noTable).toEqual({ ok: false, error: expect.stringContaining('no such table: invoices') });
    const noColumn = await sqlite.execute({ schema: DDL, query: 'SELECT email FROM customers' });
    expect(noColumn).toEqual({ ok: false, error: expect.stringContaining('no such column: email') });
    const badSchema = await sqlite.execute({
      schema: 'CREATE TABLE t (id INT) ENGINE=InnoDB;',
      query: 'SELECT 1',
    });
    expect(badSchema).toEqual({
      ok: false,
      error: expect.stringMatching(/^its schema does not load in SQLite/),
    });
  });

  it('stops a query that runs too long, and keeps working afterwards', async () => {
    expect(await sqlite.execute({ schema: null, query: LOOP })).toEqual({
      ok: false,
      error: 'ran longer than 500 ms on empty tables (SQLite)',
    });
    expect(await sqlite.execute({ schema: DDL, query: 'SELECT count(*) FROM orders' })).toEqual({ ok: true });
  });

  it('keeps each sample in its own empty database', async () => {
    await sqlite.execute({ schema: DDL, query: 'SELECT 1' });
    // The table from the previous call is gone: this schema-less call cannot see it.
    expect((await sqlite.execute({ schema: null, query: 'SELECT * FROM customers' })).ok).toBe(false);
  });
});

describe('PostgresSqlExecutor', () => {
  let db: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let postgres: PostgresSqlExecutor;
  beforeAll(async () => {
    db = await createPostgresDatabase();
    postgres = new PostgresSqlExecutor(db.url, { timeoutMs: 500 });
  });
  afterAll(async () => {
    await postgres?.close();
    await db?.drop();
  });

  it('runs each sample in a scratch schema that is rolled back, with a statement timeout', async () => {
    const pgDdl = `CREATE TABLE customers (id SERIAL PRIMARY KEY, name TEXT NOT NULL, created_at TIMESTAMPTZ DEFAULT now());`;
    expect(
      await postgres.execute({
        schema: pgDdl,
        query:
          "INSERT INTO customers (name) VALUES ('Ada') RETURNING id; SELECT date_trunc('day', created_at) FROM customers",
      }),
    ).toEqual({ ok: true });
    // Rolled back: the same DDL loads again, and nothing is left behind.
    expect(await postgres.execute({ schema: pgDdl, query: 'SELECT count(*) FROM customers' })).toEqual({
      ok: true,
    });
    expect((await postgres.execute({ schema: null, query: 'SELECT * FROM customers' })).ok).toBe(false);
    expect(await postgres.execute({ schema: pgDdl, query: 'SELECT email FROM customers' })).toEqual({
      ok: false,
      error: expect.stringContaining('column "email" does not exist'),
    });
    expect(await postgres.execute({ schema: 'CREATE TABLE (', query: 'SELECT 1' })).toEqual({
      ok: false,
      error: expect.stringMatching(/^its schema does not load in PostgreSQL/),
    });
    expect(await postgres.execute({ schema: null, query: LOOP })).toEqual({
      ok: false,
      error: expect.stringContaining('statement timeout'),
    });
  });
});
