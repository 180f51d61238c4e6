import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Anonymizer, type AnonymizerOptions, MAX_LINE_CHARS } from './anonymizer.js';
import { csvField } from './csv.js';
import { PII_TYPES } from './recognizers/index.js';

const FIXTURES = new URL('../../../test/fixtures/anonymization/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));

const anonymizer = (options: Partial<AnonymizerOptions> = {}) =>
  Anonymizer.create({
    piiTypes: PII_TYPES,
    method: 'ner+heuristics',
    threshold: 0.3,
    plan: {},
    fallback: { type: 'REPLACE' },
    secret: 'test-secret',
    ...options,
  });

async function ok(a: Anonymizer, path: string, format: 'csv' | 'json' | 'jsonl' | 'txt') {
  const out = await a.anonymizeFile({ path, format, bytes: fixture(path) });
  if (!out.ok) throw new Error(out.error);
  return out;
}

describe('cancellation', () => {
  it('refuses a file once the signal has aborted, and stops a long one when it aborts', async () => {
    const a = await anonymizer({ method: 'heuristics', fallback: { type: 'REDACT' } });
    const file = { path: 'n.txt', format: 'txt' as const, bytes: 'Call 415-555-0100 or mail a@b.co.\n' };
    const reason = new Error('run canceled');
    await expect(a.anonymizeFile(file, AbortSignal.abort(reason))).rejects.toBe(reason);

    // About 4 MB of text: several yields to the event loop, where the abort (a timer) is seen.
    const line = 'Patient Ana Silva, SSN 123-45-6789, lives at 12 Main St, Springfield, IL 62704.\n';
    const long = { path: 'long.txt', format: 'txt' as const, bytes: line.repeat(50_000) };
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 0);
    await expect(a.anonymizeFile(long, controller.signal)).rejects.toBe(reason);
    // The anonymizer is still usable afterwards.
    expect((await a.anonymizeFile(file)).ok).toBe(true);
  });
});

