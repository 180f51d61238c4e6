import { defineConfig } from 'vitest/config';

// The API suite runs twice: on SQLite (the embedded default) and on PostgreSQL (found or started on loopback).
export default defineConfig({
  // Tests run on Vite's server (SSR) resolver: add the "@openframer/source" export condition so workspace packages
  // resolve to their TypeScript sources, not to a build (docs/development.md). Setting the list replaces Vitest's
  // default, ['node', 'development|production'], so that is repeated; Vitest also passes the list to the test
  // workers as --conditions (never add 'module': Node would then load bundler-only builds, e.g. @aws-sdk's dist-es).
  ssr: { resolve: { conditions: ['@openframer/source', 'node', 'development|production'] } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'api-sqlite',
          include: ['packages/server/test/api/**/*.test.ts'],
          env: { OPENFRAMER_TEST_DB: 'sqlite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'api-postgres',
          include: ['packages/server/test/api/**/*.test.ts'],
          env: { OPENFRAMER_TEST_DB: 'postgres' },
        },
      },
      {
        extends: true,
        test: {
          name: 'web',
          include: ['packages/web/src/**/*.test.tsx'],
          environment: 'happy-dom',
          setupFiles: ['packages/web/src/test/setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'process',
          include: [
            'packages/server/test/process/**/*.test.ts',
            'packages/cli/test/**/*.test.ts',
            'packages/sdk/test/**/*.test.ts',
          ],
        },
      },
    ],
  },
});
