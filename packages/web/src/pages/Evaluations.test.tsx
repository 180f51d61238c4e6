import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { baseFake, type FakeApi, reply } from '../test/fake-api.ts';
import { renderApp } from '../test/render.tsx';

const RUN_ID = '33333333-3333-4333-8333-333333333333';
const EVAL_ID = '66666666-6666-4666-8666-666666666666';

const run = {
  id: RUN_ID,
  spec_id: '44444444-4444-4444-8444-444444444444',
  spec_name: 'claims',
  spec_version: 1,
  dataset_id: null,
  dataset_name: 'claims',
  dataset_type: 'MULTI_FILE',
  status: 'SUCCEEDED',
  number_of_samples: 2,
  samples_completed: 2,
  samples_failed: 0,
  error: null,
  total_cost: 0,
  runtime_params: { generation_model: 'openframer/statistical' },
  generated_files: [
    { id: 'g1', path: 'sample_01.txt', file_type: 'txt', size_bytes: 10 },
    { id: 'g2', path: 'sample_02.txt', file_type: 'txt', size_bytes: 10 },
  ],
  created_by_email: 'ana@acme.test',
  created_at: '2026-01-01T00:00:00Z',
  started_at: '2026-01-01T00:00:01Z',
  completed_at: '2026-01-01T00:00:04Z',
};

const evaluation = {
  id: EVAL_ID,
  run_id: RUN_ID,
  status: 'SUCCEEDED',
  evaluation_model: 'openframer/statistical',
  conformance_score: 91,
  conformance_explanation: 'Close to the spec.',
  conformant_areas: 'tone',
  non_conformant_areas: '',
  distribution_analysis: [],
  quality: null,
  total_cost: 0,
  error_message: null,
  created_at: '2026-01-01T00:00:05Z',
  completed_at: '2026-01-01T00:00:06Z',
};

const turn = (id: string, question: string, answer: string) => ({
  id,
  evaluation_id: EVAL_ID,
  user_message: question,
  assistant_message: answer,
  chat_model: 'anthropic/claude-sonnet-4-6',
  created_at: '2026-01-01T00:01:00Z',
  user: 'u1',
  user_email: 'ana@acme.test',
});

function runFake(): FakeApi {
  return baseFake()
    .on('GET', '/runs/:id/', () => run)
    .on('GET', '/runs/:id/samples/', () => ({
      run_id: RUN_ID,
      total_samples: 0,
      offset: 0,
      returned_count: 0,
      samples: [],
    }))
    .on('GET', '/runs/:id/evaluations/', () => [evaluation])
    .on('GET', '/evaluations/:id/', () => evaluation);
}

describe('evaluation chat', () => {
  it('shows the history, sends a question and shows the answer', async () => {
    const api = runFake()
      .on('GET', '/runs/:id/human-labels/', () => [])
      .on('GET', '/evaluations/:id/chat/', () => [turn('t1', 'What is off?', 'Nothing much.')])
      .on('POST', '/evaluations/:id/chat/', (req) =>
        turn('t2', (req.body as { user_message: string }).user_message, 'The lengths run short.'),
      );
    renderApp(api, `/runs/${RUN_ID}`);
    const log = await screen.findByRole('log', { name: 'Chat' });
    expect(await within(log).findByText('What is off?')).toBeTruthy();
    expect(within(log).getByText('Nothing much.')).toBeTruthy();

    const box = screen.getByRole('textbox', { name: 'Your question' }) as HTMLTextAreaElement;
    await userEvent.type(box, 'Why are the samples short?');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));

    expect(await within(log).findByText('The lengths run short.')).toBeTruthy();
    expect(within(log).getByText('Why are the samples short?')).toBeTruthy();
    expect(within(log).getByText('Nothing much.')).toBeTruthy();
    expect(box.value).toBe('');
    const posts = api.calls('POST', `/evaluations/${EVAL_ID}/chat/`);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body).toEqual({ user_message: 'Why are the samples short?' });
  });

  it('shows why a message was not answered and keeps it in the box', async () => {
    const api = runFake()
      .on('GET', '/runs/:id/human-labels/', () => [])
      .on('GET', '/evaluations/:id/chat/', () => [])
      .on('POST', '/evaluations/:id/chat/', () =>
        reply(400, { detail: 'Model anthropic/claude-sonnet-4-6 needs ANTHROPIC_API_KEY' }),
      );
    renderApp(api, `/runs/${RUN_ID}`);
    const box = (await screen.findByRole('textbox', { name: 'Your question' })) as HTMLTextAreaElement;
    await userEvent.type(box, 'Hello?');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(await screen.findByText('Model anthropic/claude-sonnet-4-6 needs ANTHROPIC_API_KEY')).toBeTruthy();
    expect(box.value).toBe('Hello?');
  });
});

describe('human labels', () => {
  it('lists, adds and deletes labels on a run file', async () => {
    let labels = [
      {
        id: 'l1',
        run_id: RUN_ID,
        file_identifier: 'sample_01.txt',
        sample_identifier: null,
        labels: { quality: 'bad' },
        created_by_email: 'ana@acme.test',
        updated_at: '2026-01-01T00:00:00Z',
      },
    ];
    const api = runFake()
      .on('GET', '/evaluations/:id/chat/', () => [])
      .on('GET', '/runs/:id/human-labels/', () => labels)
      .on('POST', '/runs/:id/human-labels/', (req) => {
        const body = req.body as { file_identifier: string; sample_identifier?: string; labels: object };
        const label = { ...labels[0]!, id: 'l2', sample_identifier: null, ...body };
        labels = [...labels, label as (typeof labels)[number]];
        return reply(201, label);
      })
      .on('DELETE', '/human-labels/:id/', (_req, { id }) => {
        labels = labels.filter((l) => l.id !== id);
        return reply(204);
      });
    renderApp(api, `/runs/${RUN_ID}`);
    const table = await screen.findByRole('table', { name: 'Human labels' });
    expect(within(table).getByText('{"quality":"bad"}')).toBeTruthy();

    // Not JSON: said next to the field, nothing sent.
    const text = screen.getByRole('textbox', { name: 'Labels (JSON object)' });
    await userEvent.clear(text);
    await userEvent.type(text, 'good');
    await userEvent.click(screen.getByRole('button', { name: 'Add label' }));
    expect(await screen.findByText(/Labels must be JSON/)).toBeTruthy();
    expect(api.calls('POST', `/runs/${RUN_ID}/human-labels/`)).toHaveLength(0);

    await userEvent.clear(text);
    await userEvent.type(text, '{{"quality": "good"}');
    await userEvent.type(screen.getByRole('textbox', { name: /Sample/ }), 'sample_3');
    await userEvent.click(screen.getByRole('button', { name: 'Add label' }));
    expect(await within(table).findByText('{"quality":"good"}')).toBeTruthy();
    expect(api.calls('POST', `/runs/${RUN_ID}/human-labels/`)[0]!.body).toEqual({
      file_identifier: 'sample_01.txt',
      sample_identifier: 'sample_3',
      labels: { quality: 'good' },
    });

    await userEvent.click(
      within(table).getAllByRole('button', { name: 'Delete label on sample_01.txt' })[0]!,
    );
    await waitFor(() => expect(within(table).queryByText('{"quality":"bad"}')).toBeNull());
    expect(api.calls('DELETE', '/human-labels/l1/')).toHaveLength(1);
  });
});
