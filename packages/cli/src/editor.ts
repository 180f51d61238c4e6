import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { UsageError } from './exit-codes.js';

/** $VISUAL, then $EDITOR, then the platform's usual editor. */
export function editorCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.VISUAL?.trim() || env.EDITOR?.trim() || (process.platform === 'win32' ? 'notepad' : 'vi');
}

/**
 * Opens `file` in the editor and waits for it to exit. The editor setting may carry arguments
 * (`code --wait`), so it goes through the shell, with the file passed as a separate argument.
 */
export async function openEditor(file: string, editor = editorCommand()): Promise<void> {
  const child =
    process.platform === 'win32'
      ? spawn(`${editor} "${file}"`, { shell: true, stdio: 'inherit' })
      : spawn('/bin/sh', ['-c', `${editor} "$1"`, 'editor', file], { stdio: 'inherit' });
  const [code, signal] = (await Promise.race([
    once(child, 'exit'),
    once(child, 'error').then(([err]) => {
      throw new UsageError(`cannot start the editor "${editor}": ${(err as Error).message}`);
    }),
  ])) as [number | null, NodeJS.Signals | null];
  if (code !== 0) {
    throw new UsageError(
      `the editor "${editor}" exited with ${signal ?? `code ${code}`}; nothing was saved (set $EDITOR to change editors)`,
    );
  }
}

const MARK_START = '# ---- openframer: the server refused this version ----';
const MARK_END = '# ---- fix the spec above and save, or quit without changes to give up ----';

/**
 * The server's complaint, appended as YAML comments. It goes at the end so the line numbers in the
 * message still point at the right lines above it.
 */
export function withProblem(yaml: string, problem: string): string {
  const lines = problem.split('\n').map((l) => `# ${l}`.trimEnd());
  return `${yaml.replace(/\n*$/, '\n')}\n${MARK_START}\n${lines.join('\n')}\n${MARK_END}\n`;
}

/** The YAML without a complaint block added by `withProblem`. */
export function withoutProblem(text: string): string {
  const start = text.indexOf(`\n${MARK_START}\n`);
  if (start === -1) return text;
  const end = text.indexOf(MARK_END, start);
  const after = end === -1 ? '' : text.slice(end + MARK_END.length).replace(/^\n/, '');
  return `${text.slice(0, start).replace(/\n*$/, '\n')}${after}`;
}
