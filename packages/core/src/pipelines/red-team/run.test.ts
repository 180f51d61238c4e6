import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../../test/support/fake-openai.js';
import type { LlmCallRecord } from '../../llm/types.js';
import { runRedTeam } from './run.js';
import { baseInput, gatewayFor, scriptedModel, stageOf } from './test-helpers.js';

let server: FakeOpenAI;

beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  server.requests.length = 0;
  server.setHandler(undefined);
});

describe('runRedTeam over HTTP', () => {
  it('writes exactly behaviours × prompts items', async () => {
    server.setHandler(scriptedModel().handler);
    const records: LlmCallRecord[] = [];
    const result = await runRedTeam(baseInput(), { llm: gatewayFor(server, records) });
    expect(result.behaviors).toHaveLength(4);
    expect(result.behaviors.every((b) => b.prompts.length === 5)).toBe(true);
    expect(Object.keys(result.behavior_to_enhanced_queries)).toHaveLength(4);
    const stages = server.chatRequests().map((r) => stageOf(r.body));
    expect(stages.filter((s) => s === 'red_team_behaviors')).toHaveLength(1);
    expect(stages.filter((s) => s === 'red_team_queries')).toHaveLength(4);
    expect(result.trace.llm_calls).toBe(server.chatRequests().length);
  });
});
