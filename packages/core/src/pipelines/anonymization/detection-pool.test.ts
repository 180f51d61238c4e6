import { readFileSync } from 'node:fs';
import { en } from '@faker-js/faker';
import { afterAll, describe, expect, it } from 'vitest';
import { Analyzer } from './analyzer.js';
import { Anonymizer, type AnonymizerOptions } from './anonymizer.js';
import { type AnalyzerSpec, DetectionPool } from './detection-pool.js';
import { PII_TYPES } from './recognizers/index.js';

const FIXTURES = new URL('../../../test/fixtures/anonymization/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');

/** Notes long enough to be analysed in many batches and by views around digits. */
function notes(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const n = String(i).padStart(4, '0');
    out.push(
      i % 3 === 0
        ? `Patient Maria Gonzalez (DOB 1984-0${(i % 9) + 1}-1${i % 10}) lives at ${100 + i} Oak Street, Springfield, IL 627${n.slice(2)}.`
        : i % 3 === 1
          ? `Call 555-867-${n} or write to m.gonzalez${i}@example.org; card 4111 1111 1111 1111 was declined.`
          : `Nothing to see here: the visit took ${i % 60} minutes and the weather was mild.`,
    );
  }
  return out.join('\n');
}

const pools: DetectionPool[] = [];
const poolOf = (size: number) => {
  const pool = new DetectionPool(size);
  pools.push(pool);
  return pool;
};
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('DetectionPool', () => {
  it('finds exactly what an analyzer in this thread finds', async () => {
    const pool = poolOf(2);
    const texts = [fixture('intake.txt'), notes(400), 'no PII at all', ''];
    for (const detectors of [['heuristics'], ['ner', 'heuristics']] as const) {
      const spec: AnalyzerSpec = { piiTypes: PII_TYPES, detectors, threshold: 0.3 };
      const here = new Analyzer(spec);
      await here.prepare();
      for (const text of texts) {
        const hints = text.length < 20 ? ['email'] : [];
        expect(await pool.detect(spec, text, hints)).toEqual(here.detect(text, hints));
      }
    }
    expect(pool.threads).toBeGreaterThan(0);
    expect(pool.threads).toBeLessThanOrEqual(2);
  });

  it('drops a queued task when its signal aborts, and goes on with the others', async () => {
    const pool = poolOf(1);
    const spec: AnalyzerSpec = { piiTypes: PII_TYPES, detectors: ['heuristics'], threshold: 0.3 };
    const long = notes(3000);
    const first = pool.detect(spec, long, []);
    const controller = new AbortController();
    const second = pool.detect(spec, long, [], controller.signal);
    controller.abort(new Error('run canceled'));
    await expect(second).rejects.toThrow('run canceled');
    expect((await first).length).toBeGreaterThan(1000);
    expect(await pool.detect(spec, 'mail ana@example.com', [])).toMatchObject([{ label: 'email' }]);
    // An aborted signal is refused at once.
    await expect(pool.detect(spec, long, [], controller.signal)).rejects.toThrow('run canceled');
  });

  it('fails a task with the reason when detection throws in the thread', async () => {
    const pool = poolOf(1);
    const spec: AnalyzerSpec = { piiTypes: PII_TYPES, detectors: ['heuristics'], threshold: 0.3 };
    await expect(pool.detect(spec, 42 as unknown as string, [])).rejects.toThrow(/^PII detection failed: /);
    expect(await pool.detect(spec, 'mail ana@example.com', [])).toMatchObject([{ label: 'email' }]);
  });

  it('fails the task of a thread that stops, and starts another for the next task', async () => {
    const pool = poolOf(1);
    const spec: AnalyzerSpec = { piiTypes: PII_TYPES, detectors: ['heuristics'], threshold: 0.3 };
    await pool.detect(spec, 'warm up', []);
    const running = pool.detect(spec, notes(3000), []);
    // The thread is busy with a text that takes far longer than stopping it.
    const slots = (pool as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }).slots;
    await slots[0]!.worker.terminate();
    await expect(running).rejects.toThrow(/^PII detection thread stopped: /);
    expect(await pool.detect(spec, 'mail ana@example.com', [])).toMatchObject([{ label: 'email' }]);
    expect(pool.threads).toBe(1);
  });

  it('refuses work once closed, and rejects what was queued', async () => {
    const pool = new DetectionPool(1);
    const spec: AnalyzerSpec = { piiTypes: PII_TYPES, detectors: ['heuristics'], threshold: 0.3 };
    const running = expect(pool.detect(spec, notes(3000), [])).rejects.toThrow(
      'the detection pool is closed',
    );
    const queued = expect(pool.detect(spec, notes(10), [])).rejects.toThrow('the detection pool is closed');
    await pool.close();
    await running;
    await queued;
    await expect(pool.detect(spec, 'x', [])).rejects.toThrow('the detection pool is closed');
    expect(pool.threads).toBe(0);
  });

  it('needs at least one thread', () => {
    expect(() => new DetectionPool(0)).toThrow('at least one thread');
  });
});

