import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { baseFake, captureDownloads, datasetFixture, reply } from '../test/fake-api.ts';
import { renderApp } from '../test/render.tsx';

const RUN_ID = '99999999-9999-4999-8999-999999999999';
const NEW_DATASET = '12121212-1212-4212-8212-121212121212';

function anonymizationRun(over: Record<string, unknown> = {}) {
  return {
    id: RUN_ID,
    dataset_id: '22222222-2222-4222-8222-222222222222',
    dataset_name: 'claims',
    status: 'SUCCEEDED',
    pii_types: ['email'],
    detection_method: 'regex',
    llm_model_name: null,
    results: { entity_summary: { email: 3 }, samples_processed: 2, error: null },
    anonymized_files: [
      { id: 'f1', path: 'a.txt', content_type: 'text/plain', size_in_bytes: 10 },
      { id: 'f2', path: 'b.txt', content_type: 'text/plain', size_in_bytes: 12 },
    ],
    created_at: '2026-01-01T00:00:00Z',
    completed_at: '2026-01-01T00:00:05Z',
    ...over,
  };
}

let downloads: ReturnType<typeof captureDownloads> | null = null;
afterEach(() => downloads?.restore());

describe('anonymization result', () => {
  it('makes a seed dataset of the anonymized files and opens it', async () => {
    const api = baseFake()
      .on('GET', '/anonymization-runs/:id/', () => anonymizationRun())
      .on('POST', '/anonymization-runs/:id/create-dataset/', (req) =>
        reply(201, datasetFixture({ id: NEW_DATASET, ...(req.body as object) })),
      )
      .on('GET', '/seed-datasets/:id/', (_req, { id }) =>
        datasetFixture({ id, name: 'claims_clean', description: 'no emails' }),
      );
    const { location } = renderApp(api, `/anonymization/${RUN_ID}`);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Make a seed dataset from these files' }),
    );
    const dialog = await screen.findByRole('dialog');
    const name = within(dialog).getByRole('textbox', { name: /Name/ });
    expect((name as HTMLInputElement).value).toBe('claims_anonymized');
    await userEvent.clear(name);
    await userEvent.type(name, 'claims_clean');
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Description' }), 'no emails');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Make dataset' }));

    await waitFor(() => expect(location()).toBe(`/datasets/${NEW_DATASET}`));
    expect(await screen.findByRole('heading', { name: 'claims_clean', level: 2 })).toBeTruthy();
    const calls = api.calls('POST', `/anonymization-runs/${RUN_ID}/create-dataset/`);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body).toEqual({ name: 'claims_clean', description: 'no emails' });
  });

  it('shows why the dataset was not made and stays on the run', async () => {
    const api = baseFake()
      .on('GET', '/anonymization-runs/:id/', () => anonymizationRun())
      .on('POST', '/anonymization-runs/:id/create-dataset/', () =>
        reply(409, { detail: 'A seed dataset named claims_anonymized already exists' }),
      );
    const { location } = renderApp(api, `/anonymization/${RUN_ID}`);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Make a seed dataset from these files' }),
    );
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: 'Make dataset' }),
    );
    expect(await screen.findByText('A seed dataset named claims_anonymized already exists')).toBeTruthy();
    expect(location()).toBe(`/anonymization/${RUN_ID}`);
  });

  it('offers no dataset before the run has succeeded', async () => {
    const api = baseFake().on('GET', '/anonymization-runs/:id/', () =>
      anonymizationRun({ status: 'PROCESSING', anonymized_files: [] }),
    );
    renderApp(api, `/anonymization/${RUN_ID}`);
    const zip = await screen.findByRole('button', { name: 'Download ZIP' });
    expect((zip as HTMLButtonElement).disabled).toBe(true);
    expect(screen.queryByRole('button', { name: 'Make a seed dataset from these files' })).toBeNull();
  });

  it('downloads the ZIP once it is built (202, then 200 with a link)', async () => {
    let zipCalls = 0;
    const api = baseFake()
      .on('GET', '/anonymization-runs/:id/', () => anonymizationRun())
      .on('GET', '/anonymization-runs/:id/files/download/', () =>
        ++zipCalls < 2
          ? reply(202, { status: 'building' })
          : {
              download_url: 'http://localhost/api/dataframer/downloads/?key=anon&signature=s',
              expires_at: '',
              size_bytes: 22,
              filename: 'anonymized.zip',
            },
      );
    downloads = captureDownloads();
    renderApp(api, `/anonymization/${RUN_ID}`);
    await userEvent.click(await screen.findByRole('button', { name: 'Download ZIP' }));
    await waitFor(() => expect(downloads!.links).toHaveLength(1), { timeout: 3000 });
    expect(downloads.links[0]).toContain('/api/dataframer/downloads/?key=anon&signature=s');
    expect(zipCalls).toBe(2);
  });
});
