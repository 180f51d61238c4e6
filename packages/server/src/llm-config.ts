import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type LlmConfig, llmConfigFromEnv, MODEL_STAGES, NETWORK_PROVIDERS } from '@openframer/core';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './config.js';

const Connection = z
  .object({
    api_key: z.string().optional(),
    base_url: z.url().optional(),
    headers: z.record(z.string(), z.string()).optional(),
  })
  .strict();

const CustomProvider = z
  .object({
    base_url: z.url(),
    api_key: z.string().optional(),
    api_key_variable: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    supports_structured_outputs: z.boolean().optional(),
  })
  .strict();

const Model = z
  .object({
    id: z.string().regex(/^[^/\s]+\/\S+$/, 'must look like <provider>/<model>'),
    provider: z.string().min(1),
    provider_model: z.string().optional(),
    display_name: z.string().optional(),
    context_window: z.number().int().positive().optional(),
    max_output_tokens: z.number().int().positive().optional(),
    supports_thinking: z.boolean().optional(),
    supports_structured_output: z.boolean().optional(),
    pricing: z
      .object({
        input: z.number().min(0),
        output: z.number().min(0),
        cached_input: z.number().min(0).nullable().optional(),
      })
      .nullable()
      .optional(),
    supported_for: z.array(z.enum(MODEL_STAGES)).optional(),
  })
  .strict();

const FileSchema = z
  .object({
    llm: z
      .object({
        gateway: z.object({ base_url: z.url(), api_key: z.string().optional() }).strict().optional(),
        providers: z.partialRecord(z.enum(NETWORK_PROVIDERS), Connection).optional(),
        custom_providers: z.record(z.string().regex(/^[a-z0-9_-]+$/i), CustomProvider).optional(),
        models: z.array(Model).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/**
 * The LLM configuration: the config file (OPENFRAMER_CONFIG_FILE, or ./openframer.yaml when present)
 * with the environment on top, so a deployment's variables win over a checked-in file.
 */
export function loadLlmConfig(env: Record<string, string | undefined>, cwd = process.cwd()): LlmConfig {
  const fromEnv = llmConfigFromEnv(env);
  const path = env.OPENFRAMER_CONFIG_FILE
    ? resolve(cwd, env.OPENFRAMER_CONFIG_FILE)
    : resolve(cwd, 'openframer.yaml');
  if (!existsSync(path)) {
    if (env.OPENFRAMER_CONFIG_FILE) throw new ConfigError(`OPENFRAMER_CONFIG_FILE: ${path} does not exist`);
    return fromEnv;
  }
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${path}: not valid YAML or JSON: ${(err as Error).message}`);
  }
  const parsed = FileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`${path}:\n  ${lines.join('\n  ')}`);
  }
  const llm = parsed.data.llm ?? {};
  const providers: NonNullable<LlmConfig['providers']> = {};
  for (const [name, c] of Object.entries(llm.providers ?? {})) {
    providers[name as keyof typeof providers] = {
      apiKey: c.api_key,
      baseUrl: c.base_url,
      headers: c.headers,
    };
  }
  for (const [name, c] of Object.entries(fromEnv.providers ?? {})) {
    providers[name as keyof typeof providers] = {
      ...providers[name as keyof typeof providers],
      ...dropUndefined(c),
    };
  }
  return {
    gatewayBaseUrl: fromEnv.gatewayBaseUrl ?? llm.gateway?.base_url,
    gatewayApiKey: fromEnv.gatewayApiKey ?? llm.gateway?.api_key,
    providers,
    customProviders: Object.fromEntries(
      Object.entries(llm.custom_providers ?? {}).map(([name, c]) => [
        name,
        {
          baseUrl: c.base_url,
          apiKey: c.api_key,
          apiKeyVariable: c.api_key_variable,
          headers: c.headers,
          supportsStructuredOutputs: c.supports_structured_outputs,
        },
      ]),
    ),
    models: (llm.models ?? []).map((m) => ({
      ...m,
      pricing:
        m.pricing === undefined
          ? undefined
          : m.pricing && { ...m.pricing, cached_input: m.pricing.cached_input ?? null },
    })),
  };
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
