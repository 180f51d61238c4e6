import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { baseFake, GOOD_KEY } from '../test/fake-api.ts';
import { renderApp } from '../test/render.tsx';

describe('sign-in', () => {
  it('shows the server’s error for a bad key and keeps nothing', async () => {
    const api = baseFake();
    const app = renderApp(api, '/datasets', { signedIn: false });
    expect(await screen.findByRole('heading', { name: 'Sign in to OpenFramer' })).toBeTruthy();
    await userEvent.type(screen.getByLabelText(/API key/), 'not-a-key');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Invalid API key: unknown, revoked or expired');
    expect(app.location()).toBe('/sign-in');
    expect(sessionStorage.length + localStorage.length).toBe(0);
    // The key went in the header, never in the URL.
    expect(api.requests.at(-1)).toMatchObject({
      path: '/api/dataframer/models/',
      authorization: 'Bearer not-a-key',
    });
    expect(api.requests.every((r) => !r.query.toString().includes('not-a-key'))).toBe(true);
  });

  it('lands on the datasets page with a good key, kept for this tab only', async () => {
    const api = baseFake().on('GET', '/seed-datasets/', () => [
      {
        id: '11111111-1111-4111-8111-111111111111',
        name: 'claims',
        description: '',
        dataset_type: 'SINGLE_FILE',
        file_count: 1,
        folder_count: 0,
        total_size_bytes: 2048,
        created_at: '2026-01-01T00:00:00Z',
        updated_at: '2026-01-01T00:00:00Z',
        created_by_email: 'ana@acme.test',
        short_sample_compatibility: {
          is_short_samples_compatible: true,
          is_long_samples_compatible: false,
          reason: '',
        },
      },
    ]);
    const app = renderApp(api, '/runs', { signedIn: false });
    await userEvent.type(await screen.findByLabelText(/API key/), GOOD_KEY);
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    // Back to where the user was going.
    await waitFor(() => expect(app.location()).toBe('/runs'));
    expect(sessionStorage.getItem('openframer.apiKey')).toBe(GOOD_KEY);
    expect(localStorage.getItem('openframer.apiKey')).toBeNull();
  });

  it('remembers the key on this device when asked, and lands on datasets', async () => {
    const api = baseFake().on('GET', '/seed-datasets/', () => []);
    const app = renderApp(api, '/sign-in', { signedIn: false });
    await userEvent.type(await screen.findByLabelText(/API key/), GOOD_KEY);
    await userEvent.click(screen.getByLabelText(/Remember on this device/));
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Seed datasets' })).toBeTruthy();
    expect(app.location()).toBe('/datasets');
    expect(localStorage.getItem('openframer.apiKey')).toBe(GOOD_KEY);
    expect(sessionStorage.getItem('openframer.apiKey')).toBeNull();
  });

  it('sends a signed-in user back to sign-in when the key stops working', async () => {
    const api = baseFake();
    sessionStorage.setItem('openframer.apiKey', 'f'.repeat(64)); // revoked: the fake answers 401
    const app = renderApp(api, '/datasets', { signedIn: false });
    expect(await screen.findByText(/Your API key was refused/)).toBeTruthy();
    expect(app.location()).toBe('/sign-in');
    expect(sessionStorage.getItem('openframer.apiKey')).toBeNull();
  });
});
