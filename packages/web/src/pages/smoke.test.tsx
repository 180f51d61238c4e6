import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import appSource from '../App.tsx?raw';
import { baseFake } from '../test/fake-api.ts';
import { renderApp } from '../test/render.tsx';

// Every page renders against an API with nothing in it, without crashing.
describe('every page renders', () => {
  const api = () =>
    baseFake()
      .on('GET', '/runs/', () => [])
      .on('GET', '/anonymization-runs/', () => [])
      .on('GET', '/red-team-specs/', () => [])
      .on('GET', '/red-team-runs/', () => [])
      .on('GET', '/red-team-taxonomy/', () => ({ categories: [], strategies: [], owasp: {} }));
  it.each([
    ['/datasets', 'Seed datasets'],
    ['/specs', 'Specs'],
    ['/specs/new', 'New spec'],
    ['/runs', 'Runs'],
    ['/runs/new', 'New run'],
    ['/anonymization', 'Anonymization'],
    ['/red-team', 'Red teaming'],
    ['/models', 'Models'],
    ['/account', 'Account'],
  ])('%s', async (path, heading) => {
    renderApp(api(), path);
    expect(await screen.findByRole('heading', { name: heading, level: 2 })).toBeTruthy();
  });

  it('loads the pages lazily: the app imports no page module up front but the sign-in page', () => {
    const eager = [...appSource.matchAll(/^import .* from '(\.\/pages\/[^']+)';$/gm)].map((m) => m[1]);
    expect(eager).toEqual(['./pages/SignIn.tsx']);
    expect(appSource).toContain("import('./pages/RunDetail.tsx')");
  });

  it('lists the models with what the unavailable ones need', async () => {
    renderApp(api(), '/models');
    expect(await screen.findByText('needs ANTHROPIC_API_KEY')).toBeTruthy();
    expect(screen.getByText('available')).toBeTruthy();
  });
});
