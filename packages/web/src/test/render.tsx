import { render } from '@testing-library/react';
import { MemoryRouter, useLocation } from 'react-router';
import { App } from '../App.tsx';
import { Providers } from '../Providers.tsx';
import { type FakeApi, GOOD_KEY } from './fake-api.ts';

let currentPath = '';
function LocationProbe() {
  currentPath = useLocation().pathname;
  return null;
}

/** The whole app at `path`, talking to `api`; signed in unless told otherwise. */
export function renderApp(api: FakeApi, path: string, { signedIn = true } = {}) {
  if (signedIn) sessionStorage.setItem('openframer.apiKey', GOOD_KEY);
  const result = render(
    <Providers fetchImpl={api.fetch}>
      <MemoryRouter initialEntries={[path]}>
        <LocationProbe />
        <App />
      </MemoryRouter>
    </Providers>,
  );
  return { ...result, location: () => currentPath };
}
