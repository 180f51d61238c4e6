import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { baseFake, reply } from '../test/fake-api.ts';
import { renderApp } from '../test/render.tsx';

const SPEC_ID = '66666666-6666-4666-8666-666666666666';
const YAML = `spec:
  description: Support tickets
  requirements: Begins with a subject line
  data_property_variations:
    - property_name: topic
      property_values: [refund, bug]
      base_distributions:
        refund: 40
        bug: 60
`;

const spec = (contentYaml: string, version: number) => ({
  id: SPEC_ID,
  name: 'tickets',
  description: '',
  dataset_id: null,
  dataset_name: 'tickets',
  dataset_type: 'MULTI_FILE',
  status: 'SUCCEEDED',
  error: null,
  content_yaml: contentYaml,
  latest_version: version,
  runtime_params: {},
  total_cost: 0,
  created_by_email: 'ana@acme.test',
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  versions: [{ version: 1, content_yaml: YAML, created_at: '2026-01-01T00:00:00Z' }],
});

describe('spec detail', () => {
  it('renders the axes as bars of their distributions', async () => {
    renderApp(
      baseFake().on('GET', '/specs/:id/', () => spec(YAML, 1)),
      `/specs/${SPEC_ID}`,
    );
    expect(await screen.findByText('topic')).toBeTruthy();
    expect(screen.getByLabelText('refund base distribution 40%')).toBeTruthy();
    expect(screen.getByLabelText('bug base distribution 60%')).toBeTruthy();
  });

  it('sends the edited YAML with PUT and shows the server’s 400 problems with their lines', async () => {
    const detail =
      'Invalid spec: 2 problems\nline 7: spec.data_property_variations[0].base_distributions: sums to 90, must sum to 100\nline 9: spec.data_property_variations[0].base_distributions.bug: "bugs" is not a value of topic';
    const api = baseFake()
      .on('GET', '/specs/:id/', () => spec(YAML, 1))
      .on('PUT', '/specs/:id/', () => reply(400, { detail, errors: { content_yaml: [detail] } }));
    renderApp(api, `/specs/${SPEC_ID}`);
    await userEvent.click(await screen.findByRole('tab', { name: 'Edit YAML' }));
    const editor = screen.getByLabelText('Spec YAML') as HTMLTextAreaElement;
    const edited = YAML.replace('refund: 40', 'refund: 30');
    fireEvent.change(editor, { target: { value: edited } });
    await userEvent.click(screen.getByRole('button', { name: 'Save as a new version' }));

    await waitFor(() => expect(api.calls('PUT', `/specs/${SPEC_ID}/`)).toHaveLength(1));
    expect(api.calls('PUT', `/specs/${SPEC_ID}/`)[0]!.body).toEqual({ content_yaml: edited });
    const problems = await screen.findByLabelText('Spec problems');
    expect(within(problems).getByText(/2 problems: nothing was saved/)).toBeTruthy();
    expect(within(problems).getByText('line 7')).toBeTruthy();
    expect(within(problems).getByText(/sums to 90, must sum to 100/)).toBeTruthy();
    // The offending line of the edited YAML is quoted next to its problem.
    expect(within(problems).getByText('base_distributions:')).toBeTruthy();
    expect(within(problems).getByText('line 9')).toBeTruthy();
    expect(within(problems).getByText('bug: 60')).toBeTruthy();
    // The edit is kept for fixing, not thrown away.
    expect((screen.getByLabelText('Spec YAML') as HTMLTextAreaElement).value).toBe(edited);
  });
});
