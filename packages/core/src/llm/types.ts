import type { z } from 'zod';

/** Tokens of one call. `thinkingTokens` are part of output on most providers; kept apart for reporting. */
export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  thinkingTokens: number;
}

export type LlmCallOutcome =
  | 'ok'
  | 'invalid_output'
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  | 'aborted'
  | 'error';

/** One HTTP round trip to a provider, reported to `onCall` so jobs can store and sum them. */
export interface LlmCallRecord {
  model: string;
  provider: string;
  /** Pipeline stage: spec, generation, outline, revision, evaluation, ... */
  stage: string;
  attempt: number;
  outcome: LlmCallOutcome;
  usage: LlmUsage;
  costUsd: number;
  latencyMs: number;
  error?: string;
  /** Where the call went: `gateway`, the provider, `custom:<name>` or `databricks@<host>`. */
  route?: string;
  /** The provider's HTTP status for a failed call, when it sent one. */
  status?: number;
  /** The request's `tag`, when it had one. */
  tag?: unknown;
}

export interface LlmMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** Databricks models take the caller's own credentials (DataFramer passes them per request). */
export interface DatabricksCredentials {
  clientId: string;
  clientSecret: string;
  apiBase: string;
}

/** A function the model may call while it writes (native tool calling, run by the gateway). */
export interface LlmTool<I = unknown> {
  description: string;
  inputSchema: z.ZodType<I>;
  /**
   * The answer the model reads. A thrown error is shown to the model as the answer (so it can correct its
   * input), not raised to the caller.
   */
  execute(input: I, options: { signal?: AbortSignal }): Promise<string>;
}

export interface LlmRequest {
  /** A catalog id, e.g. `anthropic/claude-sonnet-4-6` or `...-thinking`. */
  model: string;
  stage: string;
  /**
   * Stable instructions first (they form the cacheable prefix), then the variable part in `messages`.
   */
  system?: string;
  messages: LlmMessage[];
  /** Thinking budget in tokens for a `-thinking` model; ignored otherwise. */
  thinkingBudget?: number | null;
  maxOutputTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
  credentials?: { databricks?: DatabricksCredentials };
  /** The caller's own data, copied to every `LlmCallRecord` of this request (e.g. whom to charge). */
  tag?: unknown;
  /** Tools the model may call; the gateway runs them and sends their answers back. */
  // biome-ignore lint/suspicious/noExplicitAny: each tool has its own input type
  tools?: Record<string, LlmTool<any>>;
  /** Rounds of tool calls allowed before the model must answer (default 4). */
  maxToolSteps?: number;
}

export interface StructuredRequest<T> extends LlmRequest {
  schema: z.ZodType<T>;
  /** Name given to the JSON Schema sent to the provider (letters, digits, `_`). */
  schemaName: string;
}

export interface LlmResult {
  usage: LlmUsage;
  costUsd: number;
  /** HTTP round trips this result took, retries included. */
  calls: number;
}

/** The one door to language models for every pipeline. */
export interface LlmGateway {
  /** JSON that matches `schema`; an invalid reply is retried with the validation error quoted. */
  generateObject<T>(request: StructuredRequest<T>): Promise<LlmResult & { object: T }>;
  generateText(request: LlmRequest): Promise<LlmResult & { text: string }>;
}
