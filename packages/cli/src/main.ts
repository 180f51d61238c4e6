import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  DataframerError,
  JobFailedError,
} from '@openframer/sdk';
import { Command, CommanderError, Option } from 'commander';
import { anonymizeCommand } from './commands/anonymize.js';
import { datasetsCommand } from './commands/datasets.js';
import { evaluationsCommand } from './commands/evaluations.js';
import { generateCommand } from './commands/generate.js';
import { keysCommand } from './commands/keys.js';
import { modelsCommand } from './commands/models.js';
import { redTeamCommand } from './commands/red-team.js';
import { runsCommand } from './commands/runs.js';
import { serveCommand } from './commands/serve.js';
import { specsCommand } from './commands/specs.js';
import { EXIT, UsageError } from './exit-codes.js';
import { jsonRequested } from './session.js';

const EXIT_HELP = `
Environment:
  OPENFRAMER_BASE_URL, DATAFRAMER_BASE_URL   server (default http://127.0.0.1:8000)
  OPENFRAMER_API_KEY, DATAFRAMER_API_KEY     API key

Exit codes:
  0 ok, 1 unexpected error or server unreachable, 2 usage, 3 the API answered with an error,
  4 a job ended FAILED or CANCELED, 130 interrupted

Quick start (no server, no keys):
  openframer generate examples/insurance-claims.csv -n 200 -o out/
`;

export function buildProgram(): Command {
  const program = new Command('openframer')
    .description('OpenFramer: synthetic data from a few real examples (DataFramer-compatible)')
    .version('0.1.0')
    .addOption(new Option('--base-url <url>', 'server URL (OPENFRAMER_BASE_URL / DATAFRAMER_BASE_URL)'))
    .addOption(new Option('--api-key <key>', 'API key (OPENFRAMER_API_KEY / DATAFRAMER_API_KEY)'))
    .option('--json', 'print machine-readable JSON on stdout')
    .showHelpAfterError()
    .addHelpText('after', EXIT_HELP)
    .exitOverride();
  for (const command of [
    serveCommand(),
    keysCommand(),
    datasetsCommand(),
    specsCommand(),
    runsCommand(),
    evaluationsCommand(),
    anonymizeCommand(),
    redTeamCommand(),
    modelsCommand(),
    generateCommand(),
  ]) {
    program.addCommand(command);
  }
  // Subcommands stop on usage errors too instead of exiting the process, so `main` maps them to exit 2.
  const exitOverride = (cmd: Command) => {
    cmd.exitOverride();
    if (cmd !== program)
      cmd.showHelpAfterError(`(run \`${commandPath(cmd)} --help\` for usage and examples)`);
    cmd.commands.forEach(exitOverride);
  };
  exitOverride(program);
  return program;
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Runs the CLI and returns the process exit code (see exit-codes.ts). */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    return report(err);
  }
}

/** Prints an error for a person on stderr and picks the exit code for scripts. */
export function report(err: unknown): number {
  const say = (text: string) => process.stderr.write(`${text}\n`);
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (err instanceof UsageError) {
    say(`error: ${err.message}`);
    return EXIT.usage;
  }
  if (err instanceof JobFailedError) {
    // Scripts asked for JSON: they get the final object too, to read its counters and error.
    if (jsonRequested()) process.stdout.write(`${JSON.stringify(err.job, null, 2)}\n`);
    say(`error: ${err.message}`);
    return EXIT.jobFailed;
  }
  if (err instanceof APIUserAbortError) {
    say('interrupted');
    return 130;
  }
  if (err instanceof APIConnectionError) {
    say(`error: ${err.message}`);
    if (!(err instanceof APIConnectionTimeoutError)) {
      say('  is the server running? Start one with `openframer serve`, or pass --base-url');
    }
    return EXIT.failure;
  }
  if (err instanceof APIError) {
    say(`error: ${err.detail ?? err.message}${err.status ? ` (HTTP ${err.status})` : ''}`);
    for (const [field, problems] of Object.entries(err.errors ?? {})) {
      for (const problem of problems) if (problem !== err.detail) say(`  ${field}: ${problem}`);
    }
    return EXIT.api;
  }
  if (err instanceof DataframerError) {
    say(`error: ${err.message}`);
    return EXIT.failure;
  }
  say(`error: ${err instanceof Error ? err.message : String(err)}`);
  return EXIT.failure;
}
