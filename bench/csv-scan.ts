/**
 * Micro-benchmark of the CSV inspection on its own (no server, no disk): a ~50 MB CSV like the one
 * bench/upload.ts uploads, generated in memory and fed in 64 KiB chunks (what a file read stream yields).
 * Compares the csv-parse inspection that inspectCsv used before (with `info: true` for line numbers) with
 * the byte scanner it uses now, plus two reference points: csv-parse without `info`, and the strict UTF-8
 * decode alone (which the new inspection still runs).
 *
 *   npx tsx bench/csv-scan.ts
 *
 * Env: BENCH_CSV_RUNS (default 5) timed runs per variant, after one warm-up run; the median is reported.
 */
import { performance } from 'node:perf_hooks';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Info, parse } from 'csv-parse';
import { inspectCsv } from '../packages/core/src/datasets/csv.js';
import { decodeUtf8 } from '../packages/core/src/datasets/utf8.js';
import { ORDERS_HEADER, orderRows } from './lib/orders-csv.js';

const MB = 1024 * 1024;
const TARGET_BYTES = 50 * MB - 512; // as bench/upload.ts: just under the SINGLE_FILE limit
const CHUNK = 64 * 1024;
const RUNS = Math.max(1, Number(process.env.BENCH_CSV_RUNS ?? 5) || 5);

// ---------- the CSV of bench/upload.ts (same generator and seed), in memory ----------

function generateCsv(): { bytes: Buffer; rows: number; quoted: number } {
  const parts = [ORDERS_HEADER];
  let rows = 0;
  let quoted = 0;
  for (const r of orderRows(TARGET_BYTES)) {
    parts.push(r.row);
    rows++;
    if (r.quoted) quoted++;
  }
  return { bytes: Buffer.from(parts.join(''), 'utf8'), rows, quoted };
}

// ---------- the variants ----------

async function* chunksOf(chunks: Buffer[]): AsyncGenerator<Buffer> {
  yield* chunks;
}

/** The inspection before the byte scanner (csv.ts until this change), minus its error messages. */
async function inspectWithCsvParse(chunks: AsyncIterable<Buffer>, info: boolean): Promise<number> {
  let header: string[] | undefined;
  let records = 0;
  let lastEndLine = 0;
  let lastEmptyLines = 0;
  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    relax_quotes: false,
    relax_column_count: true,
    info,
  });
  const sink = new Writable({
    objectMode: true,
    write(item: { record: string[]; info: Info } | string[], _encoding, callback) {
      const record = Array.isArray(item) ? item : item.record;
      let startLine = 0;
      if (!Array.isArray(item)) {
        startLine = lastEndLine + 1 + (item.info.empty_lines - lastEmptyLines);
        lastEndLine = item.info.lines;
        lastEmptyLines = item.info.empty_lines;
      }
      if (header === undefined) header = record;
      else if (record.length !== header.length) {
        callback(new Error(`line ${startLine} has ${record.length} fields`));
        return;
      } else records++;
      callback();
    },
  });
  await pipeline(Readable.from(decodeUtf8(chunks, 'bench.csv')), parser, sink);
  return records;
}

async function decodeOnly(chunks: AsyncIterable<Buffer>): Promise<number> {
  let length = 0;
  for await (const text of decodeUtf8(chunks, 'bench.csv')) length += text.length;
  return length;
}

interface Variant {
  name: string;
  run: (chunks: Buffer[]) => Promise<number>;
  /** Checks the run's result, so a variant cannot win by skipping work. */
  expect?: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(): Promise<void> {
  console.log('== OpenFramer micro-benchmark: CSV inspection (in memory, 64 KiB chunks) ==');
  console.log(`node ${process.version}, ${process.platform} ${process.arch}`);
  const t0 = performance.now();
  const csv = generateCsv();
  const size = csv.bytes.length / MB;
  console.log(
    `csv: ${size.toFixed(2)} MB (${csv.bytes.length} bytes), ${csv.rows} records, ${((100 * csv.quoted) / csv.rows).toFixed(0)}% of rows quote the free text; generated in ${((performance.now() - t0) / 1000).toFixed(2)} s`,
  );
  const chunks: Buffer[] = [];
  for (let i = 0; i < csv.bytes.length; i += CHUNK) chunks.push(csv.bytes.subarray(i, i + CHUNK));

  const variants: Variant[] = [
    {
      name: 'before: csv-parse, info: true',
      run: (c) => inspectWithCsvParse(chunksOf(c), true),
      expect: csv.rows,
    },
    {
      name: 'after:  inspectCsv (byte scanner)',
      run: async (c) => (await inspectCsv(chunksOf(c), 'bench.csv', 2)).recordCount!,
      expect: csv.rows,
    },
    {
      name: 'ref:    csv-parse, info: false',
      run: (c) => inspectWithCsvParse(chunksOf(c), false),
      expect: csv.rows,
    },
    { name: 'ref:    decodeUtf8 alone', run: (c) => decodeOnly(chunksOf(c)) },
  ];

  const results: { name: string; ms: number; mbPerS: number }[] = [];
  for (const variant of variants) {
    const times: number[] = [];
    for (let run = 0; run <= RUNS; run++) {
      const start = performance.now();
      const result = await variant.run(chunks);
      const ms = performance.now() - start;
      if (variant.expect !== undefined && result !== variant.expect) {
        throw new Error(`${variant.name}: counted ${result} records, expected ${variant.expect}`);
      }
      if (run > 0) times.push(ms); // run 0 warms up
    }
    const ms = median(times);
    results.push({ name: variant.name, ms, mbPerS: size / (ms / 1000) });
    console.log(
      `${variant.name.padEnd(36)} ${(size / (ms / 1000)).toFixed(1).padStart(7)} MB/s  median ${ms.toFixed(0)} ms  (runs: ${times.map((t) => t.toFixed(0)).join(', ')} ms)`,
    );
  }
  const before = results[0]!;
  const after = results[1]!;
  console.log(`speed-up of the inspection: ${(after.mbPerS / before.mbPerS).toFixed(1)}x`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