describe('CSV', () => {
  it('writes back the fields it leaves alone as they read, whatever the quoting, line ends and widths', async () => {
    // Emails only, and no `@` in any field: nothing is found, every field is written back. The writer reads
    // them from the parsed table, field by field; the expected text is the same table written plainly.
    const a = await anonymizer({ piiTypes: ['email'], method: 'heuristics', fallback: { type: 'REDACT' } });
    const field = fc.constantFrom('a', 'b c', ' x', 'y ', 'q"q', 'two\nlines', '', ',', 'n/a', 'é', '""');
    const row = fc
      .array(field, { minLength: 1, maxLength: 4 })
      .filter((r) => !(r.length === 1 && r[0] === ''));
    const table = fc.record({
      rows: fc.array(row, { minLength: 1, maxLength: 6 }),
      eol: fc.constantFrom('\n', '\r\n'),
      trailing: fc.boolean(),
      quoteAll: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(table, async ({ rows, eol, trailing, quoteAll }) => {
        const write = (f: string) => (quoteAll ? `"${f.replaceAll('"', '""')}"` : csvField(f));
        const text = rows.map((r) => r.map(write).join(',')).join(eol) + (trailing ? eol : '');
        const out = await a.anonymizeFile({ path: 't.csv', format: 'csv', bytes: text });
        if (!out.ok) throw new Error(out.error);
        const expected = rows.map((r) => r.map(csvField).join(',')).join(eol) + (trailing ? eol : '');
        expect(out.content).toBe(expected);
        expect(out.samples).toBe(rows.length - 1);
      }),
      { numRuns: 300 },
    );
  });
  it('keeps the columns, the row count and the values that are not PII', async () => {
    const a = await anonymizer();
    const out = await ok(a, 'patients.csv', 'csv');
    const before = parse(fixture('patients.csv')) as string[][];
    const after = parse(out.content) as string[][];
    expect(after[0]).toEqual(before[0]);
    expect(after).toHaveLength(before.length);
    expect(after.every((row) => row.length === before[0]!.length)).toBe(true);
    expect(out.samples).toBe(5);
    // Not PII: untouched.
    expect(after[2]![7]).toBe('No issues reported.');
    // Every PII column changed in every row.
    for (const c of [1, 2, 3, 4, 5, 6])
      for (let r = 1; r < before.length; r++) expect(after[r]![c]).not.toBe(before[r]![c]);
  });
  it('treats a column mostly of one type as that type, names NER does not know included', async () => {
    const a = await anonymizer({ fallback: { type: 'REDACT' } });
    const csv = 'id,given\n1,Ana\n2,Bo\n3,Xqzt\n4,Carla\n5,Dmitri\n';
    const out = await a.anonymizeFile({ path: 'g.csv', format: 'csv', bytes: csv });
    expect(out.ok && out.content).toBe(
      'id,given\n1,[FIRST_NAME]\n2,[FIRST_NAME]\n3,[FIRST_NAME]\n4,[FIRST_NAME]\n5,[FIRST_NAME]\n',
    );
  });
  it('masks each value of a typed column with its operator, keeping the padding around it', async () => {
    const emails = Array.from({ length: 12 }, (_, i) => `user${i}@example.com`);
    const csv = `email,mail\n${emails.map((e, i) => `${e},${i === 3 ? ` ${e} ` : e}`).join('\n')}\n`;
    const a = await anonymizer({
      method: 'heuristics',
      plan: { email: { type: 'MASK', keep_last: 4 } },
    });
    const masked = await a.anonymizeFile({ path: 'm.csv', format: 'csv', bytes: csv });
    const rows = (parse(masked.ok ? masked.content : '') as string[][]).slice(1);
    // Each value masked on its own: all but its last 4 letters or digits.
    expect(rows.map((r) => r[0])).toEqual(
      emails.map((e) => `${e.slice(0, -5).replace(/[a-z0-9]/g, '*')}e.com`),
    );
    const b = await anonymizer({ method: 'heuristics', fallback: { type: 'REDACT' } });
    const redacted = await b.anonymizeFile({ path: 'r.csv', format: 'csv', bytes: csv });
    const after = (parse(redacted.ok ? redacted.content : '') as string[][]).slice(1);
    expect(after.every((r) => r[0] === '[EMAIL]')).toBe(true);
    expect(after[3]![1]).toBe(' [EMAIL] ');
  });
  it('counts every entity but makes objects only for the first keepEntities, the same ones in the same order', async () => {
    const a = await anonymizer({ method: 'heuristics', fallback: { type: 'REDACT' } });
    const rows = Array.from(
      { length: 40 },
      (_, i) => `${i + 1},user${i}@example.com,"Call 555-867-53${String(i).padStart(2, '0')} today"`,
    );
    const csv = `id,email,note\n${rows.join('\n')}\n`;
    const all = await a.anonymizeFile({ path: 'p.csv', format: 'csv', bytes: csv });
    const some = await a.anonymizeFile({ path: 'p.csv', format: 'csv', bytes: csv }, undefined, 45);
    const none = await a.anonymizeFile({ path: 'p.csv', format: 'csv', bytes: csv }, undefined, 0);
    if (!all.ok || !some.ok || !none.ok) throw new Error('not anonymized');
    // The email column is typed (40 values at once), the note column detected value by value.
    expect(all.counts).toEqual({ email: 40, phone_number: 40 });
    expect(all.entities).toHaveLength(80);
    expect(some.counts).toEqual(all.counts);
    expect(some.entities).toEqual(all.entities.slice(0, 45));
    expect(none.counts).toEqual(all.counts);
    expect(none.entities).toEqual([]);
    expect(some.content).toBe(all.content);
    expect(none.content).toBe(all.content);
  });
  it('replaces consistently within a file: the same person gets the same fake in every column and row', async () => {
    const a = await anonymizer();
    const after = parse((await ok(a, 'patients.csv', 'csv')).content) as string[][];
    // Rows 1 and 5 are the same patient.
    expect(after[5]!.slice(1, 7)).toEqual(after[1]!.slice(1, 7));
    // The free-text note names her by the same fake as the first_name column.
    expect(after[1]![7]).toContain(after[1]![1]!);
    expect(after[1]![7]).toContain(after[1]![3]!);
    expect(after[5]![7]).toContain(`${after[1]![1]} ${after[1]![2]}`);
  });
});

describe('JSON and JSONL', () => {
  it('keeps the structure: same keys, same array lengths, numbers stay numbers', async () => {
    const a = await anonymizer();
    const out = await ok(a, 'patients.json', 'json');
    const before = JSON.parse(fixture('patients.json').toString()) as Record<string, unknown>[];
    const after = JSON.parse(out.content) as Record<string, unknown>[];
    const shape = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(shape)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]))
          : typeof v;
    expect(shape(after)).toEqual(shape(before));
    expect(after.map((r) => r.visits)).toEqual([3, 1, 2]);
    expect(after[0]!.name).not.toBe('Ana Lopez');
    expect(after[1]!.note).toBe('No complaints.');
    expect(out.samples).toBe(3);
  });
  it('keeps JSON Lines line by line, blank lines included', async () => {
    const a = await anonymizer();
    const out = await ok(a, 'messages.jsonl', 'jsonl');
    const lines = out.content.split('\n');
    expect(lines).toHaveLength(fixture('messages.jsonl').toString().split('\n').length);
    expect(lines[2]).toBe('');
    expect(out.samples).toBe(3);
    expect(out.content).not.toContain('4111 1111 1111 1111');
    expect(out.content).not.toContain('460-89-9847');
  });
});

