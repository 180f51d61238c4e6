import type { FastifyInstance } from 'fastify';
import { buildApp, createContext, hostForUrl } from './app.js';
import type { ServerConfig } from './config.js';
import type { AppContext } from './context.js';

export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  url: string;
  close(): Promise<void>;
}

/** Starts the API and the job runner; `close` stops taking requests, drains jobs and closes the database. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const ctx = await createContext(config);
  const app = await buildApp(ctx);
  try {
    await ctx.jobs.start();
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await ctx.jobs.stop(0);
    await app.close();
    await ctx.sqlExecutor.close();
    await ctx.detectionPool?.close();
    await ctx.database.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${hostForUrl(config.host)}:${port}`;
  if (!config.publicUrl) ctx.signer.baseUrl = url;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await app.close();
      await ctx.jobs.stop();
      await ctx.sqlExecutor.close();
      await ctx.detectionPool?.close();
      await ctx.database.close();
    })();
    return closing;
  };
  return { app, ctx, url, close };
}
