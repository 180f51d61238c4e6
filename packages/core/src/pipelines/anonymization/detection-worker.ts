import { parentPort } from 'node:worker_threads';
import { Analyzer } from './analyzer.js';
import {
  type AnalyzerSpec,
  type DetectReply,
  type DetectTask,
  packDetections,
  transferablesOf,
} from './detection-pool.js';

/** Analyzers by spec: a thread serves several runs, each with its labels, detectors and threshold. */
const analyzers = new Map<string, Promise<Analyzer>>();
/** The most analyzers a thread keeps (the oldest is dropped first). */
const MAX_ANALYZERS = 8;

function analyzerFor(spec: AnalyzerSpec): Promise<Analyzer> {
  const key = JSON.stringify([spec.piiTypes, spec.detectors, spec.threshold]);
  let analyzer = analyzers.get(key);
  if (!analyzer) {
    const created = new Analyzer(spec);
    analyzer = created.prepare().then(() => created);
    // A failed preparation is tried again by the next task, not remembered.
    analyzer.catch(() => analyzers.delete(key));
    analyzers.set(key, analyzer);
    if (analyzers.size > MAX_ANALYZERS) analyzers.delete(analyzers.keys().next().value!);
  }
  return analyzer;
}

const port = parentPort;
if (!port) throw new Error('detection-worker.ts runs in a worker thread (DetectionPool)');
port.on('message', async (task: DetectTask) => {
  let reply: DetectReply;
  try {
    const analyzer = await analyzerFor(task.spec);
    const detections = packDetections(analyzer.detect(task.text, task.hints));
    reply = { id: task.id, detections };
    port.postMessage(reply, transferablesOf(detections));
  } catch (err) {
    reply = { id: task.id, error: err instanceof Error ? err.message : String(err) };
    port.postMessage(reply);
  }
});
