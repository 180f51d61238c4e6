import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import Sqlite from 'libsql';
import pg from 'pg';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';

export type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  close(): Promise<void>;
}

const INT8_OID = 20;

// pg returns bigint (and COUNT(*)) as strings; our values (byte sizes, counts) fit in a double.
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** Opens the database named by the config (PostgreSQL URL, else SQLite in the data dir) and migrates it. */
export async function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
}): Promise<DatabaseHandle> {
  const handle = options.databaseUrl ? openPostgres(options.databaseUrl) : openSqlite(options.dataDir);
  try {
    await migrateToLatest(handle.db as Kysely<unknown>);
  } catch (err) {
    await handle.close();
    throw err;
  }
  return handle;
}

function openSqlite(dataDir: string): DatabaseHandle {
  mkdirSync(dataDir, { recursive: true });
  const database = new Sqlite(join(dataDir, 'openframer.db'));
  // WAL lets readers go on while a writer commits; busy_timeout covers a second process (the CLI).
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  // libsql's Database matches better-sqlite3's API, which is what SqliteDialect expects.
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({
      database: withStatementCache(database) as unknown as SqliteDialectDatabase,
    }),
  });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

type SqliteDialectDatabase = ConstructorParameters<typeof SqliteDialect>[0]['database'];

/**
 * Kysely prepares every statement anew; preparing was a quarter of a GET's time. Statements are
 * reusable on the one connection, so keep the recent ones (SQLite re-prepares them itself if the schema
 * changes).
 */
function withStatementCache(database: Sqlite.Database, size = 500) {
  const cache = new Map<string, Sqlite.Statement>();
  return {
    prepare(sqlText: string) {
      let statement = cache.get(sqlText);
      if (statement) {
        cache.delete(sqlText);
      } else {
        statement = database.prepare(sqlText);
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(sqlText, statement);
      return statement;
    },
    close() {
      cache.clear();
      return database.close();
    },
  };
}

function openPostgres(url: string): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: url, max: 10, types: pgTypes });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/** A cheap round trip, for the health check. */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
