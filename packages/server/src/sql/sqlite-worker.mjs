// Runs one sample's DDL and SQL in a fresh in-memory SQLite database, off the main thread: a query can
// loop (a recursive CTE needs no table to run forever) and SQLite calls block, so the parent terminates
// this worker when a query runs too long. Plain JavaScript: workers do not inherit the tsx loader.
import { parentPort } from 'node:worker_threads';
import Sqlite from 'libsql';

parentPort.on('message', ({ id, schema, query }) => {
  let db;
  try {
    db = new Sqlite(':memory:');
    if (schema) {
      try {
        db.exec(schema);
      } catch (err) {
        parentPort.postMessage({ id, ok: false, stage: 'schema', error: String(err?.message ?? err) });
        return;
      }
    }
    db.exec(query);
    parentPort.postMessage({ id, ok: true });
  } catch (err) {
    parentPort.postMessage({ id, ok: false, stage: 'query', error: String(err?.message ?? err) });
  } finally {
    db?.close();
  }
});
