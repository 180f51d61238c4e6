import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { baseFake, datasetFixture, type FakeApi, reply } from '../test/fake-api.ts';
import { renderApp } from '../test/render.tsx';
import { chosenFile, planUpload } from './upload-plan.ts';

const CREATED = {
  id: '22222222-2222-4222-8222-222222222222',
  name: 'x',
  description: '',
  dataset_type: 'MULTI_FOLDER',
  file_count: 4,
  folder_count: 2,
  total_size_bytes: 40,
  files: [],
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  created_by_email: 'ana@acme.test',
  short_sample_compatibility: {
    is_short_samples_compatible: true,
    is_long_samples_compatible: true,
    reason: 'ok',
  },
};

function fakeWithCreate(): FakeApi {
  return baseFake()
    .on('POST', '/seed-datasets/create/', () => reply(201, CREATED))
    .on('POST', '/seed-datasets/create-from-zip/', () => reply(201, CREATED))
    .on('GET', '/seed-datasets/:id/', () => CREATED);
}

/** A file as a folder picker gives it: with its path under the picked folder. */
function inFolder(path: string, content = 'text'): File {
  const file = new File([content], path.split('/').at(-1)!, { type: 'text/plain' });
  Object.defineProperty(file, 'webkitRelativePath', { value: path });
  return file;
}

async function chooseFolder(files: File[]) {
  const input = screen.getByTestId('folder-input') as HTMLInputElement;
  fireEvent.change(input, { target: { files } });
}

function dropzoneInput(container: HTMLElement): HTMLInputElement {
  return container.querySelector('input[type="file"]:not([data-testid])') as HTMLInputElement;
}

function sentForm(api: FakeApi, path: string): FormData {
  const call = api.calls('POST', path).at(-1);
  expect(call, `POST ${path}`).toBeDefined();
  return call!.body as FormData;
}

describe('dataset upload', () => {
  it('uploads a folder of folders as MULTI_FOLDER with folder_names parallel to files', async () => {
    const api = fakeWithCreate();
    renderApp(api, '/datasets');
    await screen.findByRole('heading', { name: 'Seed datasets' });
    await chooseFolder([
      inFolder('patients/p1/intake.txt'),
      inFolder('patients/p1/labs.json', '{}'),
      inFolder('patients/p2/intake.txt'),
      inFolder('patients/p2/labs.json', '{}'),
      inFolder('patients/.DS_Store'),
    ]);
    expect((await screen.findByTestId('upload-plan')).textContent).toContain(
      'MULTI_FOLDER: 4 files in 2 folders',
    );
    expect((screen.getByLabelText(/^Name/) as HTMLInputElement).value).toBe('patients');
    await userEvent.click(screen.getByRole('button', { name: 'Upload' }));

    await waitFor(() => expect(api.calls('POST', '/seed-datasets/create/')).toHaveLength(1));
    const form = sentForm(api, '/seed-datasets/create/');
    expect(form.get('name')).toBe('patients');
    expect(form.get('dataset_type')).toBe('MULTI_FOLDER');
    expect(form.getAll('files').map((f) => (f as File).name)).toEqual([
      'intake.txt',
      'labs.json',
      'intake.txt',
      'labs.json',
    ]);
    expect(form.getAll('folder_names')).toEqual(['p1', 'p1', 'p2', 'p2']);
    // The fields come before the files, so the server knows the type's limits while streaming.
    const order = [...form.keys()];
    expect(order.indexOf('dataset_type')).toBeLessThan(order.indexOf('files'));
    await screen.findByText('Sample length compatibility');
  });

  it('uploads one table as SINGLE_FILE and several files as MULTI_FILE, without folder_names', async () => {
    const api = fakeWithCreate();
    const { container } = renderApp(api, '/datasets');
    await screen.findByRole('heading', { name: 'Seed datasets' });
    await userEvent.upload(
      dropzoneInput(container),
      new File(['a,b\n1,2\n3,4\n'], 'claims.csv', { type: 'text/csv' }),
    );
    expect((await screen.findByTestId('upload-plan')).textContent).toContain('SINGLE_FILE: 1 file');
    await userEvent.click(screen.getByRole('button', { name: 'Upload' }));
    await waitFor(() => expect(api.calls('POST', '/seed-datasets/create/')).toHaveLength(1));
    let form = sentForm(api, '/seed-datasets/create/');
    expect(form.get('name')).toBe('claims');
    expect(form.get('dataset_type')).toBe('SINGLE_FILE');
    expect(form.getAll('files')).toHaveLength(1);
    expect(form.has('folder_names')).toBe(false);

    const api2 = fakeWithCreate();
    const second = renderApp(api2, '/datasets');
    await userEvent.upload(dropzoneInput(second.container), [
      new File(['one'], 'a.txt', { type: 'text/plain' }),
      new File(['two'], 'b.md', { type: 'text/markdown' }),
    ]);
    await userEvent.type(screen.getAllByLabelText(/^Name/).at(-1)!, 'notes');
    await userEvent.click(screen.getAllByRole('button', { name: 'Upload' }).at(-1)!);
    await waitFor(() => expect(api2.calls('POST', '/seed-datasets/create/')).toHaveLength(1));
    form = sentForm(api2, '/seed-datasets/create/');
    expect(form.get('name')).toBe('notes');
    expect(form.get('dataset_type')).toBe('MULTI_FILE');
    expect(form.getAll('files').map((f) => (f as File).name)).toEqual(['a.txt', 'b.md']);
  });

  it('sends a ZIP to create-from-zip as zip_file', async () => {
    const api = fakeWithCreate();
    const { container } = renderApp(api, '/datasets');
    await screen.findByRole('heading', { name: 'Seed datasets' });
    await userEvent.upload(
      dropzoneInput(container),
      new File(['PK'], 'seeds.zip', { type: 'application/zip' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Upload' }));
    await waitFor(() => expect(api.calls('POST', '/seed-datasets/create-from-zip/')).toHaveLength(1));
    const form = sentForm(api, '/seed-datasets/create-from-zip/');
    expect(form.get('name')).toBe('seeds');
    expect((form.get('zip_file') as File).name).toBe('seeds.zip');
    expect(form.has('dataset_type')).toBe(false);
    expect(api.calls('POST', '/seed-datasets/create/')).toHaveLength(0);
  });

  it('shows the server’s detail and field errors next to the form', async () => {
    const api = baseFake().on('POST', '/seed-datasets/create/', () =>
      reply(400, {
        detail: 'claims.csv: line 3 has 3 fields, the header has 2',
        errors: { files: ['claims.csv: line 3 has 3 fields, the header has 2'] },
      }),
    );
    const { container } = renderApp(api, '/datasets');
    await screen.findByRole('heading', { name: 'Seed datasets' });
    await userEvent.upload(dropzoneInput(container), new File(['a,b\n1,2\n3,4,5\n'], 'claims.csv'));
    await userEvent.click(screen.getByRole('button', { name: 'Upload' }));
    const alert = (await screen.findByText('Upload refused')).closest('[role="alert"]')!;
    expect(alert.textContent).toContain('claims.csv: line 3 has 3 fields, the header has 2');
  });
});

describe('planUpload', () => {
  const plan = (...paths: string[]) => planUpload(paths.map((p) => chosenFile(inFolder(p))));
  it('refuses files next to folders and nested folders, naming the path', () => {
    expect(plan('d/a.txt', 'd/f/b.txt', 'd/f/c.txt')).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('a.txt'),
    });
    expect(plan('d/f/g/b.txt', 'd/h/c.txt')).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('f/g/b.txt'),
    });
  });
  it('unwraps a folder holding one table file into SINGLE_FILE', () => {
    expect(plan('wrap/data.jsonl')).toMatchObject({
      kind: 'files',
      datasetType: 'SINGLE_FILE',
      name: 'wrap',
    });
  });
});

