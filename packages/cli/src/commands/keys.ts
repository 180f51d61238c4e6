import { AuthService, ConfigError, loadConfig, openDatabase } from '@openframer/server';
import { Command } from 'commander';
import { UsageError } from '../exit-codes.js';

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
  return keys;
}
