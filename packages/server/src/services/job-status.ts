/**
 * After asking a job to stop: polls its resource's status until it is one of `terminal` (the job stopped
 * and kept what it made) or `timeoutMs` passes, so a cancel request can answer with the final state.
 */
export async function waitForTerminalStatus(
  readStatus: () => Promise<string>,
  terminal: readonly string[],
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!terminal.includes(await readStatus()) && Date.now() <= deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
}
