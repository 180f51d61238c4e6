import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { baseFake, GOOD_KEY } from '../test/fake-api.ts';
import { renderApp } from '../test/render.tsx';

const NEW_KEY = 'b'.repeat(64);

describe('account', () => {
  it('rotates the key: shows the new one once, stores it where the old one was, and keeps the session', async () => {
    const api = baseFake().on('POST', '/api/users/api-key/rotate', () => {
      api.key = NEW_KEY; // the old key stops working at once, as on the server
      return { api_key: NEW_KEY, masked_key: 'bbbb...bbbb', expires_at: '2027-01-01T00:00:00Z' };
    });
    const { location } = renderApp(api, '/account');
    await userEvent.click(await screen.findByRole('button', { name: 'Rotate API key' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Rotate API key' }));

    expect((await screen.findByTestId('new-api-key')).textContent).toBe(NEW_KEY);
    expect(screen.getByText(/old key has stopped working/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Copy' })).toBeTruthy();
    const rotations = api.requests.filter((r) => r.path === '/api/users/api-key/rotate');
    expect(rotations).toHaveLength(1);
    expect(rotations[0]!.method).toBe('POST');
    expect(rotations[0]!.authorization).toBe(`Bearer ${GOOD_KEY}`);
    // Stored in place of the old key (this tab only, as before), never in localStorage.
    expect(sessionStorage.getItem('openframer.apiKey')).toBe(NEW_KEY);
    expect(localStorage.getItem('openframer.apiKey')).toBeNull();

    // The session goes on with the new key.
    await userEvent.click(screen.getByRole('link', { name: 'Models' }));
    expect(await screen.findByText('needs ANTHROPIC_API_KEY')).toBeTruthy();
    expect(api.requests.at(-1)!.authorization).toBe(`Bearer ${NEW_KEY}`);
    expect(location()).toBe('/models');

    // Shown once: back on the page, the key is not there any more.
    await userEvent.click(screen.getByRole('link', { name: 'Account' }));
    expect(await screen.findByRole('button', { name: 'Rotate API key' })).toBeTruthy();
    expect(screen.queryByTestId('new-api-key')).toBeNull();
    expect(document.body.textContent).not.toContain(NEW_KEY);
  });

  it('keeps a remembered key remembered after rotating', async () => {
    const api = baseFake().on('POST', '/api/users/api-key/rotate', () => {
      api.key = NEW_KEY;
      return { api_key: NEW_KEY, masked_key: 'bbbb...bbbb', expires_at: '2027-01-01T00:00:00Z' };
    });
    localStorage.setItem('openframer.apiKey', GOOD_KEY);
    renderApp(api, '/account', { signedIn: false });
    await userEvent.click(await screen.findByRole('button', { name: 'Rotate API key' }));
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: 'Rotate API key' }),
    );
    await screen.findByTestId('new-api-key');
    await waitFor(() => expect(localStorage.getItem('openframer.apiKey')).toBe(NEW_KEY));
    expect(sessionStorage.getItem('openframer.apiKey')).toBeNull();
  });
});
