import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../support.js';

// The SDK's types come from the server's OpenAPI document; a route change without `npm run gen:sdk-types`
// fails here (and in CI's own check) rather than in a user's type-checker.
it('the committed SDK types match the OpenAPI document the server builds', () => {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/gen-sdk-types.ts', '--check'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  expect(res.status, `${res.stdout}${res.stderr}`).toBe(0);
}, 60_000);
