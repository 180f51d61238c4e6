import type { PiiDetectionPool } from '@openframer/core';
import { type DatabaseHandle, pingDatabase } from '../db/index.js';
import type { JobRunner, JobRunnerStats } from '../jobs/runner.js';

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  uptime_seconds: number;
  database: { status: 'ok' | 'error'; dialect: string; latency_ms: number | null; error?: string };
  jobs: (JobRunnerStats & { status: 'ok' | 'error' }) | { status: 'error'; error: string };
  blobs: { kind: string };
  /** Detection threads: how many runs may use (0: detection in the job's thread) and how many are up now. */
  anonymization: { detection_threads: number; running_threads: number };
}

export class HealthService {
  private readonly startedAt = Date.now();

  constructor(
    private readonly database: DatabaseHandle,
    private readonly jobs: JobRunner,
    private readonly blobKind: string,
    private readonly version: string,
    private readonly detectionPool?: PiiDetectionPool,
  ) {}

  async check(): Promise<HealthReport> {
    const started = performance.now();
    let database: HealthReport['database'];
    try {
      await pingDatabase(this.database.db);
      database = {
        status: 'ok',
        dialect: this.database.dialect,
        latency_ms: round(performance.now() - started),
      };
    } catch (err) {
      database = { status: 'error', dialect: this.database.dialect, latency_ms: null, error: message(err) };
    }
    let jobs: HealthReport['jobs'];
    try {
      const stats = await this.jobs.stats();
      jobs = { ...stats, status: stats.state === 'running' ? 'ok' : 'error' };
    } catch (err) {
      jobs = { status: 'error', error: message(err) };
    }
    const healthy = database.status === 'ok' && jobs.status === 'ok';
    return {
      status: healthy ? 'ok' : 'degraded',
      version: this.version,
      uptime_seconds: Math.round((Date.now() - this.startedAt) / 1000),
      database,
      jobs,
      blobs: { kind: this.blobKind },
      anonymization: {
        detection_threads: this.detectionPool?.size ?? 0,
        running_threads: this.detectionPool?.threads ?? 0,
      },
    };
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
