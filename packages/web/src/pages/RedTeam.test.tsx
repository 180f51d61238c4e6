import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { baseFake, reply } from '../test/fake-api.ts';
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

/** Picks an option of a Mantine Select (its dropdown stays mounted, hidden, in happy-dom). */
async function pick(input: HTMLElement, option: string) {
  await userEvent.click(input);
  const listbox = await waitFor(() => {
    const id = input.getAttribute('aria-controls');
    const el = id ? document.getElementById(id) : null;
    if (!el) throw new Error('no dropdown yet');
    return el;
  });
  await userEvent.click(within(listbox).getByRole('option', { name: option, hidden: true }));
}

const SPEC_ID = '88888888-8888-4888-8888-888888888888';
const SECRET = 'sk-target-secret-123';
const HEADER_SECRET = 'tenant-secret-456';

function runWithTarget(over: Record<string, unknown> = {}) {
  return {
    id: RUN_ID,
    red_team_spec_id: SPEC_ID,
    spec_name: 'support_bot',
    status: 'SUCCEEDED',
    number_of_behaviors: 1,
    number_of_prompts_per_behavior: 4,
    model_name: 'openframer/statistical',
    grader_model: 'openframer/statistical',
    total_cost: 0,
    error: null,
    target: {
      base_url: 'http://127.0.0.1:9999/v1',
      model: 'support-bot',
      has_api_key: true,
      header_names: ['X-Tenant'],
      system_prompt: 'You are the support bot.',
      concurrency: 4,
      timeout_ms: 30_000,
    },
    progress: { behaviors_done: 1, behaviors_total: 1, prompts_done: 4, prompts_total: 4 },
    results_json: null,
    created_at: '2026-01-01T00:00:00Z',
    ...over,
  };
}

const base = (i: number) => ({
  behavior_index: 0,
  position: i,
  behavior: 'leaks other customers',
  category: 'privacy',
  query: `query ${i}`,
  adversarial_prompt: `prompt ${i}`,
  strategy: 'roleplay',
  language: null,
  grade: null,
  grade_error: null,
  target_error: null,
  target_response: null,
});

