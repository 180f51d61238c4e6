import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { baseFake } from '../test/fake-api.ts';
import { renderApp } from '../test/render.tsx';
import { PROMPTS_PAGE } from './RedTeam.tsx';

const RUN_ID = '77777777-7777-4777-8777-777777777777';
const TOTAL = 60;

const prompts = Array.from({ length: TOTAL }, (_, i) => ({
  behavior_index: Math.floor(i / 4),
  position: i % 4,
  behavior: `behaviour ${Math.floor(i / 4)}`,
  category: 'prompt_injection',
  query: `query ${i}`,
  adversarial_prompt: `prompt number ${i + 1}`,
  strategy: 'roleplay',
  language: null,
  grade: null,
  grade_error: null,
  target_error: null,
  target_response: null,
}));

describe('red-team run', () => {
  it('pages through the prompts table', async () => {
    const api = baseFake()
      .on('GET', '/red-team-runs/:id/', () => ({
        id: RUN_ID,
        spec_name: 'support_bot',
        status: 'SUCCEEDED',
        number_of_behaviors: 15,
        number_of_prompts_per_behavior: 4,
        model_name: 'openframer/statistical',
        total_cost: 0,
        error: null,
        progress: { behaviors_done: 15, behaviors_total: 15, prompts_done: TOTAL, prompts_total: TOTAL },
        results_json: {
          behaviors: [],
          coverage: {
            categories: { prompt_injection: TOTAL },
            strategies: { roleplay: TOTAL },
            owasp: { LLM01: TOTAL },
          },
        },
        created_at: '2026-01-01T00:00:00Z',
      }))
      .on('GET', '/red-team-runs/:id/prompts/', (req) => {
        const offset = Number(req.query.get('offset') ?? 0);
        const limit = Number(req.query.get('limit') ?? 100);
        return prompts.slice(offset, offset + limit);
      });
    renderApp(api, `/red-team/runs/${RUN_ID}`);
    const table = await screen.findByRole('table', { name: 'Prompts' });
    expect(await within(table).findByText('prompt number 1')).toBeTruthy();
    expect(within(table).getByText(`prompt number ${PROMPTS_PAGE}`)).toBeTruthy();
    expect(within(table).queryByText(`prompt number ${PROMPTS_PAGE + 1}`)).toBeNull();
    expect(screen.getByText('Page 1 of 3')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Previous' }) as HTMLButtonElement).disabled).toBe(true);

    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await within(table).findByText(`prompt number ${PROMPTS_PAGE + 1}`)).toBeTruthy();
    expect(within(table).queryByText('prompt number 1')).toBeNull();
    expect(screen.getByText('Page 2 of 3')).toBeTruthy();
    const lastCall = api.calls('GET', `/red-team-runs/${RUN_ID}/prompts/`).at(-1)!;
    expect(lastCall.query.get('offset')).toBe(String(PROMPTS_PAGE));
    expect(lastCall.query.get('limit')).toBe(String(PROMPTS_PAGE));

    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await within(table).findByText(`prompt number ${TOTAL}`)).toBeTruthy();
    await waitFor(() =>
      expect((screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement).disabled).toBe(true),
    );
    expect(within(table).getAllByRole('row')).toHaveLength(1 + TOTAL - 2 * PROMPTS_PAGE);

    await userEvent.click(screen.getByRole('button', { name: 'Previous' }));
    expect(await within(table).findByText(`prompt number ${PROMPTS_PAGE + 1}`)).toBeTruthy();
    // Coverage is drawn from the run's results.
    expect(screen.getByText('OWASP LLM Top 10')).toBeTruthy();
  });
});
