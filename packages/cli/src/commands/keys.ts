import { Command } from 'commander';
import { UsageError } from '../exit-codes.js';
import { session } from '../session.js';

export function keysCommand(): Command {
  const keys = new Command('keys').description('Manage API keys');
  keys
    .command('create')
    .description(
      'Create a company and user if absent, and print a new API key for the user (alone on stdout)',
    )
    .requiredOption('--company <name>', 'company name')
    .requiredOption('--email <email>', 'user email')
    .addHelpText(
      'after',
      "\nWorks on the server's database directly (same OPENFRAMER_* variables as `serve`).\n\nExample:\n  export DATAFRAMER_API_KEY=$(openframer keys create --company Acme --email ana@acme.test)\n",
    )
    .action(async (opts: { company: string; email: string }) => {
      // Loaded here so API commands do not pay for loading the server.
      const { AuthService, ConfigError, loadConfig, openDatabase } = await import('@openframer/server');
      let config: ReturnType<typeof loadConfig>;
      try {
        config = loadConfig(process.env);
      } catch (err) {
        if (err instanceof ConfigError) throw new UsageError(err.message);
        throw err;
      }
      const database = await openDatabase(config);
      try {
        const auth = new AuthService(database.db, config);
        const issued = await auth.createKey({ company: opts.company, email: opts.email, origin: 'cli' });
        process.stdout.write(`${issued.api_key}\n`);
      } finally {
        await database.close();
      }
    });

  keys
    .command('rotate')
    .description(
      'Issue a new key for yourself and revoke the one used for the call (prints the new key alone)',
    )
    .addHelpText(
      'after',
      '\nThe old key stops working at once. At most 5 rotations per hour per IP address.\n\nExamples:\n  export OPENFRAMER_API_KEY=$(openframer keys rotate)\n  openframer --json keys rotate',
    )
    .action(async (_opts: object, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      // Never retried: a retry after a lost answer would fail with the key just revoked.
      const rotated = await client.apiKeys.rotate({ signal, maxRetries: 0 });
      out.result(rotated, () => {
        out.line(rotated.api_key);
        out.note(`new key ${rotated.masked_key}, expires ${rotated.expires_at}; the old key is revoked`);
      });
    });
  return keys;
}
