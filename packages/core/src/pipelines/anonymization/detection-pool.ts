import { Worker } from 'node:worker_threads';
import type { AnalyzerOptions, Detection } from './analyzer.js';
import type { PiiType } from './recognizers/index.js';

/** What an analyzer is built from: the same options give the same analyzer in every thread. */
export type AnalyzerSpec = Pick<AnalyzerOptions, 'piiTypes' | 'detectors' | 'threshold'>;

/** A message to a detection thread. */
export interface DetectTask {
  id: number;
  spec: AnalyzerSpec;
  text: string;
  hints: readonly string[];
}

/** A detection thread's answer. */
export type DetectReply = { id: number; detections: PackedDetections } | { id: number; error: string };

/**
 * Detections as a few arrays, moved between threads without copying: cheaper to send than objects, and the
 * objects made from them on arrival all share one shape (objects a thread receives as such are slower to
 * read).
 */
export interface PackedDetections {
  starts: Int32Array;
  ends: Int32Array;
  scores: Float64Array;
  /** Index of each detection's label and recognizer name in `names`. */
  labels: Uint16Array;
  recognizers: Uint16Array;
  /** 1 where the recognizer weighed context words itself. */
  contextApplied: Uint8Array;
  names: string[];
}

export function packDetections(detections: readonly Detection[]): PackedDetections {
  const n = detections.length;
  const packed: PackedDetections = {
    starts: new Int32Array(n),
    ends: new Int32Array(n),
    scores: new Float64Array(n),
    labels: new Uint16Array(n),
    recognizers: new Uint16Array(n),
    contextApplied: new Uint8Array(n),
    names: [],
  };
  const index = new Map<string, number>();
  const nameAt = (name: string) => {
    let i = index.get(name);
    if (i === undefined) {
      i = packed.names.push(name) - 1;
      index.set(name, i);
    }
    return i;
  };
  for (let i = 0; i < n; i++) {
    const d = detections[i]!;
    packed.starts[i] = d.start;
    packed.ends[i] = d.end;
    packed.scores[i] = d.score;
    packed.labels[i] = nameAt(d.label);
    packed.recognizers[i] = nameAt(d.recognizer);
    packed.contextApplied[i] = d.contextApplied ? 1 : 0;
  }
  return packed;
}

export function unpackDetections(packed: PackedDetections): Detection[] {
  const { starts, ends, scores, labels, recognizers, contextApplied, names } = packed;
  const out: Detection[] = new Array(starts.length);
  for (let i = 0; i < starts.length; i++) {
    const d: Detection = {
      start: starts[i]!,
      end: ends[i]!,
      label: names[labels[i]!] as PiiType,
      score: scores[i]!,
      recognizer: names[recognizers[i]!]!,
    };
    if (contextApplied[i]) d.contextApplied = true;
    out[i] = d;
  }
  return out;
}

/** The buffers of `packed`, to move rather than copy. */
export const transferablesOf = (p: PackedDetections): ArrayBuffer[] =>
  [p.starts, p.ends, p.scores, p.labels, p.recognizers, p.contextApplied].map((a) => a.buffer as ArrayBuffer);

interface Pending {
  task: DetectTask;
  resolve(detections: Detection[]): void;
  reject(err: Error): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

interface Slot {
  worker: Worker;
  /** The task it runs, if any. */
  busy: Pending | undefined;
  idleTimer: NodeJS.Timeout | undefined;
}

/** A thread with nothing to do for this long is stopped (it holds its own recognizers, NER lexicons included). */
const IDLE_MS = 30_000;

// The thread's entry is plain JavaScript that loads the TypeScript sources (no build step, as everywhere).
const ENTRY = new URL('./detection-thread.js', import.meta.url);

/**
 * Worker threads that run pattern and NER detection (`Analyzer.detect`) for anonymization runs, so that a
 * run uses more than one core and the server's event loop stays free while it runs. Texts are analysed
 * whole in one thread: the results are exactly those of an analyzer in the calling thread. Masking, column
 * typing and REPLACE stay with the caller (REPLACE fakes depend on the order values are met in).
 * Threads start on first use and stop when idle; they never keep the process alive.
 */
export class DetectionPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  /** `size`: the most threads it runs at once (at least 1). */
  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new Error(`a detection pool needs at least one thread (got ${size})`);
  }

  /** How many threads are running now (for tests and status). */
  get threads(): number {
    return this.slots.length;
  }

  /** The detections of `text` (as `new Analyzer(spec).detect(text, hints)` would return them). */
  detect(
    spec: AnalyzerSpec,
    text: string,
    hints: readonly string[],
    signal?: AbortSignal,
  ): Promise<Detection[]> {
    if (this.closed) return Promise.reject(new Error('the detection pool is closed'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Detection[]>((resolve, reject) => {
      const pending: Pending = {
        task: { id: this.nextId++, spec, text, hints },
        resolve,
        reject,
        signal,
        onAbort: undefined,
      };
      if (signal) {
        // A queued task is dropped; a running one finishes in its thread and its answer is ignored.
        pending.onAbort = () => {
          const at = this.queue.indexOf(pending);
          if (at >= 0) this.queue.splice(at, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', pending.onAbort, { once: true });
      }
      this.queue.push(pending);
      this.dispatch();
    });
  }

  /** Stops every thread; queued and running tasks are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    const error = new Error('the detection pool is closed');
    for (const p of this.queue.splice(0)) this.settle(p, error);
    const slots = this.slots.splice(0);
    for (const s of slots) {
      clearTimeout(s.idleTimer);
      if (s.busy) this.settle(s.busy, error);
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.busy);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const pending = this.queue.shift()!;
      clearTimeout(slot.idleTimer);
      slot.idleTimer = undefined;
      slot.busy = pending;
      slot.worker.ref();
      slot.worker.postMessage(pending.task);
    }
  }

  private spawn(): Slot {
    // No inherited loader flags (`--import tsx`): the entry registers its own.
    const worker = new Worker(ENTRY, { execArgv: [] });
    const slot: Slot = { worker, busy: undefined, idleTimer: undefined };
    worker.on('message', (reply: DetectReply) => {
      const pending = slot.busy;
      if (!pending || pending.task.id !== reply.id) return;
      slot.busy = undefined;
      if ('error' in reply) this.settle(pending, new Error(`PII detection failed: ${reply.error}`));
      else this.settle(pending, undefined, unpackDetections(reply.detections));
      this.idle(slot);
      this.dispatch();
    });
    const lost = (why: string) => {
      const at = this.slots.indexOf(slot);
      if (at < 0) return;
      this.slots.splice(at, 1);
      clearTimeout(slot.idleTimer);
      if (slot.busy) this.settle(slot.busy, new Error(`PII detection thread stopped: ${why}`));
      slot.busy = undefined;
      // Others may wait for a thread: a new one starts on demand.
      if (!this.closed) this.dispatch();
    };
    worker.on('error', (err) => lost(err.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    this.slots.push(slot);
    return slot;
  }

  /** A thread without work does not keep the process alive, and stops after IDLE_MS. */
  private idle(slot: Slot): void {
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => {
      const at = this.slots.indexOf(slot);
      if (at < 0 || slot.busy) return;
      this.slots.splice(at, 1);
      void slot.worker.terminate();
    }, IDLE_MS);
    slot.idleTimer.unref();
  }

  private settle(pending: Pending, error: Error | undefined, detections?: Detection[]): void {
    if (pending.onAbort) pending.signal?.removeEventListener('abort', pending.onAbort);
    if (pending.signal?.aborted) return;
    if (error) pending.reject(error);
    else pending.resolve(detections!);
  }
}
