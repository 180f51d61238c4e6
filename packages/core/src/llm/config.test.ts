import { describe, expect, it } from 'vitest';
import { findModel, MODEL_CATALOG } from './catalog.js';
import { llmConfigFromEnv } from './config.js';
import { costOf, usageFromSdk } from './cost.js';
import { resolveCatalog } from './models.js';
import { checkModelConfigured, resolveRoute } from './routing.js';

describe('llmConfigFromEnv', () => {
  it('reads keys, base URLs and the one-endpoint gateway, ignoring blanks', () => {
    const config = llmConfigFromEnv({
      OPENFRAMER_LLM_BASE_URL: 'http://litellm:4000/v1',
      OPENFRAMER_LLM_API_KEY: 'sk-gw',
      OPENAI_API_KEY: 'sk-openai',
      OPENAI_BASE_URL: '  ',
      ANTHROPIC_API_KEY: 'sk-ant',
      GOOGLE_GENERATIVE_AI_API_KEY: 'g-key',
      TOGETHER_BASE_URL: 'http://vllm:8000/v1',
      DATABRICKS_TOKEN: 'dapi',
      DATABRICKS_HOST: 'adb-1.azuredatabricks.net',
    });
    expect(config).toEqual({
      gatewayBaseUrl: 'http://litellm:4000/v1',
      gatewayApiKey: 'sk-gw',
      providers: {
        openai: { apiKey: 'sk-openai' },
        anthropic: { apiKey: 'sk-ant' },
        gemini: { apiKey: 'g-key' },
        together: { baseUrl: 'http://vllm:8000/v1' },
        databricks: { apiKey: 'dapi', baseUrl: 'adb-1.azuredatabricks.net' },
      },
    });
  });

  it('prefers GEMINI_API_KEY over the AI SDK variable', () => {
    const config = llmConfigFromEnv({ GEMINI_API_KEY: 'a', GOOGLE_GENERATIVE_AI_API_KEY: 'b' });
    expect(config.providers?.gemini).toEqual({ apiKey: 'a' });
  });
});

describe('checkModelConfigured', () => {
  it('names the variable to set for an unconfigured model', () => {
    expect(checkModelConfigured('anthropic/claude-sonnet-4-6', {})).toBe(
      'model anthropic/claude-sonnet-4-6 is not configured: set ANTHROPIC_API_KEY (or OPENFRAMER_LLM_BASE_URL to route every model through one OpenAI-compatible endpoint)',
    );
    expect(checkModelConfigured('gemini/gemini-2.5-pro', {})).toContain('set GEMINI_API_KEY');
    expect(checkModelConfigured('deepseek-ai/DeepSeek-V3.1', {})).toContain('set TOGETHER_API_KEY');
    expect(checkModelConfigured('databricks/databricks-gpt-5', {})).toContain(
      'set DATABRICKS_TOKEN and DATABRICKS_HOST, or send Databricks client credentials with the request',
    );
  });

  it('accepts configured, gateway-routed, offline and credential-carrying models', () => {
    expect(
      checkModelConfigured('anthropic/claude-sonnet-4-6-thinking', {
        providers: { anthropic: { apiKey: 'k' } },
      }),
    ).toBeUndefined();
    expect(checkModelConfigured('gemini/gemini-2.5-pro', { gatewayBaseUrl: 'http://gw/v1' })).toBeUndefined();
    expect(checkModelConfigured('openframer/statistical', {})).toBeUndefined();
    expect(
      checkModelConfigured('databricks/databricks-gpt-5', {}, undefined, {
        databricks: { clientId: 'id', clientSecret: 's', apiBase: 'https://adb.example.com' },
      }),
    ).toBeUndefined();
    // A self-hosted OpenAI-compatible server needs no key.
    expect(
      checkModelConfigured('openai/gpt-4.1', { providers: { openai: { baseUrl: 'http://vllm/v1' } } }),
    ).toBe(undefined);
  });

  it('reports unknown models', () => {
    expect(checkModelConfigured('nope/model', {})).toBe(
      'unknown model "nope/model"; see GET /api/dataframer/models/',
    );
  });

  it('covers models and custom providers added in configuration', () => {
    const config = {
      models: [{ id: 'ollama/llama3.1', provider: 'ollama', supports_thinking: true }],
      customProviders: { ollama: { baseUrl: 'http://localhost:11434/v1/' } },
    };
    expect(checkModelConfigured('ollama/llama3.1-thinking', config)).toBeUndefined();
    expect(checkModelConfigured('ollama/llama3.1', { models: config.models })).toContain(
      'add a custom provider named "ollama"',
    );
  });
});

