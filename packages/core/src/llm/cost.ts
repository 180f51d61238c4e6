import type { LanguageModelV3Usage } from '@ai-sdk/provider';
import type { LanguageModelUsage } from 'ai';
import type { ModelPricing } from './catalog.js';
import type { LlmUsage } from './types.js';

export const ZERO_USAGE: Readonly<LlmUsage> = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  thinkingTokens: 0,
});

/**
 * US dollars for one call. Cached input is billed at the cached price (the input price when the catalog
 * has none); thinking tokens are already inside `outputTokens` on every provider, so they are not added.
 * Models without a price (Databricks bills in DBUs) cost 0 here.
 */
export function costOf(model: { pricing: ModelPricing | null }, usage: LlmUsage): number {
  const price = model.pricing;
  if (!price) return 0;
  const cached = Math.min(usage.cachedInputTokens, usage.inputTokens);
  const uncached = usage.inputTokens - cached;
  return (
    (uncached * price.input +
      cached * (price.cached_input ?? price.input) +
      usage.outputTokens * price.output) /
    1e6
  );
}

/** The AI SDK's usage, in our shape; missing counts (some servers report none) become 0. */
export function usageFromSdk(usage: LanguageModelUsage | undefined): LlmUsage {
  if (!usage) return { ...ZERO_USAGE };
  return {
    inputTokens: usage.inputTokens ?? 0,
    outputTokens: usage.outputTokens ?? 0,
    cachedInputTokens: usage.inputTokenDetails?.cacheReadTokens ?? usage.cachedInputTokens ?? 0,
    thinkingTokens: usage.outputTokenDetails?.reasoningTokens ?? usage.reasoningTokens ?? 0,
  };
}

export function addUsage(a: LlmUsage, b: LlmUsage): LlmUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    thinkingTokens: a.thinkingTokens + b.thinkingTokens,
  };
}

/** A provider model's own usage report (what `generateText` turns into `LanguageModelUsage`), in our shape. */
export function usageFromV3(usage: LanguageModelV3Usage | undefined): LlmUsage {
  if (!usage) return { ...ZERO_USAGE };
  return {
    inputTokens: usage.inputTokens?.total ?? 0,
    outputTokens: usage.outputTokens?.total ?? 0,
    cachedInputTokens: usage.inputTokens?.cacheRead ?? 0,
    thinkingTokens: usage.outputTokens?.reasoning ?? 0,
  };
}
