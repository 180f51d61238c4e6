import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { newId, nowIso } from '../../src/util.js';
import { folderOfFiles, folderOfFolders, readExample } from '../support/examples.js';
import { type Harness, startHarness } from '../support/harness.js';
import { type FormEntry, file, multipart } from '../support/multipart.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const create = (entries: FormEntry[], key?: string | null) =>
  h.request({ method: 'POST', url: '/api/dataframer/seed-datasets/create/', key, ...multipart(entries) });

const zipOf = (files: Record<string, string | Buffer>) =>
  new Promise<Buffer>((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const [name, content] of Object.entries(files)) zip.addBuffer(Buffer.from(content), name);
    zip.end();
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });

const createFromZip = (name: string, zip: Buffer) =>
  h.request({
    method: 'POST',
    url: '/api/dataframer/seed-datasets/create-from-zip/',
    ...multipart([
      ['name', name],
      ['zip_file', file('seeds.zip', zip)],
    ]),
  });

describe('seed datasets', () => {
  it('creates a SINGLE_FILE dataset from a CSV with quoted fields and embedded newlines', async () => {
    const res = await create([
      ['name', 'claims'],
      ['dataset_type', 'SINGLE_FILE'],
      ['description', 'Insurance claims'],
      ['files', file('insurance-claims.csv', readExample('insurance-claims.csv'))],
    ]);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      name: 'claims',
      description: 'Insurance claims',
      dataset_type: 'SINGLE_FILE',
      file_count: 1,
      folder_count: 0,
      created_by_email: 'ana@acme.test',
      short_sample_compatibility: { is_short_samples_compatible: false, is_long_samples_compatible: true },
    });
    expect(body.files).toHaveLength(1);
    expect(body.files[0]).toMatchObject({
      path: 'insurance-claims.csv',
      file_type: 'csv',
      content_type: 'text/csv',
      record_count: 12,
      columns: [
        'claim_id',
        'policy_type',
        'claim_amount',
        'region',
        'status',
        'days_to_settle',
        'description',
      ],
      size_bytes: readExample('insurance-claims.csv').length,
    });

    const got = await h.request({ method: 'GET', url: `/api/dataframer/seed-datasets/${body.id}/` });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(body);
  });

  it('accepts a CSV with a byte-order mark and JSON/JSONL tables', async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\n1,2\n3,4\n')]);
    const csv = await create([
      ['name', 'bom'],
      ['dataset_type', 'SINGLE_FILE'],
      ['files', file('bom.csv', bom)],
    ]);
    expect(csv.statusCode, csv.body).toBe(201);
    expect(csv.json().files[0].columns).toEqual(['a', 'b']);

    const json = await create([
      ['name', 'json table'],
      ['dataset_type', 'SINGLE_FILE'],
      ['files', file('t.json', JSON.stringify([{ x: 1 }, { x: 2, y: 'b' }]))],
    ]);
    expect(json.statusCode, json.body).toBe(201);
    expect(json.json().files[0]).toMatchObject({ record_count: 2, columns: ['x', 'y'], file_type: 'json' });

    const jsonl = await create([
      ['name', 'jsonl table'],
      ['dataset_type', 'single_file'],
      ['files', file('t.jsonl', '{"q":"a"}\n\n{"q":"b"}\n{"q":"c"}\n')],
    ]);
    expect(jsonl.statusCode, jsonl.body).toBe(201);
    expect(jsonl.json().files[0]).toMatchObject({ record_count: 3, file_type: 'jsonl' });
  });

  it('creates MULTI_FILE and MULTI_FOLDER datasets', async () => {
    const multi = await create([
      ['name', 'tickets'],
      ['dataset_type', 'MULTI_FILE'],
      ...folderOfFiles('support-tickets'),
    ]);
    expect(multi.statusCode, multi.body).toBe(201);
    expect(multi.json()).toMatchObject({ file_count: 3, folder_count: 0 });
    expect(multi.json().short_sample_compatibility.is_short_samples_compatible).toBe(true);

    const folders = await create([
      ['name', 'patients'],
      ['dataset_type', 'MULTI_FOLDER'],
      ...folderOfFolders('patient-records'),
    ]);
    expect(folders.statusCode, folders.body).toBe(201);
    const body = folders.json();
    expect(body).toMatchObject({ file_count: 6, folder_count: 3, dataset_type: 'MULTI_FOLDER' });
    expect(body.files.map((f: { path: string }) => f.path)).toContain('patient_002/labs.json');
    expect(body.short_sample_compatibility.is_short_samples_compatible).toBe(false);
  });

  it('lists newest first, renames, describes, and keeps names unique per company', async () => {
    const list = await h.request({ method: 'GET', url: '/api/dataframer/seed-datasets/' });
    expect(list.statusCode).toBe(200);
    const names = list.json().map((d: { name: string }) => d.name);
    expect(names.slice(0, 2)).toEqual(['patients', 'tickets']);
    expect(list.json()[0]).not.toHaveProperty('files');

    const page = await h.request({ method: 'GET', url: '/api/dataframer/seed-datasets/?limit=1&offset=1' });
    expect(page.json().map((d: { name: string }) => d.name)).toEqual(['tickets']);

    const dup = await create([
      ['name', 'claims'],
      ['dataset_type', 'SINGLE_FILE'],
      ['files', file('c.csv', 'a,b\n1,2\n3,4\n')],
    ]);
    expect(dup.statusCode).toBe(409);
    expect(dup.json().detail).toContain('already exists');
    expect(dup.json().errors.name).toBeDefined();

    // Another company may use the same name.
    const other = await create(
      [
        ['name', 'claims'],
        ['dataset_type', 'SINGLE_FILE'],
        ['files', file('c.csv', 'a,b\n1,2\n3,4\n')],
      ],
      h.keyB,
    );
    expect(other.statusCode, other.body).toBe(201);

    const id = list.json()[0].id;
    const patched = await h.request({
      method: 'PATCH',
      url: `/api/dataframer/seed-datasets/${id}/`,
      payload: { name: 'patients v2', description: 'three patients' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'patients v2', description: 'three patients' });
    expect(patched.json().updated_at >= patched.json().created_at).toBe(true);

    const clash = await h.request({
      method: 'PATCH',
      url: `/api/dataframer/seed-datasets/${id}/`,
      payload: { name: 'tickets' },
    });
    expect(clash.statusCode).toBe(409);
    const unknown = await h.request({
      method: 'PATCH',
      url: `/api/dataframer/seed-datasets/${id}/`,
      payload: { colour: 'red' },
    });
    expect(unknown.statusCode).toBe(400);
  });

  it('hides another company’s datasets behind 404', async () => {
    const mine = (await h.request({ method: 'GET', url: '/api/dataframer/seed-datasets/' })).json()[0];
    for (const [method, url] of [
      ['GET', `/api/dataframer/seed-datasets/${mine.id}/`],
      ['PATCH', `/api/dataframer/seed-datasets/${mine.id}/`],
      ['DELETE', `/api/dataframer/seed-datasets/${mine.id}/`],
    ] as const) {
      const res = await h.request({
        method,
        url,
        key: h.keyB,
        ...(method === 'PATCH' ? { payload: { name: 'x' } } : {}),
      });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.body).not.toContain(mine.name);
    }
    const theirs = (
      await h.request({ method: 'GET', url: '/api/dataframer/seed-datasets/', key: h.keyB })
    ).json();
    expect(theirs.map((d: { name: string }) => d.name)).toEqual(['claims']);
  });

  it('gives signed download links and file contents', async () => {
    const ds = (await h.request({ method: 'GET', url: '/api/dataframer/seed-datasets/' }))
      .json()
      .find((d: { name: string }) => d.name === 'claims');
    const detail = (
      await h.request({ method: 'GET', url: `/api/dataframer/seed-datasets/${ds.id}/` })
    ).json();
    const fileId = detail.files[0].id;
    const link = await h.request({
      method: 'GET',
      url: `/api/dataframer/seed-datasets/${ds.id}/files/${fileId}/download/`,
    });
    expect(link.statusCode).toBe(200);
    const url = new URL(link.json().download_url);
    expect(url.pathname).toBe('/api/dataframer/downloads/');
    const fetched = await h.request({ method: 'GET', url: url.pathname + url.search, key: null });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.rawPayload.equals(readExample('insurance-claims.csv'))).toBe(true);
    expect(fetched.headers['content-disposition']).toContain('insurance-claims.csv');

    const tampered = new URL(url);
    tampered.searchParams.set('key', `${tampered.searchParams.get('key')}x`);
    expect(
      (await h.request({ method: 'GET', url: tampered.pathname + tampered.search, key: null })).statusCode,
    ).toBe(403);
    const expired = new URL(url);
    expired.searchParams.set('expires', '1000');
    expect(
      (await h.request({ method: 'GET', url: expired.pathname + expired.search, key: null })).statusCode,
    ).toBe(403);

    const content = await h.request({
      method: 'GET',
      url: `/api/dataframer/seed-datasets/${ds.id}/files/${fileId}/content/`,
    });
    expect(content.statusCode).toBe(200);
    expect(content.headers['content-type']).toContain('text/csv');
    expect(content.body).toContain('CLM-10001');

    const otherCompany = await h.request({
      method: 'GET',
      url: `/api/dataframer/seed-datasets/${ds.id}/files/${fileId}/content/`,
      key: h.keyB,
    });
    expect(otherCompany.statusCode).toBe(404);
  });

  it('refuses to delete a dataset a spec uses, then deletes rows and blobs', async () => {
    const created = await create([
      ['name', 'to delete'],
      ['dataset_type', 'MULTI_FILE'],
      ...folderOfFiles('support-tickets'),
    ]);
    const ds = created.json();
    const blobsBefore = await h.ctx.blobs.count(`datasets/${ds.id}`);
    expect(blobsBefore).toBe(3);
    const companyId = (await h.ctx.services.auth.authenticate(h.keyA))!.companyId;
    const specId = newId();
    await h.ctx.database.db
      .insertInto('specs')
      .values({
        id: specId,
        company_id: companyId,
        name: 'uses tickets',
        description: '',
        status: 'SUCCEEDED',
        dataset_id: ds.id,
        dataset_type: 'MULTI_FILE',
        runtime_params: '{}',
        error: null,
        created_by: 'x',
        created_by_email: 'ana@acme.test',
        created_at: nowIso(),
        updated_at: nowIso(),
        total_cost: 0,
      })
      .execute();
    const refused = await h.request({ method: 'DELETE', url: `/api/dataframer/seed-datasets/${ds.id}/` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toContain('uses tickets');

    await h.ctx.database.db.deleteFrom('specs').where('id', '=', specId).execute();
    const deleted = await h.request({ method: 'DELETE', url: `/api/dataframer/seed-datasets/${ds.id}/` });
    expect(deleted.statusCode).toBe(204);
    expect(await h.ctx.blobs.count(`datasets/${ds.id}`)).toBe(0);
    expect(
      (await h.request({ method: 'GET', url: `/api/dataframer/seed-datasets/${ds.id}/` })).statusCode,
    ).toBe(404);
  });

  it('creates datasets from ZIP archives, detecting the type', async () => {
    const single = await createFromZip('zip single', await zipOf({ 'table.csv': 'a,b\n1,2\n3,4\n' }));
    expect(single.statusCode, single.body).toBe(201);
    expect(single.json().dataset_type).toBe('SINGLE_FILE');

    const multi = await createFromZip(
      'zip multi',
      await zipOf({ 'seeds/a.txt': 'first ticket', 'seeds/b.md': '# second', 'seeds/.DS_Store': 'junk' }),
    );
    expect(multi.statusCode, multi.body).toBe(201);
    expect(multi.json()).toMatchObject({ dataset_type: 'MULTI_FILE', file_count: 2 });

    const folders = await createFromZip(
      'zip folders',
      await zipOf({ 'p1/a.txt': 'x1', 'p1/b.json': '{"k":1}', 'p2/a.txt': 'x2', 'p2/b.json': '{"k":2}' }),
    );
    expect(folders.statusCode, folders.body).toBe(201);
    expect(folders.json()).toMatchObject({ dataset_type: 'MULTI_FOLDER', file_count: 4, folder_count: 2 });

    const nested = await createFromZip(
      'zip nested',
      await zipOf({ 'a/b/c.txt': 'x', 'a/b/d.txt': 'y', 'e/f.txt': 'z' }),
    );
    expect(nested.statusCode).toBe(400);
    expect(nested.json().detail).toMatch(/nested/i);
  });
});