describe('resolveRoute', () => {
  const model = (id: string) => {
    const found = findModel(id);
    if (!found) throw new Error(id);
    return found;
  };

  it('sends the full catalog id, without -thinking, through the gateway', () => {
    const resolved = resolveRoute(model('anthropic/claude-sonnet-4-6-thinking'), {
      gatewayBaseUrl: 'http://gw/v1/',
      providers: { anthropic: { apiKey: 'direct' } },
    });
    expect(resolved).toMatchObject({
      route: {
        via: 'gateway',
        api: 'compatible',
        baseUrl: 'http://gw/v1',
        wireModel: 'anthropic/claude-sonnet-4-6',
        key: 'gateway:anthropic/claude-sonnet-4-6',
      },
    });
  });

  it('uses each provider with its own model name and default base URL', () => {
    const config = llmConfigFromEnv({
      ANTHROPIC_API_KEY: 'a',
      TOGETHER_API_KEY: 't',
      OPENAI_API_KEY: 'o',
      GEMINI_API_KEY: 'g',
      DATABRICKS_TOKEN: 'd',
      DATABRICKS_HOST: 'adb-1.azuredatabricks.net/',
    });
    expect(resolveRoute(model('anthropic/claude-haiku-4-5'), config)).toMatchObject({
      route: { api: 'anthropic', baseUrl: 'https://api.anthropic.com/v1', wireModel: 'claude-haiku-4-5' },
    });
    expect(resolveRoute(model('openai/gpt-oss-120b'), config)).toMatchObject({
      route: {
        via: 'together',
        api: 'compatible',
        baseUrl: 'https://api.together.xyz/v1',
        wireModel: 'openai/gpt-oss-120b',
      },
    });
    expect(resolveRoute(model('openai/gpt-4.1'), config)).toMatchObject({
      route: { api: 'openai', wireModel: 'gpt-4.1' },
    });
    expect(resolveRoute(model('gemini/gemini-3-pro-preview'), config)).toMatchObject({
      route: { api: 'google' },
    });
    expect(resolveRoute(model('databricks/databricks-gpt-5'), config)).toMatchObject({
      route: {
        via: 'databricks@adb-1.azuredatabricks.net',
        baseUrl: 'https://adb-1.azuredatabricks.net/serving-endpoints',
        apiKey: 'd',
        wireModel: 'databricks-gpt-5',
      },
    });
  });

  it('prefers Databricks credentials sent with the request over the gateway', () => {
    const resolved = resolveRoute(
      model('databricks/databricks-claude-sonnet-4-5'),
      { gatewayBaseUrl: 'http://gw/v1' },
      { databricks: { clientId: 'c', clientSecret: 's', apiBase: 'https://ws.example.com/' } },
    );
    expect(resolved).toMatchObject({
      route: {
        baseUrl: 'https://ws.example.com/serving-endpoints',
        databricks: { clientId: 'c', clientSecret: 's', apiBase: 'https://ws.example.com' },
      },
    });
  });
});

describe('resolveCatalog', () => {
  it('adds configured models with defaults and thinking twins, replacing same ids', () => {
    const catalog = resolveCatalog({
      models: [
        {
          id: 'ollama/qwen3',
          provider: 'ollama',
          supports_thinking: true,
          pricing: { input: 0, output: 0, cached_input: null },
        },
        { id: 'openai/gpt-4.1', provider: 'openai', pricing: { input: 1, output: 2, cached_input: null } },
      ],
    });
    expect(catalog.filter((m) => m.id === 'openai/gpt-4.1')).toHaveLength(1);
    expect(catalog.find((m) => m.id === 'openai/gpt-4.1')?.pricing?.input).toBe(1);
    expect(catalog.find((m) => m.id === 'ollama/qwen3-thinking')).toMatchObject({
      provider: 'ollama',
      provider_model: 'qwen3',
      thinking: true,
    });
    expect(catalog.length).toBe(MODEL_CATALOG.length + 2);
  });
});

describe('costOf', () => {
  it('bills uncached input, cached input and output at catalog prices', () => {
    const gpt = findModel('openai/gpt-4.1')!; // $2 in, $0.5 cached, $8 out per million
    const usage = {
      inputTokens: 1_000_000,
      cachedInputTokens: 400_000,
      outputTokens: 500_000,
      thinkingTokens: 0,
    };
    expect(costOf(gpt, usage)).toBeCloseTo(0.6 * 2 + 0.4 * 0.5 + 0.5 * 8, 10);
  });

  it('uses the input price when there is no cached price, and 0 without pricing', () => {
    const deepseek = findModel('deepseek-ai/DeepSeek-V3.1')!;
    const usage = { inputTokens: 1_000, cachedInputTokens: 500, outputTokens: 0, thinkingTokens: 0 };
    expect(costOf(deepseek, usage)).toBeCloseTo((1_000 * 0.6) / 1e6, 12);
    expect(costOf(findModel('databricks/databricks-gpt-5')!, usage)).toBe(0);
  });

  it('reads the AI SDK usage, new and old fields', () => {
    expect(
      usageFromSdk({
        inputTokens: 10,
        outputTokens: 7,
        totalTokens: 17,
        inputTokenDetails: { noCacheTokens: 6, cacheReadTokens: 4, cacheWriteTokens: undefined },
        outputTokenDetails: { textTokens: 5, reasoningTokens: 2 },
      }),
    ).toEqual({ inputTokens: 10, outputTokens: 7, cachedInputTokens: 4, thinkingTokens: 2 });
    expect(usageFromSdk(undefined)).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      cachedInputTokens: 0,
      thinkingTokens: 0,
    });
  });
});