describe('a run', () => {
  it('replaces consistently across its files', async () => {
    const a = await anonymizer();
    const csv = parse((await ok(a, 'patients.csv', 'csv')).content) as string[][];
    const json = JSON.parse((await ok(a, 'patients.json', 'json')).content) as {
      contact: { email: string };
    }[];
    const jsonl = (await ok(a, 'messages.jsonl', 'jsonl')).content;
    expect(json[0]!.contact.email).toBe(csv[1]![3]);
    expect(jsonl).toContain(csv[1]![3]!);
    // Another run with the same secret gives the same fakes (a resumed run stays consistent).
    const again = parse((await ok(await anonymizer(), 'patients.csv', 'csv')).content) as string[][];
    expect(again).toEqual(csv);
  });
  it('redacts text files with the default operator', async () => {
    const a = await anonymizer({ fallback: { type: 'REDACT' } });
    const out = await ok(a, 'intake.txt', 'txt');
    expect(out.content).toContain('Patient: [FIRST_NAME] [LAST_NAME]');
    expect(out.content).toContain('DOB: [DATE_OF_BIRTH]');
    expect(out.content).toContain('Email: [EMAIL]');
    expect(out.content).not.toMatch(/Smith|Garcia|555-0134|00482913/);
    expect(out.entities.every((e) => e.score >= 0.3 && e.end > e.start)).toBe(true);
  });
  it('applies operators per label and leaves unselected labels alone', async () => {
    const a = await anonymizer({
      piiTypes: ['email', 'phone_number'],
      method: 'heuristics',
      plan: { email: { type: 'REDACT' }, phone_number: { type: 'MASK', keep_last: 4 } },
    });
    const out = await a.anonymizeFile({
      path: 'a.txt',
      format: 'txt',
      bytes: 'Ana Lopez: ana@example.org, +1 617-555-0134',
    });
    expect(out.ok && out.content).toBe('Ana Lopez: [EMAIL], +* ***-***-0134');
  });
  it('drops entities under the threshold', async () => {
    const text = 'ring 0490 75 40 81';
    const low = await (await anonymizer({ threshold: 0.2, fallback: { type: 'REDACT' } })).anonymizeFile({
      path: 'a.txt',
      format: 'txt',
      bytes: text,
    });
    const high = await (await anonymizer({ threshold: 0.5, fallback: { type: 'REDACT' } })).anonymizeFile({
      path: 'a.txt',
      format: 'txt',
      bytes: text,
    });
    expect(low.ok && low.content).toBe('ring [PHONE_NUMBER]');
    expect(high.ok && high.content).toBe(text);
  });
});

describe('bad input', () => {
  it('is reported per file, never thrown', async () => {
    const a = await anonymizer();
    const binary = await a.anonymizeFile({
      path: 'x.txt',
      format: 'txt',
      bytes: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x01]),
    });
    expect(binary).toEqual({ ok: false, error: 'x.txt: a binary file, not text (NUL byte at offset 4)' });
    const latin1 = await a.anonymizeFile({
      path: 'invalid-utf8.txt',
      format: 'txt',
      bytes: readFileSync(new URL('../../../test/fixtures/datasets/invalid-utf8.txt', import.meta.url)),
    });
    expect(latin1.ok).toBe(false);
    expect(!latin1.ok && latin1.error).toMatch(
      /^invalid-utf8.txt: not valid UTF-8 \(invalid byte 0x[0-9a-f]{2} at offset \d+\)$/,
    );
    const huge = await a.anonymizeFile({
      path: 'h.txt',
      format: 'txt',
      bytes: `ok\n${'x'.repeat(MAX_LINE_CHARS + 1)}\n`,
    });
    expect(!huge.ok && huge.error).toMatch(/^h.txt: line 2 has 1,000,001 characters/);
    const json = await a.anonymizeFile({ path: 'b.json', format: 'json', bytes: '{"a": ' });
    expect(!json.ok && json.error).toMatch(/^b.json: not valid JSON/);
    const jsonl = await a.anonymizeFile({ path: 'c.jsonl', format: 'jsonl', bytes: '{"a":1}\nnot json\n' });
    expect(!jsonl.ok && jsonl.error).toBe('c.jsonl: not valid JSON Lines: line 2 is not JSON');
  });
  it('handles long documents in pieces', async () => {
    const a = await anonymizer({ method: 'heuristics', fallback: { type: 'REDACT' } });
    const line = 'Contact ana@example.org or call +1 617-555-0134 about the claim.\n';
    const text = line.repeat(5000);
    const out = await a.anonymizeFile({ path: 'long.txt', format: 'txt', bytes: text });
    expect(out.ok && out.content).toBe(
      'Contact [EMAIL] or call [PHONE_NUMBER] about the claim.\n'.repeat(5000),
    );
    expect(out.ok && out.entities).toHaveLength(10_000);
  });
});
