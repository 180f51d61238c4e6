import type { Model } from '@openframer/sdk';
import { describe, expect, it } from 'vitest';
import { chooseModels } from './generate.js';

const model = (id: string, available: boolean, stages: Model['supported_for'], offline = false) =>
  ({ id, available, offline, supported_for: stages }) as Model;

const statistical = model('openframer/statistical', true, ['spec', 'generation'], true);
const sonnet = model('anthropic/claude-sonnet-4-6', false, ['spec', 'generation']);
const sonnetThinking = model('anthropic/claude-sonnet-4-6-thinking', false, ['spec', 'generation']);
const gpt = model('openai/gpt-4.1', true, ['spec', 'generation']);
const genOnly = model('together/gen-only', true, ['generation']);

describe('chooseModels', () => {
  it('uses the offline engine when no provider is configured', () => {
    expect(chooseModels([statistical, sonnet, sonnetThinking], {})).toEqual({
      spec: 'openframer/statistical',
      generation: 'openframer/statistical',
    });
  });

  it("prefers DataFramer's defaults when callable, else the first callable model for the stage", () => {
    const withKey = [
      statistical,
      { ...sonnet, available: true },
      { ...sonnetThinking, available: true },
      gpt,
    ];
    expect(chooseModels(withKey, {})).toEqual({
      spec: 'anthropic/claude-sonnet-4-6-thinking',
      generation: 'anthropic/claude-sonnet-4-6',
    });
    expect(chooseModels([statistical, sonnet, gpt], {})).toEqual({
      spec: 'openai/gpt-4.1',
      generation: 'openai/gpt-4.1',
    });
  });

  it('--model sets generation, and the spec when the model can write specs', () => {
    expect(chooseModels([statistical, gpt], { model: 'openai/gpt-4.1' })).toEqual({
      spec: 'openai/gpt-4.1',
      generation: 'openai/gpt-4.1',
    });
    expect(chooseModels([statistical, genOnly], { model: 'together/gen-only' })).toEqual({
      spec: 'openframer/statistical',
      generation: 'together/gen-only',
    });
    expect(
      chooseModels([statistical, gpt], { model: 'openai/gpt-4.1', specModel: 'openframer/statistical' }),
    ).toEqual({
      spec: 'openframer/statistical',
      generation: 'openai/gpt-4.1',
    });
  });
});
