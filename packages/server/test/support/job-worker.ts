// A process that starts a job and hangs in it, for the kill-and-resume test.
import { openDatabase } from '../../src/db/index.js';
import { LocalJobRunner } from '../../src/jobs/local.js';

const dataDir = process.argv[2]!;
const database = await openDatabase({ databaseUrl: undefined, dataDir });
const runner = new LocalJobRunner(database.db, { concurrency: 1, pollMs: 10 });
runner.register('long-task', async ({ jobId, signal }) => {
  process.stdout.write(`started job ${jobId}\n`);
  await new Promise((resolve) => signal.addEventListener('abort', resolve));
});
await runner.start();
await runner.enqueue('long-task', { rows: 1000 });
// The runner's timers do not hold the process open (a server does); this one waits for the kill.
setInterval(() => {}, 1000);
