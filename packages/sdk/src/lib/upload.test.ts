import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataframerError } from '../core/errors.js';
import { datasetNameFor, fileFromPath, planUpload } from './upload.js';

const examples = new URL('../../../../examples/', import.meta.url).pathname;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openframer-plan-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function tree(name: string, files: Record<string, string>): Promise<string> {
  const root = join(dir, name);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

describe('planUpload', () => {
  it('a table file is SINGLE_FILE', async () => {
    const plan = await planUpload(join(examples, 'insurance-claims.csv'));
    expect(plan).toMatchObject({
      kind: 'files',
      datasetType: 'SINGLE_FILE',
      files: [{ name: 'insurance-claims.csv' }],
    });
  });

  it('a folder of files is MULTI_FILE, skipping hidden and system files', async () => {
    const root = await tree('docs', { 'b.md': '# b', 'a.txt': 'a', '.DS_Store': 'x', 'Thumbs.db': 'x' });
    const plan = await planUpload(root);
    expect(plan).toEqual({
      kind: 'files',
      datasetType: 'MULTI_FILE',
      files: [
        { path: join(root, 'a.txt'), name: 'a.txt' },
        { path: join(root, 'b.md'), name: 'b.md' },
      ],
    });
  });

  it('a folder of folders is MULTI_FOLDER with each file’s folder', async () => {
    const plan = await planUpload(join(examples, 'patient-records'));
    expect(plan.kind === 'files' && plan.datasetType).toBe('MULTI_FOLDER');
    const files = plan.kind === 'files' ? plan.files : [];
    expect(files.map((f) => `${f.folder}/${f.name}`)).toContain('patient_002/labs.json');
    expect(new Set(files.map((f) => f.folder)).size).toBe(3);
  });

  it('unwraps a folder that only holds one folder, as the server does for a ZIP', async () => {
    const root = await tree('wrapped', { 'inner/x.txt': 'x', 'inner/y.txt': 'y' });
    const plan = await planUpload(root);
    expect(plan).toMatchObject({ datasetType: 'MULTI_FILE', files: [{ name: 'x.txt' }, { name: 'y.txt' }] });
  });

  it('a .zip goes to create-from-zip untouched', async () => {
    const zip = join(dir, 'seeds.zip');
    await writeFile(zip, 'PK');
    expect(await planUpload(zip)).toEqual({ kind: 'zip', path: zip });
  });

  it('refuses what the server would refuse, naming the path', async () => {
    const mixed = await tree('mixed', { 'a.txt': 'a', 'sub/b.txt': 'b' });
    await expect(planUpload(mixed)).rejects.toThrow(/both files \(a\.txt\) and folders \(sub\)/);
    const nested = await tree('nested', { 'p1/deep/x.txt': 'x', 'p2/y.txt': 'y' });
    await expect(planUpload(nested)).rejects.toThrow(/deep: folders inside sample folders/);
    const text = await tree('single', { 'note.txt': 'x' });
    await expect(planUpload(join(text, 'note.txt'))).rejects.toThrow(/CSV, JSON or JSONL/);
    await expect(planUpload(join(dir, 'nope'))).rejects.toThrow(DataframerError);
    await expect(planUpload(await tree('empty', { '.hidden': 'x' }))).rejects.toThrow(/no files/);
  });
});

describe('helpers', () => {
  it('names a dataset after its path', () => {
    expect(datasetNameFor('examples/insurance-claims.csv')).toBe('insurance-claims');
    expect(datasetNameFor('examples/patient-records/')).toBe('patient-records');
  });

  it('fileFromPath gives a named, typed File with the bytes on disk', async () => {
    const file = await fileFromPath(join(examples, 'insurance-claims.csv'));
    expect(file.name).toBe('insurance-claims.csv');
    expect(file.type).toBe('text/csv');
    expect((await file.text()).startsWith('claim_id,')).toBe(true);
  });
});
