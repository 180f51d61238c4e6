import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { createLlmGateway, type LlmGateway, PiiDetectionPool, resolveCatalog } from '@openframer/core';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { requireApiKey } from './auth/plugin.js';
import { AuthService } from './auth/service.js';
import { LocalBlobStore } from './blobs/local.js';
import { UrlSigner } from './blobs/signing.js';
import type { BlobStore } from './blobs/store.js';
import type { ServerConfig } from './config.js';
import type { AppContext } from './context.js';
import { type Database, openDatabase } from './db/index.js';
import { errorHandler } from './errors.js';
import { LocalJobRunner } from './jobs/local.js';
import type { JobRunner } from './jobs/runner.js';
import { loadLlmConfig } from './llm-config.js';
import { anonymizationRoutes } from './routes/anonymization.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { downloadRoutes } from './routes/downloads.js';
import { evaluationRoutes } from './routes/evaluations.js';
import { healthRoutes } from './routes/health.js';
import { modelRoutes } from './routes/models.js';
import { redTeamRoutes } from './routes/red-team.js';
import { runRoutes } from './routes/runs.js';
import { seedDatasetRoutes } from './routes/seed-datasets.js';
import { specRoutes } from './routes/specs.js';
import { webRoutes } from './routes/web.js';
import { SecretBox } from './secrets.js';
import { ANONYMIZATION_JOB, AnonymizationService } from './services/anonymization.js';
import { DatasetService } from './services/datasets.js';
import { EVALUATION_JOB, EvaluationService } from './services/evaluations.js';
import { HealthService } from './services/health.js';
import { HumanLabelService } from './services/human-labels.js';
import { LlmAccounting } from './services/llm-accounting.js';
import { ModelService } from './services/models.js';
import { RED_TEAM_JOB, RedTeamRunService } from './services/red-team-runs.js';
import { RedTeamSpecService } from './services/red-team-specs.js';
import { limitHeapGrowth } from './services/run-heap.js';
import { RunOutputStore } from './services/run-output.js';
import { RunReads } from './services/run-reads.js';
import { RUN_JOB, RunService } from './services/runs.js';
import { SPEC_JOB, SpecService } from './services/specs.js';
import { PostgresSqlExecutor, SqliteSqlExecutor } from './sql/executor.js';
import { VERSION } from './version.js';

export interface RouteSummary {
  method: string;
  url: string;
  /** Internal routes (docs UI assets, the schema itself) that the OpenAPI document leaves out. */
  hidden: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeSummaries: RouteSummary[];
  }
  interface FastifyContextConfig {
    /** JSON Schema of a multipart body, for the OpenAPI document only (parts are validated while streaming). */
    multipartBody?: object;
    /** A 200 that is a file, not JSON: its media types, for the OpenAPI document only. */
    fileResponse?: { description: string; mediaTypes: string[] };
  }
}

/** Builds every service on the configured storage (the composition root). */
export interface ContextOverrides {
  /** A gateway to use instead of the one built from the environment. */
  llm?: LlmGateway;
}

export async function createContext(
  config: ServerConfig,
  env: NodeJS.ProcessEnv = process.env,
  overrides: ContextOverrides = {},
): Promise<AppContext> {
  // A process setting, so it belongs here: generation runs promote most of their garbage, and V8's old
  // generation is kept near its live size (see run-heap.ts).
  limitHeapGrowth();
  const database = await openDatabase(config);
  let blobs: BlobStore | undefined;
  try {
    blobs = await createBlobStore(config);
    const secret = config.secretKey ?? (await signingSecret(database.db));
    const signer = new UrlSigner(
      secret,
      config.publicUrl ?? `http://${hostForUrl(config.host)}:${config.port}`,
    );
    const jobs = await createJobRunner(config, database.db);
    const auth = new AuthService(database.db, config);
    if (config.init) await auth.ensureInitKey(config.init);
    const llmConfig = loadLlmConfig(env);
    const catalog = resolveCatalog(llmConfig);
    const accounting = new LlmAccounting(database.db);
    const llm = overrides.llm ?? createLlmGateway({ config: llmConfig, catalog, onCall: accounting.record });
    const secretBox = new SecretBox(secret);
    const specs = new SpecService(database.db, blobs, jobs, llm, llmConfig, catalog, accounting, secretBox);
    jobs.register(SPEC_JOB, specs.runAnalysisJob);
    const evaluations = new EvaluationService(database.db, blobs, jobs, llm, llmConfig, catalog, accounting);
    jobs.register(EVALUATION_JOB, evaluations.runJob);
    const datasets = new DatasetService(database.db, blobs, signer, join(config.dataDir, 'tmp'));
    const detectionPool =
      config.anonymizationThreads > 0 ? new PiiDetectionPool(config.anonymizationThreads) : undefined;
    const anonymization = new AnonymizationService(
      database.db,
      blobs,
      jobs,
      llm,
      llmConfig,
      catalog,
      accounting,
      secretBox,
      signer,
      datasets,
      detectionPool,
    );
    jobs.register(ANONYMIZATION_JOB, anonymization.runJob);
    const sqlExecutor = config.sqlExecute.url
      ? new PostgresSqlExecutor(config.sqlExecute.url, { timeoutMs: config.sqlExecute.timeoutMs })
      : new SqliteSqlExecutor({ timeoutMs: config.sqlExecute.timeoutMs });
    const runOutput = new RunOutputStore(database.db, blobs);
    const runs = new RunService(
      database.db,
      blobs,
      jobs,
      llm,
      llmConfig,
      catalog,
      accounting,
      secretBox,
      runOutput,
      evaluations,
      sqlExecutor,
    );
    jobs.register(RUN_JOB, runs.runJob);
    const redTeamSpecs = new RedTeamSpecService(database.db);
    const redTeamRuns = new RedTeamRunService(
      database.db,
      jobs,
      llm,
      llmConfig,
      catalog,
      accounting,
      secretBox,
      redTeamSpecs,
    );
    jobs.register(RED_TEAM_JOB, redTeamRuns.runJob);
    return {
      config,
      database,
      blobs,
      signer,
      jobs,
      llm,
      llmConfig,
      accounting,
      sqlExecutor,
      detectionPool,
      services: {
        specs,
        runs,
        evaluations,
        humanLabels: new HumanLabelService(database.db),
        runReads: new RunReads(database.db, runs, runOutput, signer),
        auth,
        datasets,
        anonymization,
        redTeamSpecs,
        redTeamRuns,
        health: new HealthService(database, jobs, blobs.kind, VERSION, detectionPool),
        models: new ModelService(llmConfig, catalog),
      },
    };
  } catch (err) {
    await blobs?.close?.();
    await database.close();
    throw err;
  }
}

