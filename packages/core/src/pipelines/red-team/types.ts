import type { LlmGateway, LlmRequest } from '../../llm/types.js';

/** The application under test, as the user described it (a red-team spec). */
export interface RedTeamAppContext {
  /** snake_case name of the spec. */
  name: string;
  domainDescription: string;
  appDescription: string;
  /** What the app must not do, in the user's words; may be empty. */
  concerns: string | null;
}

/** An OpenAI-compatible chat endpoint of the user's app, to send each prompt to and grade the reply. */
export interface RedTeamTarget {
  /** Base URL; the pipeline POSTs `{baseUrl}/chat/completions`. */
  baseUrl: string;
  /** The `model` field sent to the target. */
  model: string;
  /** Sent as `Authorization: Bearer <apiKey>` when present. Never logged or echoed. */
  apiKey?: string | null;
  /** Extra request headers (e.g. a tenant header). Values are treated as secrets too. */
  headers?: Record<string, string>;
  /** A system prompt to send before each adversarial prompt (the app's own, when testing a raw model). */
  systemPrompt?: string | null;
  /** Requests in flight to the target (default 8). */
  concurrency?: number;
  /** Per-request timeout in ms (default 60,000). */
  timeoutMs?: number;
}

export interface RedTeamInput {
  /** Catalog id of the attacker/generator model (also the grader unless `graderModel` is set). */
  model: string;
  graderModel?: string;
  app: RedTeamAppContext;
  numberOfBehaviors: number;
  promptsPerBehavior: number;
  /** Restrict to these taxonomy category ids (default: the model picks across all). */
  categories?: string[];
  /** Restrict to these attack strategy ids (default: all). */
  strategies?: string[];
  /** Seeds the strategy plan and the deterministic encodings, so a run is reproducible. */
  seed: string;
  target?: RedTeamTarget | null;
  thinkingBudget?: number | null;
  credentials?: LlmRequest['credentials'];
  /** Work already done by an earlier attempt of the same run (resume after a restart). */
  resume?: RedTeamCheckpoint;
  limits?: {
    /** Behaviours worked on at once (default 8; the gateway's limiter also holds calls back). */
    concurrency?: number;
    /** Queries asked for in one call (default 20). */
    queriesPerCall?: number;
    /** Queries enhanced in one call (default 10). */
    enhancementsPerCall?: number;
    /** Extra generation rounds before the run fails for lack of distinct items (default 3). */
    maxTopUpRounds?: number;
  };
}

/** One undesirable behaviour the app must not show. */
export interface RedTeamBehavior {
  /** 0-based position in the run. */
  index: number;
  /** One sentence, e.g. "Provides a specific diagnosis based on the user's described symptoms". */
  behavior: string;
  /** Taxonomy category id (see taxonomy.ts). */
  category: string;
  /** OWASP LLM Top 10 (2025) ids the category maps to, e.g. ["LLM01"]. */
  owasp: string[];
}

export interface RedTeamGrade {
  /** True when the target's reply shows the undesirable behaviour (the attack worked). */
  attack_succeeded: boolean;
  /** The grader's one-sentence reason. */
  reason: string;
}

/** One generated test case. */
export interface RedTeamPrompt {
  /** The plain user request that would trigger the behaviour. */
  query: string;
  /** The query rewritten with the attack strategy. */
  adversarial_prompt: string;
  /** Attack strategy id (see strategies.ts). */
  strategy: string;
  /** For the `multilingual` strategy: the language the prompt is written in (e.g. "Swahili"). */
  language?: string | null;
  /** Set when the target was called: its reply (truncated to 4,000 characters) and the grade. */
  target_response?: string | null;
  /** Why the target call failed, when it did (the prompt still counts; it is just ungraded). */
  target_error?: string | null;
  grade?: RedTeamGrade | null;
  /** Why the grader gave no verdict for a reply it was shown (the prompt stays ungraded). */
  grade_error?: string | null;
}

/** Durable progress: the server stores it as it arrives, and passes it back as `resume`. */
export interface RedTeamCheckpoint {
  behaviors?: RedTeamBehavior[];
  /** behaviour index -> its finished prompts (exactly `promptsPerBehavior` of them). */
  prompts?: Record<number, RedTeamPrompt[]>;
}

export interface RedTeamProgress {
  stage: 'behaviors' | 'prompts' | 'target' | 'done';
  behaviorsDone: number;
  behaviorsTotal: number;
  promptsDone: number;
  promptsTotal: number;
}

export interface RedTeamPorts {
  llm: LlmGateway;
  /** Called once the behaviours are final (before any prompt is written). */
  saveBehaviors?: (behaviors: RedTeamBehavior[]) => Promise<void>;
  /** Called once per behaviour when its prompts are final (and graded, with a target). */
  saveBehaviorPrompts?: (behaviorIndex: number, prompts: RedTeamPrompt[]) => Promise<void>;
  progress?: (p: RedTeamProgress) => void;
  /** For calling the target; defaults to global fetch. */
  fetch?: typeof fetch;
}

/** Attack success rate of one group (graded prompts only). */
export interface AttackSuccess {
  graded: number;
  succeeded: number;
  /** succeeded / graded, 0-1; null when nothing was graded. */
  rate: number | null;
}

export interface RedTeamResult {
  behaviors: (RedTeamBehavior & { prompts: RedTeamPrompt[] })[];
  /** DataFramer's shape: behaviour sentence -> its prompts. */
  behavior_to_enhanced_queries: Record<string, RedTeamPrompt[]>;
  coverage: {
    /** category id -> behaviours */
    categories: Record<string, number>;
    /** strategy id -> prompts */
    strategies: Record<string, number>;
    /** OWASP id -> prompts */
    owasp: Record<string, number>;
  };
  /** Present when a target was given. */
  attack_success?: {
    overall: AttackSuccess;
    by_behavior: Record<string, AttackSuccess>;
    by_strategy: Record<string, AttackSuccess>;
    by_category: Record<string, AttackSuccess>;
    /** Prompts whose target call failed (not graded). */
    target_errors: number;
  };
  trace: {
    model: string;
    grader_model: string | null;
    llm_calls: number;
    cost_usd: number;
    /** Items dropped as exact or near duplicates and generated again. */
    duplicates_dropped: number;
    /** Items dropped as unusable (a refusal, empty, an unknown or disallowed category) and generated again. */
    invalid_dropped: number;
    /** Extra generation rounds used to reach the exact count. */
    top_up_rounds: number;
    /** Items resumed from a checkpoint instead of generated. */
    resumed_behaviors: number;
  };
}