describe('red-team run with a target', () => {
  it('sends the target fields and grader model, and never shows the key afterwards', async () => {
    const api = baseFake()
      .on('GET', '/red-team-specs/:id/', () => ({
        id: SPEC_ID,
        name: 'support_bot',
        domain_description: 'retail',
        app_description: 'a support bot',
        concerns: null,
        created_at: '2026-01-01T00:00:00Z',
        updated_at: '2026-01-01T00:00:00Z',
      }))
      .on('GET', '/red-team-specs/', () => [])
      .on('GET', '/red-team-taxonomy/', () => ({ categories: [], strategies: [], owasp: {} }))
      .on('POST', '/red-team-runs/', () => reply(201, runWithTarget({ status: 'PENDING' })))
      .on('GET', '/red-team-runs/:id/', () => runWithTarget())
      .on('GET', '/red-team-runs/:id/prompts/', () => []);
    const { location } = renderApp(api, `/red-team/specs/${SPEC_ID}`);
    const user = userEvent.setup();

    // The grader is only for a target.
    const grader = await screen.findByLabelText('Grader model', { selector: 'input' });
    expect((grader as HTMLInputElement).disabled).toBe(true);
    expect(screen.queryByLabelText(/Base URL/)).toBeNull();

    await user.click(screen.getByRole('checkbox', { name: /Send each prompt to a target/ }));
    await user.type(screen.getByRole('textbox', { name: /Base URL/ }), 'http://127.0.0.1:9999/v1');
    await user.type(screen.getByRole('textbox', { name: /Target model/ }), 'support-bot');
    const key = screen.getByLabelText(/Target API key/) as HTMLInputElement;
    expect(key.type).toBe('password');
    await user.type(key, SECRET);
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await user.type(screen.getByRole('textbox', { name: 'Header 1 name' }), 'X-Tenant');
    await user.type(screen.getByLabelText('Header 1 value'), HEADER_SECRET);
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await user.type(screen.getByRole('textbox', { name: 'Header 2 name' }), 'X-Gone');
    await user.click(screen.getByRole('button', { name: 'Remove header 2' }));
    await user.type(screen.getByRole('textbox', { name: /System prompt/ }), 'You are the support bot.');
    await user.type(screen.getByRole('textbox', { name: 'Concurrency' }), '4');
    await user.type(screen.getByRole('textbox', { name: 'Timeout (seconds)' }), '30');
    expect((grader as HTMLInputElement).disabled).toBe(false);
    await user.click(grader);
    await pick(grader, 'openframer/statistical');
    await user.click(screen.getByRole('button', { name: 'Start run' }));

    await waitFor(() => expect(location()).toBe(`/red-team/runs/${RUN_ID}`));
    const [create] = api.calls('POST', '/red-team-runs/');
    expect(create!.body).toEqual({
      red_team_spec_id: SPEC_ID,
      number_of_behaviors: 5,
      number_of_prompts_per_behavior: 4,
      grader_model: 'openframer/statistical',
      target: {
        base_url: 'http://127.0.0.1:9999/v1',
        model: 'support-bot',
        api_key: SECRET,
        headers: { 'X-Tenant': HEADER_SECRET },
        system_prompt: 'You are the support bot.',
        concurrency: 4,
        timeout_ms: 30_000,
      },
    });

    // The run page shows what the API returns about the target, and nothing secret.
    const target = await screen.findByLabelText('Target');
    expect(within(target).getByText('http://127.0.0.1:9999/v1')).toBeTruthy();
    expect(within(target).getByText('support-bot')).toBeTruthy();
    expect(within(target).getByText('set (not shown)')).toBeTruthy();
    expect(within(target).getByText('X-Tenant')).toBeTruthy();
    expect(document.body.innerHTML).not.toContain(SECRET);
    expect(document.body.innerHTML).not.toContain(HEADER_SECRET);
  }, 15_000);

  it('leaves target and grader out without a target', async () => {
    const api = baseFake()
      .on('GET', '/red-team-specs/:id/', () => ({
        id: SPEC_ID,
        name: 'support_bot',
        domain_description: 'retail',
        app_description: 'a support bot',
        concerns: null,
        created_at: '2026-01-01T00:00:00Z',
        updated_at: '2026-01-01T00:00:00Z',
      }))
      .on('GET', '/red-team-taxonomy/', () => ({ categories: [], strategies: [], owasp: {} }))
      .on('POST', '/red-team-runs/', () => reply(201, runWithTarget({ target: null })))
      .on('GET', '/red-team-runs/:id/', () => runWithTarget({ target: null }))
      .on('GET', '/red-team-runs/:id/prompts/', () => []);
    const { location } = renderApp(api, `/red-team/specs/${SPEC_ID}`);
    await userEvent.click(await screen.findByRole('button', { name: 'Start run' }));
    await waitFor(() => expect(location()).toBe(`/red-team/runs/${RUN_ID}`));
    const body = api.calls('POST', '/red-team-runs/')[0]!.body as Record<string, unknown>;
    expect(body).not.toHaveProperty('target');
    expect(body).not.toHaveProperty('grader_model');
    expect(await screen.findByRole('table', { name: 'Prompts' })).toBeTruthy();
    expect(screen.queryByLabelText('Target')).toBeNull();
  });

  it('shows per prompt the reply, its grade, why it has none, and the language', async () => {
    const api = baseFake()
      .on('GET', '/red-team-runs/:id/', () => runWithTarget())
      .on('GET', '/red-team-runs/:id/prompts/', () => [
        {
          ...base(0),
          target_response: 'Here is the other customer',
          grade: { attack_succeeded: true, reason: 'It disclosed data' },
        },
        {
          ...base(1),
          target_response: 'I cannot help',
          grade: { attack_succeeded: false, reason: 'It refused' },
        },
        { ...base(2), target_error: 'HTTP 503: upstream unavailable (after 3 attempts)' },
        {
          ...base(3),
          strategy: 'multilingual',
          language: 'Spanish',
          target_response: '???',
          grade_error: 'the grader answered no JSON',
        },
      ]);
    renderApp(api, `/red-team/runs/${RUN_ID}`);
    const table = await screen.findByRole('table', { name: 'Prompts' });
    expect(await within(table).findByText('Here is the other customer')).toBeTruthy();
    expect(within(table).getByRole('columnheader', { name: 'Target reply' })).toBeTruthy();
    expect(within(table).getByText('attack succeeded')).toBeTruthy();
    expect(within(table).getByText('It disclosed data')).toBeTruthy();
    expect(within(table).getByText('resisted')).toBeTruthy();
    expect(within(table).getByText(/HTTP 503: upstream unavailable/)).toBeTruthy();
    expect(within(table).getByText(/the grader answered no JSON/)).toBeTruthy();
    expect(within(table).getByText('Spanish')).toBeTruthy();
    expect(screen.getByText(/Graded by openframer\/statistical/)).toBeTruthy();
  });
});