/** Files under the data dir, or an S3-compatible bucket when OPENFRAMER_S3_BUCKET is set (checked now). */
async function createBlobStore(config: ServerConfig): Promise<BlobStore> {
  if (!config.s3) return new LocalBlobStore(config.dataDir);
  // Loaded only when configured: the AWS SDK adds ~26 MB to every process that imports it.
  const { S3BlobStore } = await import('./blobs/s3.js');
  const store = new S3BlobStore(config.s3);
  try {
    await store.verify();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

/** The in-process runner, or BullMQ dispatch across instances when OPENFRAMER_REDIS_URL is set. */
async function createJobRunner(config: ServerConfig, db: Kysely<Database>): Promise<JobRunner> {
  if (!config.redisUrl) return new LocalJobRunner(db, { concurrency: config.jobConcurrency });
  // Loaded only when configured, like the S3 store (BullMQ and ioredis: ~25 MB).
  const { BullMqJobRunner } = await import('./jobs/bullmq.js');
  return new BullMqJobRunner(db, {
    concurrency: config.jobConcurrency,
    redisUrl: config.redisUrl,
    prefix: config.redisPrefix,
  });
}

/** The signing secret is made once and kept in the database, so every instance signs alike. */
async function signingSecret(db: Kysely<Database>): Promise<string> {
  const candidate = randomBytes(32).toString('base64url');
  await db
    .insertInto('settings')
    .values({ key: 'url_signing_secret', value: candidate })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', 'url_signing_secret')
    .executeTakeFirstOrThrow();
  return row.value;
}

export const hostForUrl = (host: string) =>
  host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

export async function buildApp(
  ctx: AppContext,
  options: { logger?: boolean | object } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? { level: ctx.config.logLevel, redact: ['req.headers.authorization'] },
    // DataFramer paths end in "/"; clients that drop it reach the same route.
    routerOptions: { ignoreTrailingSlash: true },
    bodyLimit: 1024 * 1024,
  });
  const routes: RouteSummary[] = [];
  app.decorate('routeSummaries', routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const hidden =
      Boolean((route.schema as { hide?: boolean } | undefined)?.hide) || route.url.startsWith('/api/docs');
    for (const method of methods)
      if (!['HEAD', 'OPTIONS'].includes(method)) routes.push({ method, url: route.url, hidden });
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ detail: `Not found: ${req.method} ${req.url.split('?')[0]}` }),
  );

  await app.register(multipart, {
    limits: {
      // Our own per-type limits apply while streaming; these are outer bounds against abuse.
      fileSize: 64 * 1024 * 1024,
      files: 1001,
      fields: 2100,
      fieldSize: 1024 * 1024,
      parts: 3200,
    },
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'OpenFramer API',
        version: VERSION,
        description:
          'DataFramer-compatible REST API for synthetic data: seed datasets, specs, runs, evaluations.',
        license: { name: 'Apache-2.0' },
      },
      components: {
        securitySchemes: { BearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'API Key' } },
      },
      security: [{ BearerAuth: [] }],
    },
    transform: (args) => {
      const out = jsonSchemaTransform(args);
      const multipartBody = (args.route.config as { multipartBody?: object } | undefined)?.multipartBody;
      if (multipartBody) (out.schema as Record<string, unknown>).body = multipartBody;
      const file = (args.route.config as { fileResponse?: { description: string; mediaTypes: string[] } })
        ?.fileResponse;
      if (file) {
        const response = (out.schema as { response?: Record<string, unknown> }).response ?? {};
        response['200'] = {
          description: file.description,
          content: Object.fromEntries(file.mediaTypes.map((t) => [t, { schema: { type: 'string' } }])),
        };
      }
      return out;
    },
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/schema/', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes(ctx));
  await app.register(downloadRoutes(ctx));
  await app.register(async (authed) => {
    requireApiKey(authed, ctx.services.auth);
    await authed.register(modelRoutes(ctx));
    await authed.register(apiKeyRoutes(ctx));
    await authed.register(seedDatasetRoutes(ctx));
    await authed.register(specRoutes(ctx));
    await authed.register(runRoutes(ctx));
    await authed.register(evaluationRoutes(ctx.services));
    await authed.register(anonymizationRoutes(ctx.services));
    await authed.register(redTeamRoutes(ctx.services));
  });
  await app.register(webRoutes(ctx.config));
  return app;
}
