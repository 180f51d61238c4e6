import Dataframer, { DataframerError } from '@openframer/sdk';
import { type Command, InvalidArgumentError } from 'commander';
import { UsageError } from './exit-codes.js';

/** The options every API command accepts (declared once on the program). */
export interface GlobalOptions {
  baseUrl?: string;
  apiKey?: string;
  json?: boolean;
}

export interface Session {
  client: Dataframer;
  json: boolean;
  /** Fires on Ctrl-C: commands stop waiting and the CLI exits 130 (the server keeps working). */
  signal: AbortSignal;
  /** Writes the machine-readable result (--json) or the lines for people. */
  out: Output;
}

export interface Output {
  json: boolean;
  /** Prints `value` as JSON with --json, else calls `human` to print for people. */
  result(value: unknown, human: () => void): void;
  line(text?: string): void;
  /** Notes for people: always on stderr, so stdout stays clean for pipes and --json. */
  note(text: string): void;
}

export function globalOptions(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

let jsonOutput = false;

/** Whether this invocation asked for --json (so a failure can still print the final object). */
export function jsonRequested(): boolean {
  return jsonOutput;
}

export function output(json: boolean): Output {
  jsonOutput = json;
  return {
    json,
    result(value, human) {
      if (json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      else human();
    },
    line(text = '') {
      process.stdout.write(`${text}\n`);
    },
    note(text) {
      process.stderr.write(`${text}\n`);
    },
  };
}

let interrupt: AbortController | undefined;

/** One AbortSignal for the process, fired by the first Ctrl-C; a second Ctrl-C exits at once. */
export function interruptSignal(): AbortSignal {
  if (!interrupt) {
    const controller = new AbortController();
    interrupt = controller;
    process.on('SIGINT', () => {
      if (controller.signal.aborted) process.exit(130);
      controller.abort();
    });
  }
  return interrupt.signal;
}

export function makeClient(
  opts: GlobalOptions,
  overrides: { baseURL?: string; apiKey?: string } = {},
): Dataframer {
  try {
    return new Dataframer({
      apiKey: overrides.apiKey ?? opts.apiKey,
      baseURL: overrides.baseURL ?? opts.baseUrl,
    });
  } catch (err) {
    if (err instanceof DataframerError) {
      throw new UsageError(
        'no API key: pass --api-key, or set OPENFRAMER_API_KEY (or DATAFRAMER_API_KEY); `openframer keys create` makes one',
      );
    }
    throw err;
  }
}

/** What an API command needs: a client from the global options, the output mode and the Ctrl-C signal. */
export function session(cmd: Command): Session {
  const opts = globalOptions(cmd);
  const json = Boolean(opts.json);
  return { client: makeClient(opts), json, signal: interruptSignal(), out: output(json) };
}

/** Option parsers: commander reports what they throw as a usage error naming the option. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer.');
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number.');
  return n;
}