describe('seed dataset validation', () => {
  const cases: { label: string; entries: FormEntry[]; status: number; detail: RegExp }[] = [
    {
      label: 'missing name',
      entries: [
        ['dataset_type', 'SINGLE_FILE'],
        ['files', file('a.csv', 'a\n1\n2\n')],
      ],
      status: 400,
      detail: /name/,
    },
    {
      label: 'missing type',
      entries: [
        ['name', 'x'],
        ['files', file('a.csv', 'a\n1\n2\n')],
      ],
      status: 400,
      detail: /dataset_type/,
    },
    {
      label: 'unknown type',
      entries: [
        ['name', 'x'],
        ['dataset_type', 'MANY_FILES'],
        ['files', file('a.csv', 'a\n1\n2\n')],
      ],
      status: 400,
      detail: /MANY_FILES.*SINGLE_FILE/,
    },
    {
      label: 'no files',
      entries: [
        ['name', 'x'],
        ['dataset_type', 'SINGLE_FILE'],
      ],
      status: 400,
      detail: /file/,
    },
    {
      label: 'ragged CSV',
      entries: [
        ['name', 'x'],
        ['dataset_type', 'SINGLE_FILE'],
        ['files', file('bad.csv', 'a,b\n1,2\n3,4,5\n')],
      ],
      status: 400,
      detail: /bad\.csv.*line 3/,
    },
    {
      label: 'one record',
      entries: [
        ['name', 'x'],
        ['dataset_type', 'SINGLE_FILE'],
        ['files', file('one.csv', 'a,b\n1,2\n')],
      ],
      status: 400,
      detail: /at least 2 records/,
    },
    {
      label: 'malformed JSON',
      entries: [
        ['name', 'x'],
        ['dataset_type', 'SINGLE_FILE'],
        ['files', file('bad.json', '[{"a":1},{"a":2]')],
      ],
      status: 400,
      detail: /bad\.json/,
    },
    {
      label: 'malformed JSONL',
      entries: [
        ['name', 'x'],
        ['dataset_type', 'SINGLE_FILE'],
        ['files', file('bad.jsonl', '{"a":1}\n{"a":\n')],
      ],
      status: 400,
      detail: /bad\.jsonl.*line 2/,
    },
    {
      label: 'wrong format for type',
      entries: [
        ['name', 'x'],
        ['dataset_type', 'SINGLE_FILE'],
        ['files', file('notes.txt', 'hello')],
      ],
      status: 400,
      detail: /notes\.txt/,
    },
    {
      label: 'two files for SINGLE_FILE',
      entries: [
        ['name', 'x'],
        ['dataset_type', 'SINGLE_FILE'],
        ['files', file('a.csv', 'a\n1\n2\n')],
        ['files', file('b.csv', 'a\n1\n2\n')],
      ],
      status: 400,
      detail: /SINGLE_FILE|exactly one|1 file/i,
    },
    {
      label: 'one file for MULTI_FILE',
      entries: [
        ['name', 'x'],
        ['dataset_type', 'MULTI_FILE'],
        ['files', file('a.txt', 'hello')],
      ],
      status: 400,
      detail: /at least 2/,
    },
    {
      label: 'folder_names count mismatch',
      entries: [
        ['name', 'x'],
        ['dataset_type', 'MULTI_FOLDER'],
        ['files', file('a.txt', 'hello')],
        ['files', file('b.txt', 'hello')],
        ['folder_names', 'f1'],
      ],
      status: 400,
      detail: /folder_names/,
    },
    {
      label: 'only one folder',
      entries: [
        ['name', 'x'],
        ['dataset_type', 'MULTI_FOLDER'],
        ['files', file('a.txt', 'hello')],
        ['folder_names', 'f1'],
        ['files', file('b.txt', 'hello')],
        ['folder_names', 'f1'],
      ],
      status: 400,
      detail: /folder/,
    },
    {
      label: 'folder name with a slash (nested folders)',
      entries: [
        ['name', 'x'],
        ['dataset_type', 'MULTI_FOLDER'],
        ['files', file('a.txt', 'hello')],
        ['folder_names', 'f1/sub'],
        ['files', file('b.txt', 'hello')],
        ['folder_names', 'f2'],
      ],
      status: 400,
      detail: /f1\/sub/,
    },
    {
      label: 'file too large for MULTI_FILE (streamed)',
      entries: [
        ['name', 'x'],
        ['dataset_type', 'MULTI_FILE'],
        ['files', file('big.txt', Buffer.alloc(1024 * 1024 + 10, 'a'))],
        ['files', file('b.txt', 'hello')],
      ],
      status: 413,
      detail: /big\.txt.*1 MB/,
    },
    {
      label: 'invalid UTF-8 text',
      entries: [
        ['name', 'x'],
        ['dataset_type', 'MULTI_FILE'],
        ['files', file('bin.txt', Buffer.from([0x68, 0x69, 0xff, 0xfe, 0x00]))],
        ['files', file('b.txt', 'hello')],
      ],
      status: 400,
      detail: /bin\.txt/,
    },
    {
      label: 'unknown field',
      entries: [
        ['name', 'x'],
        ['dataset_type', 'SINGLE_FILE'],
        ['colour', 'red'],
        ['files', file('a.csv', 'a\n1\n2\n')],
      ],
      status: 400,
      detail: /colour/,
    },
  ];

  for (const c of cases) {
    it(`rejects ${c.label} and leaves nothing behind`, async () => {
      const before = await h.footprint();
      const res = await create(c.entries);
      expect(res.statusCode, res.body).toBe(c.status);
      expect(res.json().detail).toMatch(c.detail);
      expect(await h.footprint()).toEqual(before);
    });
  }

  it('rejects a body that is not multipart, a non-UUID id and a missing key', async () => {
    const json = await h.request({
      method: 'POST',
      url: '/api/dataframer/seed-datasets/create/',
      payload: { name: 'x' },
    });
    expect(json.statusCode).toBe(415);
    expect(json.json().detail).toMatch(/multipart/);
    const badId = await h.request({ method: 'GET', url: '/api/dataframer/seed-datasets/not-a-uuid/' });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().detail).toContain('dataset_id');
    const anon = await h.request({ method: 'GET', url: '/api/dataframer/seed-datasets/', key: null });
    expect(anon.statusCode).toBe(401);
  });

  it('rejects zip-slip paths and zip bombs', async () => {
    const before = await h.footprint();
    // yazl refuses "../" names, so write a same-length name and patch the bytes.
    const raw = await zipOf({ 'xx/evil.txt': 'pwned', 'ok.txt': 'fine' });
    const slip = Buffer.from(raw.toString('latin1').replaceAll('xx/evil.txt', '../evil.txt'), 'latin1');
    const res = await createFromZip('slip', slip);
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(/evil\.txt|\.\./);

    const bomb = await createFromZip(
      'bomb',
      await zipOf({ 'a.txt': Buffer.alloc(60 * 1024 * 1024, 0x61), 'b.txt': 'x' }),
    );
    expect([400, 413]).toContain(bomb.statusCode);
    expect(bomb.json().detail).toMatch(/limit|ratio|large/i);

    const notZip = await createFromZip('not zip', Buffer.from('this is not a zip archive at all'));
    expect(notZip.statusCode).toBe(400);
    expect(notZip.json().detail).toMatch(/ZIP/i);
    expect(await h.footprint()).toEqual(before);
  });
});
