import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('health, models, OpenAPI', () => {
  it('reports health without a key', async () => {
    const res = await h.request({ method: 'GET', url: '/api/dataframer/health/', key: null });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'ok',
      version: expect.any(String),
      database: { status: 'ok', dialect: h.dialect },
      jobs: { status: 'ok', state: 'running', queued: 0 },
      anonymization: { detection_threads: h.ctx.config.anonymizationThreads },
    });
    expect(res.json().anonymization.detection_threads).toBeGreaterThan(0);
  });

  it('reports degraded with 503 when the job runner is stopped', async () => {
    await h.ctx.jobs.stop(0);
    const res = await h.request({ method: 'GET', url: '/api/dataframer/health/', key: null });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'degraded', jobs: { status: 'error', state: 'stopped' } });
    await h.ctx.jobs.start();
  });

  it('lists the model catalog with thinking variants, prices and availability', async () => {
    expect((await h.request({ method: 'GET', url: '/api/dataframer/models/', key: null })).statusCode).toBe(
      401,
    );
    const res = await h.request({ method: 'GET', url: '/api/dataframer/models/' });
    expect(res.statusCode).toBe(200);
    const models: {
      id: string;
      available: boolean;
      thinking: boolean;
      pricing: unknown;
      requires: string | null;
    }[] = res.json().models;
    const byId = new Map(models.map((m) => [m.id, m]));
    for (const id of [
      'anthropic/claude-sonnet-4-6',
      'anthropic/claude-sonnet-4-6-thinking',
      'gemini/gemini-3-pro-preview-thinking',
      'deepseek-ai/DeepSeek-V3.1',
      'databricks/databricks-gpt-5',
      'openframer/statistical',
    ]) {
      expect(byId.has(id), id).toBe(true);
    }
    expect(byId.get('anthropic/claude-sonnet-4-6-thinking')!.thinking).toBe(true);
    expect(byId.get('openframer/statistical')!.available).toBe(true);
    // The harness passes an empty environment: no provider key, so hosted models are unavailable and say why.
    expect(byId.get('anthropic/claude-sonnet-4-6')).toMatchObject({
      available: false,
      requires: expect.stringContaining('ANTHROPIC_API_KEY'),
    });
  });

  it('serves an OpenAPI document with every route, and the docs page', async () => {
    const res = await h.request({ method: 'GET', url: '/api/schema/', key: null });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries<Record<string, unknown>>(doc.paths)) {
      for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    const routes = new Set(
      h.app.routeSummaries
        .filter((r) => !r.hidden)
        .map((r) => `${r.method} ${r.url.replace(/:([a-z_]+)/g, '{$1}')}`),
    );
    expect(routes.size).toBeGreaterThan(8);
    const missing = [...routes].filter((r) => !documented.has(r));
    expect(missing).toEqual([]);
    const create = doc.paths['/api/dataframer/seed-datasets/create/'].post;
    expect(create.requestBody.content['multipart/form-data'].schema.properties.dataset_type.enum).toContain(
      'MULTI_FOLDER',
    );

    const page = await h.request({ method: 'GET', url: '/api/docs/', key: null });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/swagger/i);
  });

  it('answers unknown paths and bad JSON with {detail}', async () => {
    const unknown = await h.request({ method: 'GET', url: '/api/dataframer/nope/' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().detail).toContain('/api/dataframer/nope/');
    const badJson = await h.request({
      method: 'PATCH',
      url: '/api/dataframer/seed-datasets/3f1c1b8e-8a7e-4a53-9f53-0d8f5b2b6a11/',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().detail).toMatch(/JSON/);
  });
});
