import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
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
  ])('%s', async (path, heading) => {
    renderApp(api(), path);
    expect(await screen.findByRole('heading', { name: heading, level: 2 })).toBeTruthy();
  });

  it('lists the models with what the unavailable ones need', async () => {
    renderApp(api(), '/models');
    expect(await screen.findByText('needs ANTHROPIC_API_KEY')).toBeTruthy();
    expect(screen.getByText('available')).toBeTruthy();
  });
});
