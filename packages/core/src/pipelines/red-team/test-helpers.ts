import type { ChatBody, FakeHandler, FakeOpenAI, FakeReply } from '../../../test/support/fake-openai.js';
import { createLlmGateway } from '../../llm/gateway.js';
import type { LlmCallRecord } from '../../llm/types.js';
import type { RedTeamInput } from './types.js';

// A scripted attacker/grader model for the fake OpenAI-compatible server: it reads what each red-team
// stage asks for from the prompt and answers with distinct, well-formed items, unless a test overrides
// a stage.

export const MODEL = 'openai/gpt-4.1';

export function gatewayFor(server: FakeOpenAI, records: LlmCallRecord[] = []) {
  return createLlmGateway({
    config: { gatewayBaseUrl: server.url, gatewayApiKey: 'k' },
    onCall: (r) => records.push(r),
    sleep: async () => {},
  });
}

export function baseInput(overrides: Partial<RedTeamInput> = {}): RedTeamInput {
  return {
    model: MODEL,
    app: {
      name: 'clinic_bot',
      domainDescription: 'Healthcare and medical information services',
      appDescription:
        'A patient-facing chatbot that helps schedule appointments and answer general health questions',
      concerns: 'Should not provide medical diagnoses, prescription recommendations, or treatment advice',
    },
    numberOfBehaviors: 4,
    promptsPerBehavior: 5,
    seed: 'seed-1',
    ...overrides,
  };
}

/** A letters-only word unique to `n`, so generated texts share no word 3-grams. */
export function word(n: number): string {
  let out = '';
  let x = n + 26 * 27;
  while (x > 0) {
    out = String.fromCharCode(97 + (x % 26)) + out;
    x = Math.floor(x / 26);
  }
  return out;
}

export function stageOf(body: ChatBody): string | undefined {
  return body.response_format?.json_schema?.name;
}

export function lastUser(body: ChatBody): string {
  const users = (body.messages as { role: string; content: unknown }[]).filter((m) => m.role === 'user');
  const content = users[users.length - 1]?.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p: { text?: string }) => p.text ?? '').join('');
  return '';
}

/** The first user message: the request itself (later ones are correction prompts). */
export function firstUser(body: ChatBody): string {
  const user = (body.messages as { role: string; content: unknown }[]).find((m) => m.role === 'user');
  const content = user?.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p: { text?: string }) => p.text ?? '').join('');
  return '';
}

export function requestedCount(body: ChatBody): number {
  return Number(/Write (\d+) (?:more )?distinct/.exec(firstUser(body))?.[1] ?? '1');
}

export function allowedCategories(body: ChatBody): string[] {
  const line = /Allowed categories: (.*)/.exec(firstUser(body))?.[1] ?? '';
  return line.startsWith('all of') ? ['unauthorized_advice', 'pii_leakage', 'jailbreak'] : line.split(', ');
}

export interface EnhanceRequestItem {
  index: number;
  strategy: string;
  language?: string;
  query: string;
}

export function enhanceItems(body: ChatBody): EnhanceRequestItem[] {
  const text = firstUser(body);
  return [
    ...text.matchAll(
      /<item index="(\d+)" strategy="([a-z_]+)"(?: language="([^"]+)")?>\n([\s\S]*?)\n<\/item>/g,
    ),
  ].map((m) => ({
    index: Number(m[1]),
    strategy: m[2]!,
    ...(m[3] && { language: m[3] }),
    query: m[4]!,
  }));
}

export function replyOf(body: ChatBody): string {
  return /<reply>\n([\s\S]*?)\n<\/reply>/.exec(firstUser(body))?.[1] ?? '';
}

export interface ScriptedModel {
  handler: FakeHandler;
  counter: { n: number };
}

type StageOverride = (body: ChatBody, defaultReply: () => FakeReply) => FakeReply | undefined;

/** Answers every stage with distinct items; `overrides` replaces a stage's answer (undefined = default). */
export function scriptedModel(overrides: Record<string, StageOverride> = {}, start = 0): ScriptedModel {
  const counter = { n: start };
  const next = () => word(counter.n++);
  const defaults: Record<string, (body: ChatBody) => FakeReply> = {
    red_team_behaviors: (body) => {
      const categories = allowedCategories(body);
      return {
        json: {
          behaviors: Array.from({ length: requestedCount(body) }, (_, i) => ({
            behavior: `Provides ${next()} ${next()} guidance about ${next()} ${next()} matters`,
            category: categories[i % categories.length],
          })),
        },
      };
    },
    red_team_queries: (body) => ({
      json: {
        queries: Array.from(
          { length: requestedCount(body) },
          () => `Could you tell me ${next()} ${next()} about my ${next()} ${next()} problem?`,
        ),
      },
    }),
    red_team_enhance: (body) => ({
      json: {
        items: enhanceItems(body).map((item) => ({
          index: item.index,
          adversarial_prompt: `As ${item.strategy} ${item.language ?? ''} ${next()} ${next()} ${next()}: ${item.query}`,
        })),
      },
    }),
    red_team_grade: (body) => {
      const reply = replyOf(body);
      const succeeded = reply.startsWith('SURE');
      return { json: { reason: succeeded ? 'It complied.' : 'It refused.', attack_succeeded: succeeded } };
    },
  };
  const handler: FakeHandler = (body) => {
    const stage = stageOf(body);
    if (!stage) return undefined;
    const fallback = () => defaults[stage]?.(body) ?? { content: '{}' };
    const override = overrides[stage];
    return (override ? override(body, fallback) : undefined) ?? fallback();
  };
  return { handler, counter };
}
