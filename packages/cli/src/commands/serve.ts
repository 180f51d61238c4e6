import { Command } from 'commander';
import { UsageError } from '../exit-codes.js';

export function serveCommand(): Command {
  return new Command('serve')
    .description(
      'Run the API server (SQLite and local files under ./.openframer unless configured otherwise)',
    )
    .option('--host <host>', 'address to listen on (OPENFRAMER_HOST, default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (OPENFRAMER_PORT, default 8000)')
    .option('--data-dir <dir>', 'where the SQLite file and blobs live (OPENFRAMER_DATA_DIR)')
    .addHelpText(
      'after',
      '\nExamples:\n  openframer serve\n  OPENFRAMER_DATABASE_URL=postgres://localhost/openframer openframer serve --port 9000',
    )
    .action(async (opts: { host?: string; port?: string; dataDir?: string }) => {
      // Loaded here so API commands do not pay for loading the server.
      const { ConfigError, loadConfig, startServer } = await import('@openframer/server');
      const env = { ...process.env };
      if (opts.host) env.OPENFRAMER_HOST = opts.host;
      if (opts.port) env.OPENFRAMER_PORT = opts.port;
      if (opts.dataDir) env.OPENFRAMER_DATA_DIR = opts.dataDir;
      let config: ReturnType<typeof loadConfig>;
      try {
        config = loadConfig(env);
      } catch (err) {
        if (err instanceof ConfigError) throw new UsageError(err.message);
        throw err;
      }
      const server = await startServer(config);
      server.app.log.info(
        `OpenFramer listening on ${server.url} (data in ${config.dataDir}, API docs at ${server.url}/api/docs/)`,
      );
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: string) => {
          if (stopping) return;
          stopping = true;
          server.app.log.info(`${signal} received: finishing requests and jobs, then stopping`);
          server.close().then(resolve, (err) => {
            server.app.log.error({ err }, 'shutdown failed');
            resolve();
          });
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
    });
}
