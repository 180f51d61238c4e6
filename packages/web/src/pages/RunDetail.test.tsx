import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { baseFake, reply } from '../test/fake-api.ts';
import { renderApp } from '../test/render.tsx';

const RUN_ID = '33333333-3333-4333-8333-333333333333';

function runAt(step: number) {
  const done = Math.min(step, 3);
  return {
    id: RUN_ID,
    spec_id: '44444444-4444-4444-8444-444444444444',
    spec_name: 'claims',
    spec_version: 1,
    dataset_id: null,
    dataset_name: 'claims',
    dataset_type: 'SINGLE_FILE',
    status: step === 0 ? 'PENDING' : done < 3 ? 'PROCESSING' : 'SUCCEEDED',
    number_of_samples: 3,
    samples_completed: done,
    samples_failed: 0,
    error: null,
    total_cost: 0,
    runtime_params: { generation_model: 'openframer/statistical' },
    generated_files:
      done === 3
        ? [
            {
              id: '55555555-5555-4555-8555-555555555555',
              path: 'samples.csv',
              file_type: 'csv',
              size_bytes: 120,
            },
          ]
        : [],
    created_by_email: 'ana@acme.test',
    created_at: '2026-01-01T00:00:00Z',
    started_at: '2026-01-01T00:00:01Z',
    completed_at: done === 3 ? '2026-01-01T00:00:04Z' : null,
  };
}

describe('run detail', () => {
  it('polls every second while the run works, shows progress, and stops when it has SUCCEEDED', async () => {
    let step = 0;
    const api = baseFake()
      .on('GET', '/runs/:id/', () => runAt(step++))
      .on('GET', '/runs/:id/samples/', (req) => {
        const n = Math.min(step - 1, 3);
        return {
          run_id: RUN_ID,
          total_samples: n,
          offset: 0,
          returned_count: n,
          samples: Array.from({ length: n }, (_, i) => ({
            sample_index: i,
            status: 'completed',
            assignment: {},
            record: { claim_id: `C-${i}`, amount: 100 * (i + 1) },
            files: null,
            reason: null,
            revisions: 0,
            cost_usd: 0,
            finished_at: null,
          })),
          limit: Number(req.query.get('limit')),
        };
      })
      .on('GET', '/runs/:id/evaluations/', () => [])
      .on('GET', '/runs/:id/human-labels/', () => []);
    renderApp(api, `/runs/${RUN_ID}`);

    expect(await screen.findByText('PENDING')).toBeTruthy();
    expect(await screen.findByText('1 of 3 samples', {}, { timeout: 2500 })).toBeTruthy();
    expect(await screen.findByText('PROCESSING')).toBeTruthy();
    expect(await screen.findByText('2 of 3 samples', {}, { timeout: 2500 })).toBeTruthy();
    expect(await screen.findByText('3 of 3 samples', {}, { timeout: 2500 })).toBeTruthy();
    expect(await screen.findByText('SUCCEEDED')).toBeTruthy();
    // The preview shows the samples, and the finished run offers its evaluation.
    expect(await screen.findByText('C-2')).toBeTruthy();
    expect(await screen.findByText('Not evaluated yet.')).toBeTruthy();
    expect(
      within(screen.getByRole('table', { name: 'Generated files' })).getByText('samples.csv'),
    ).toBeTruthy();

    const polls = api.calls('GET', `/runs/${RUN_ID}/`).length;
    expect(polls).toBe(4);
    await new Promise((r) => setTimeout(r, 1500));
    expect(api.calls('GET', `/runs/${RUN_ID}/`)).toHaveLength(polls);
  }, 15_000);

  it('downloads the ZIP once it is built (202, then 200 with a link)', async () => {
    let zipCalls = 0;
    const api = baseFake()
      .on('GET', '/runs/:id/', () => runAt(3))
      .on('GET', '/runs/:id/samples/', () => ({
        run_id: RUN_ID,
        total_samples: 0,
        offset: 0,
        returned_count: 0,
        samples: [],
      }))
      .on('GET', '/runs/:id/evaluations/', () => [])
      .on('GET', '/runs/:id/files/download/', () =>
        ++zipCalls < 2
          ? reply(202, { status: 'building' })
          : {
              download_url: 'http://localhost/api/dataframer/downloads/?key=k&signature=s',
              expires_at: '',
              size_bytes: 1,
              filename: 'run.zip',
            },
      );
    const clicked: string[] = [];
    const original = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push(this.href);
    };
    try {
      renderApp(api, `/runs/${RUN_ID}`);
      (await screen.findByRole('button', { name: 'Download ZIP' })).click();
      await waitFor(() => expect(clicked).toHaveLength(1), { timeout: 3000 });
      expect(clicked[0]).toContain('/api/dataframer/downloads/?key=k&signature=s');
      expect(zipCalls).toBe(2);
    } finally {
      HTMLAnchorElement.prototype.click = original;
    }
  });
});
