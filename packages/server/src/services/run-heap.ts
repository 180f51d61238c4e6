import { setFlagsFromString } from 'node:v8';

/** How much the old generation may grow past its live size before the next full collection, in percent. */
export const HEAP_GROWING_PERCENT = 30;

let applied = false;

/**
 * A soft target for V8's old generation: after each full collection the next one comes once the heap has
 * grown by `HEAP_GROWING_PERCENT` of what survived, instead of V8's own factor, which is up to 4x on any
 * machine with a heap limit of 2 GB or more (16 GB of RAM and up). A generation run promotes most of its
 * garbage (each sample's state lives through the provider's latency), so with V8's factor a server whose
 * live heap is ~60 MB reached ~250 MB of old space between collections, and ~450 MB RSS at 20,000 samples.
 * This is not a cap: the heap still grows as far as the live data needs (the limit stays at V8's default).
 * It costs more frequent full collections, which mark only live data (15-100 ms each at ~60 MB live, about
 * one every 2 s during a fast run); a workload with a much larger live heap collects more often than V8
 * would choose, in proportion to what it promotes. 50% peaked at 282-298 MB in bench/runs.ts, 30% at 285.
 *
 * Skipped when the process was started with its own `--heap-growing-percent` (command line or NODE_OPTIONS).
 * Returns whether it set the flag.
 */
export function limitHeapGrowth(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
): boolean {
  if (applied) return false;
  applied = true;
  if (/--heap[-_]growing[-_]percent/.test(`${execArgv.join(' ')} ${nodeOptions}`)) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