describe('dataset edit', () => {
  it('renames and describes a dataset with PATCH, sending only what changed', async () => {
    let current = datasetFixture({ name: 'claims', description: 'old' });
    const api = baseFake()
      .on('GET', '/seed-datasets/:id/', () => current)
      .on('PATCH', '/seed-datasets/:id/', (req) => {
        current = { ...current, ...(req.body as object) };
        return current;
      });
    renderApp(api, `/datasets/${current.id}`);
    expect(await screen.findByRole('heading', { name: 'claims', level: 2 })).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog');
    const name = within(dialog).getByRole('textbox', { name: /Name/ });
    await userEvent.clear(name);
    await userEvent.type(name, 'claims_2026');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(await screen.findByRole('heading', { name: 'claims_2026', level: 2 })).toBeTruthy();
    const patches = api.calls('PATCH', `/seed-datasets/${current.id}/`);
    expect(patches).toHaveLength(1);
    expect(patches[0]!.body).toEqual({ name: 'claims_2026' });

    await userEvent.click(screen.getByRole('button', { name: 'Edit' }));
    const description = within(await screen.findByRole('dialog')).getByRole('textbox', {
      name: 'Description',
    });
    await userEvent.clear(description);
    await userEvent.type(description, 'Claims of 2026');
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Claims of 2026')).toBeTruthy();
    expect(api.calls('PATCH', `/seed-datasets/${current.id}/`)[1]!.body).toEqual({
      description: 'Claims of 2026',
    });
  });

  it('shows why a name was refused', async () => {
    const api = baseFake()
      .on('GET', '/seed-datasets/:id/', () => datasetFixture())
      .on('PATCH', '/seed-datasets/:id/', () =>
        reply(409, { detail: 'A seed dataset named taken already exists' }),
      );
    renderApp(api, `/datasets/${datasetFixture().id}`);
    await userEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.clear(within(dialog).getByRole('textbox', { name: /Name/ }));
    await userEvent.type(within(dialog).getByRole('textbox', { name: /Name/ }), 'taken');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('A seed dataset named taken already exists')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'claims', level: 2 })).toBeTruthy();
  });
});
