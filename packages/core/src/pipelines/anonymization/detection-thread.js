// Entry of a detection thread (DetectionPool). Plain JavaScript: a worker thread does not inherit the
// TypeScript loader of the thread that starts it, so it registers tsx itself and then loads the sources.
import { register } from 'tsx/esm/api';

register();
await import('./detection-worker.ts');
