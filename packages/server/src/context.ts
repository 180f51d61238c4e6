import type { LlmConfig, LlmGateway, PiiDetectionPool, SqlExecutor } from '@openframer/core';
import type { AuthService } from './auth/service.js';
import type { UrlSigner } from './blobs/signing.js';
import type { BlobStore } from './blobs/store.js';
import type { ServerConfig } from './config.js';
import type { DatabaseHandle } from './db/index.js';
import type { JobRunner } from './jobs/runner.js';
import type { AnonymizationService } from './services/anonymization.js';
import type { DatasetService } from './services/datasets.js';
import type { EvaluationService } from './services/evaluations.js';
import type { HealthService } from './services/health.js';
import type { HumanLabelService } from './services/human-labels.js';
import type { LlmAccounting } from './services/llm-accounting.js';
import type { ModelService } from './services/models.js';
import type { RedTeamRunService } from './services/red-team-runs.js';
import type { RedTeamSpecService } from './services/red-team-specs.js';
import type { RunReads } from './services/run-reads.js';
import type { RunService } from './services/runs.js';
import type { SpecService } from './services/specs.js';

/** Everything a route needs, built once at start (the composition root is `createContext`). */
export interface AppContext {
  config: ServerConfig;
  database: DatabaseHandle;
  blobs: BlobStore;
  signer: UrlSigner;
  jobs: JobRunner;
  llm: LlmGateway;
  llmConfig: LlmConfig;
  accounting: LlmAccounting;
  /** Runs generated SQL (`syntax+schema+execute`, the `sql_execute` tool); closed with the app. */
  sqlExecutor: SqlExecutor & { close(): Promise<void> };
  /** Anonymization's detection threads (none when OPENFRAMER_ANONYMIZATION_THREADS is 0); closed with the app. */
  detectionPool: PiiDetectionPool | undefined;
  services: {
    auth: AuthService;
    datasets: DatasetService;
    health: HealthService;
    models: ModelService;
    specs: SpecService;
    runs: RunService;
    runReads: RunReads;
    evaluations: EvaluationService;
    anonymization: AnonymizationService;
    humanLabels: HumanLabelService;
    redTeamSpecs: RedTeamSpecService;
    redTeamRuns: RedTeamRunService;
  };
}
