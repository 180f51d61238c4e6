import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import yazl from 'yazl';
import { type Harness, startHarness } from '../support/harness.js';
import { type FormEntry, multipart } from '../support/multipart.js';

let h: Harness;
let validZip: Buffer;
beforeAll(async () => {
  h = await startHarness();
  validZip = await new Promise<Buffer>((resolve) => {
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('a,b\n1,2\n3,4\n'), 'd/t.csv');
    zip.addBuffer(Buffer.from('hello'), 'd/u.txt');
    zip.end();
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
});
afterAll(async () => {
  await h?.close();
});

const names = fc.constantFrom(
  'seed.csv',
  'a.json',
  'b.jsonl',
  'c.txt',
  'd.md',
  'e.pdf',
  'f.exe',
  '',
  '../x.csv',
  'ü.csv',
  'a/b.txt',
);
const almostCsv = fc.oneof(
  fc.constant('a,b\n1,2\n3,4\n'),
  fc.constant('a,a\n1,2\n3,4\n'),
  fc.constant('"unterminated,b\n1,2\n'),
  fc.constant('a,b\n1,2,3\n'),
  fc.constant('\ufeffa,b\n'),
  fc.string({ maxLength: 200 }),
);
const almostJson = fc.oneof(
  fc.constant('[{"a":1},{"a":2}]'),
  fc.constant('[{"a":1}'),
  fc.constant('{"a":1}\n{"a":'),
  fc.constant('[1,2,3]'),
  fc.json(),
);
const content = fc.oneof(
  almostCsv.map((s) => Buffer.from(s)),
  almostJson.map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)),
  fc.constant(Buffer.from('%PDF-1.4 not really a pdf')),
);
const field = fc.oneof(
  fc.tuple(
    fc.constantFrom('name', 'description', 'dataset_type', 'folder_names', 'weird', 'name'),
    fc.oneof(
      fc.constantFrom('SINGLE_FILE', 'MULTI_FILE', 'MULTI_FOLDER', 'x', '', 'f1', 'f2', 'a/b', '\u0000'),
      fc.string({ maxLength: 40 }),
    ),
  ),
  fc.tuple(
    fc.constantFrom('files', 'files[]', 'file', 'zip_file', 'other'),
    fc.record({ filename: names, content }),
  ),
);
const entries = fc.array(field, { maxLength: 8 }) as fc.Arbitrary<FormEntry[]>;

/** Ways to break the multipart envelope itself. */
const envelope = fc.constantFrom(
  'intact',
  'truncated',
  'no-boundary',
  'garbage-boundary',
  'json-type',
  'empty',
);

function breakBody(kind: string, body: { payload: Buffer; headers: Record<string, string> }) {
  switch (kind) {
    case 'truncated':
      return { ...body, payload: body.payload.subarray(0, Math.floor(body.payload.length / 2)) };
    case 'no-boundary':
      return { ...body, headers: { 'content-type': 'multipart/form-data' } };
    case 'garbage-boundary':
      return { ...body, headers: { 'content-type': 'multipart/form-data; boundary=nope' } };
    case 'json-type':
      return { ...body, headers: { 'content-type': 'application/json' } };
    case 'empty':
      return { ...body, payload: Buffer.alloc(0) };
    default:
      return body;
  }
}

const zipMutation = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
    const copy = Buffer.from(validZip);
    copy[at % copy.length] = byte;
    return copy;
  }),
  fc.nat().map((cut) => validZip.subarray(0, cut % validZip.length)),
);

it('survives 1,000 malformed uploads: only 4xx (or a valid 201), no crash, nothing orphaned', async () => {
  const before = await h.footprint();
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(
      fc.boolean(),
      entries,
      envelope,
      zipMutation,
      fc.string({ maxLength: 12 }),
      async (toZip, parts, kind, zipBytes, name) => {
        const url = toZip
          ? '/api/dataframer/seed-datasets/create-from-zip/'
          : '/api/dataframer/seed-datasets/create/';
        const form: FormEntry[] = toZip
          ? [
              ['name', `zip ${name}`],
              ['zip_file', { filename: 'x.zip', content: zipBytes }],
            ]
          : parts;
        const res = await h.request({ method: 'POST', url, ...breakBody(kind, multipart(form)) });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        expect(res.statusCode, res.body).toBeLessThan(500);
        if (res.statusCode === 201) {
          const id = res.json().id;
          expect(
            (await h.request({ method: 'DELETE', url: `/api/dataframer/seed-datasets/${id}/` })).statusCode,
          ).toBe(204);
        } else {
          expect(res.json().detail, res.body).toEqual(expect.any(String));
        }
      },
    ),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 1000), seed: Number(process.env.FUZZ_SEED ?? 20261123) },
  );
  // Every accepted dataset was deleted again, so the store must be exactly as before.
  expect(await h.footprint()).toEqual(before);
  // The server is still healthy.
  expect((await h.request({ method: 'GET', url: '/api/dataframer/health/', key: null })).statusCode).toBe(
    200,
  );
  expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
  expect(statuses.get(400) ?? 0).toBeGreaterThan(100);
}, 300_000);
