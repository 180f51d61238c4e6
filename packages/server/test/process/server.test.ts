import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnServer } from '../support/process.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'openframer-proc-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('the server process', () => {
  it('serves on the configured data dir, honours OPENFRAMER_INIT_*, and stops cleanly on SIGTERM', async () => {
    const initKey = 'a'.repeat(8) + 'b'.repeat(56);
    const server = await spawnServer({
      OPENFRAMER_DATA_DIR: dataDir,
      OPENFRAMER_INIT_API_KEY: initKey,
      OPENFRAMER_INIT_USER_EMAIL: 'ops@acme.test',
      OPENFRAMER_INIT_COMPANY: 'Acme',
    });
    try {
      const health = await fetch(`${server.url}/api/dataframer/health/`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', database: { dialect: 'sqlite' } });
      const list = await fetch(`${server.url}/api/dataframer/seed-datasets/`, {
        headers: { authorization: `Bearer ${initKey}` },
      });
      expect(list.status).toBe(200);
      expect(await list.json()).toEqual([]);
      // The key is never logged.
      expect(server.output()).not.toContain(initKey);
    } finally {
      const code = await server.stop('SIGTERM');
      expect(code).toBe(0);
    }
    expect(server.output()).toMatch(/SIGTERM received/);
  });

  it('`keys create` prints a key alone on stdout that the server accepts', async () => {
    const created = await runCli(['keys', 'create', '--company', 'Beta', '--email', 'bo@beta.test'], {
      OPENFRAMER_DATA_DIR: dataDir,
    });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    const key = created.stdout.trim();
    const server = await spawnServer({ OPENFRAMER_DATA_DIR: dataDir });
    try {
      const res = await fetch(`${server.url}/api/dataframer/seed-datasets/`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(res.status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('exits 2 with a message naming the variable when the configuration is invalid', async () => {
    const res = await runCli(['serve'], { OPENFRAMER_DATA_DIR: dataDir, OPENFRAMER_PORT: 'eighty' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('OPENFRAMER_PORT');
    const bad = await runCli(['keys', 'create', '--company', 'X', '--email', 'not-an-email'], {
      OPENFRAMER_DATA_DIR: dataDir,
    });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/email/);
  });
});
