import { Command, CommanderError } from 'commander';
import { keysCommand } from './commands/keys.js';
import { serveCommand } from './commands/serve.js';
import { EXIT, UsageError } from './exit-codes.js';

export function buildProgram(): Command {
  const program = new Command('openframer')
    .description('OpenFramer: synthetic data from a few real examples (DataFramer-compatible)')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(serveCommand());
  program.addCommand(keysCommand());
  return program;
}

/** Runs the CLI and returns the process exit code (see exit-codes.ts). */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failure;
  }
}
