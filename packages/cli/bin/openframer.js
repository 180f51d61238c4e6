#!/usr/bin/env node
// The CLI runs its TypeScript sources through tsx, so a fresh clone needs no build step.
import { register as registerHooks } from 'node:module';
import { register } from 'tsx/esm/api';

// Registered before tsx so that it runs last in the chain: every resolution, tsx's included, sees the
// "@openframer/source" condition and workspace packages resolve to their sources (docs/development.md).
registerHooks('./source-condition.js', import.meta.url);
register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv);
