import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/auth/keys.js';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const listDatasets = (key: string | null, headers: Record<string, string> = {}) =>
  h.request({ method: 'GET', url: '/api/dataframer/seed-datasets/', key, headers });

describe('API keys', () => {
  it('answers 401 for a missing, malformed, unknown or expired key', async () => {
    expect((await listDatasets(null)).statusCode).toBe(401);
    expect((await listDatasets(null)).json().detail).toMatch(/Bearer/);
    const malformed = await h.app.inject({
      method: 'GET',
      url: '/api/dataframer/seed-datasets/',
      headers: { authorization: 'Token abc' },
    });
    expect(malformed.statusCode).toBe(401);
    expect((await listDatasets('0'.repeat(64))).statusCode).toBe(401);

    const issued = await h.ctx.services.auth.createKey({
      company: 'Acme Health',
      email: 'eve@acme.test',
      origin: 'cli',
    });
    expect((await listDatasets(issued.api_key)).statusCode).toBe(200);
    await h.ctx.database.db
      .updateTable('api_keys')
      .set({ expires_at: '2000-01-01T00:00:00.000Z' })
      .where('key_hash', '=', hashApiKey(issued.api_key))
      .execute();
    expect((await listDatasets(issued.api_key)).statusCode).toBe(401);
  });

  it('stores keys hashed, never in clear', async () => {
    const rows = await h.ctx.database.db.selectFrom('api_keys').selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(JSON.stringify(row)).not.toContain(h.keyA);
      expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(rows.some((r) => r.key_hash === hashApiKey(h.keyA))).toBe(true);
  });

  it('rotates: new key works, old key is revoked at once, masked as first 4 + last 4', async () => {
    const old = (
      await h.ctx.services.auth.createKey({ company: 'Rotate Co', email: 'rot@rotate.test', origin: 'cli' })
    ).api_key;
    const res = await h.request({
      method: 'POST',
      url: '/api/users/api-key/rotate',
      key: old,
      headers: { 'x-forwarded-for': '' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.api_key).toMatch(/^[0-9a-f]{64}$/);
    expect(body.masked_key).toBe(`${body.api_key.slice(0, 4)}****${body.api_key.slice(-4)}`);
    const days = (Date.parse(body.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(364);
    expect(days).toBeLessThan(366);
    expect((await listDatasets(old)).statusCode).toBe(401);
    expect((await listDatasets(body.api_key)).statusCode).toBe(200);
    // The trailing-slash form works too.
    const again = await h.request({ method: 'POST', url: '/api/users/api-key/rotate/', key: body.api_key });
    expect(again.statusCode).toBe(200);
  });

  it('allows 5 rotations per hour per IP, then answers 429', async () => {
    let key = (
      await h.ctx.services.auth.createKey({ company: 'Limit Co', email: 'lim@limit.test', origin: 'cli' })
    ).api_key;
    const rotate = (k: string) =>
      h.app.inject({
        method: 'POST',
        url: '/api/users/api-key/rotate',
        headers: { authorization: `Bearer ${k}` },
        remoteAddress: '10.9.8.7',
      });
    for (let i = 0; i < 5; i++) {
      const res = await rotate(key);
      expect(res.statusCode, `rotation ${i + 1}`).toBe(200);
      key = res.json().api_key;
    }
    const limited = await rotate(key);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().detail).toMatch(/5 requests per hour per IP/);
    // The refused rotation did not revoke the key.
    expect((await listDatasets(key)).statusCode).toBe(200);
    // Another address is not limited.
    const elsewhere = await h.app.inject({
      method: 'POST',
      url: '/api/users/api-key/rotate',
      headers: { authorization: `Bearer ${key}` },
      remoteAddress: '10.9.8.8',
    });
    expect(elsewhere.statusCode).toBe(200);
  });

  it('sets up the init company, user and key from OPENFRAMER_INIT_*, idempotently', async () => {
    const init = {
      apiKey: 'init-key-0123456789abcdef0123456789abcdef',
      userEmail: 'ops@init.test',
      company: 'Init Co',
    };
    expect(await h.ctx.services.auth.ensureInitKey(init)).toBe(true);
    expect(await h.ctx.services.auth.ensureInitKey(init)).toBe(false);
    const res = await listDatasets(init.apiKey);
    expect(res.statusCode).toBe(200);
    const principal = await h.ctx.services.auth.authenticate(init.apiKey);
    expect(principal).toMatchObject({ companyName: 'Init Co', email: 'ops@init.test' });
  });

  it('refuses a user that belongs to another company', async () => {
    await expect(
      h.ctx.services.auth.createKey({ company: 'Beta Insurance', email: 'ana@acme.test', origin: 'cli' }),
    ).rejects.toThrow(/another company/);
  });
});
