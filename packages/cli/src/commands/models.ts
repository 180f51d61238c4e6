import { Command } from 'commander';
import { table } from '../format.js';
import { session } from '../session.js';

export function modelsCommand(): Command {
  return new Command('models')
    .description('List the models the server knows, and which it can call')
    .option('--available', 'only the models this server can call now')
    .addHelpText(
      'after',
      `
A model is available when the server has its provider's key (or it runs offline, like
openframer/statistical). REQUIRES says what to configure otherwise.

Examples:
  openframer models --available
  openframer --json models | jq -r '.models[] | select(.available) | .id'`,
    )
    .action(async (opts: { available?: boolean }, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      const { models } = await client.dataframer.models.list({ signal });
      const shown = opts.available ? models.filter((m) => m.available) : models;
      out.result({ models: shown }, () =>
        out.line(
          table(
            shown.map((m) => ({
              ...m,
              stages: m.supported_for.join(','),
              available: m.available ? 'yes' : 'no',
            })),
            ['id', 'provider', 'stages', 'available', 'requires'],
          ),
        ),
      );
    });
}