describe('Anonymizer with a DetectionPool', () => {
  const options = (extra: Partial<AnonymizerOptions>): AnonymizerOptions => ({
    piiTypes: PII_TYPES,
    method: 'ner+heuristics',
    threshold: 0.3,
    plan: { email: { type: 'MASK', keep_last: 4 } },
    fallback: { type: 'REPLACE' },
    secret: 'same-secret',
    ...extra,
  });

  it('writes the same files, counts and entities as without threads (REPLACE fakes included)', async () => {
    const rows = notes(800)
      .split('\n')
      .map(
        (note, i) => `${i},Maria,Gonzalez,m${i}@example.org,555-867-${String(i).padStart(4, '0')},"${note}"`,
      );
    const files = [
      { path: 'patients.csv', format: 'csv' as const, bytes: fixture('patients.csv') },
      { path: 'patients.json', format: 'json' as const, bytes: fixture('patients.json') },
      { path: 'messages.jsonl', format: 'jsonl' as const, bytes: fixture('messages.jsonl') },
      { path: 'intake.txt', format: 'txt' as const, bytes: fixture('intake.txt') },
      // Several batches per column and per document, detected in parallel.
      {
        path: 'big.csv',
        format: 'csv' as const,
        bytes: `id,first,last,email,phone,note\n${rows.join('\n')}\n`,
      },
      { path: 'big.txt', format: 'txt' as const, bytes: notes(1300) },
    ];
    for (const method of ['heuristics', 'ner+heuristics'] as const) {
      const alone = await Anonymizer.create(options({ method }));
      const threaded = await Anonymizer.create(options({ method, pool: poolOf(2) }));
      for (const file of files) {
        const expected = await alone.anonymizeFile(file, undefined, 500);
        const actual = await threaded.anonymizeFile(file, undefined, 500);
        expect(actual.ok).toBe(true);
        expect(actual, `${method} ${file.path}`).toEqual(expected);
      }
    }
  });

  it('masks files given at once in the order they were given (REPLACE fakes as one after another)', async () => {
    // Enough distinct names that some fakes collide: which original keeps its first-choice fake depends
    // on the order values are met in.
    const names = en.person!.first_name!.generic!;
    const table = (from: number, to: number) => `given\n${names.slice(from, to).join('\n')}\n`;
    const files = [
      { path: 'big.txt', format: 'txt' as const, bytes: notes(700) },
      { path: 'a.csv', format: 'csv' as const, bytes: table(0, 150) },
      { path: 'b.csv', format: 'csv' as const, bytes: table(100, names.length) },
    ];
    const one = (pool?: DetectionPool) =>
      Anonymizer.create(
        options({ method: 'ner+heuristics', fallback: { type: 'REPLACE' }, ...(pool ? { pool } : {}) }),
      );
    const pool = poolOf(2);
    const inTurn = async (list: typeof files) => {
      const a = await one(pool);
      const out = [];
      for (const f of list) out.push(await a.anonymizeFile(f));
      return out;
    };
    const sequential = await inTurn(files);
    const threaded = await one(pool);
    const together = await Promise.all(files.map((f) => threaded.anonymizeFile(f)));
    expect(together).toEqual(sequential);
    // The order matters for these files (else the check above could not fail).
    const reversed = (await inTurn([...files].reverse())).reverse();
    expect(reversed.map((o) => o.ok && o.content)).not.toEqual(sequential.map((o) => o.ok && o.content));
    // A file that cannot be read does not hold up the ones after it.
    const again = await one(pool);
    const mixed = await Promise.all([
      again.anonymizeFile({ path: 'bad.txt', format: 'txt', bytes: Buffer.from([0x61, 0x00]) }),
      again.anonymizeFile(files[1]!),
    ]);
    expect(mixed[0]).toEqual({ ok: false, error: 'bad.txt: a binary file, not text (NUL byte at offset 1)' });
    expect(mixed[1]!.ok).toBe(true);
  });
});
