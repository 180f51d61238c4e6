import type { RunCreateResponse, SpecCreateResponse } from '../types.js';

declare const jobKind: unique symbol;

/** What `runs.create` returns: `{id}`, remembered as a run so `client.waitFor(handle)` knows what to poll. */
export type RunHandle = RunCreateResponse & { readonly [jobKind]: 'run' };
/** What `specs.create` returns: `{id}`, remembered as a spec. */
export type SpecHandle = SpecCreateResponse & { readonly [jobKind]: 'spec' };

/** The kinds of job `client.waitFor` can follow. */
export type JobKind = 'run' | 'spec' | 'evaluation' | 'anonymization_run' | 'red_team_run';

// Kept beside the object rather than on it, so the JSON the server sent stays exactly what it sent.
const kinds = new WeakMap<object, JobKind>();

export function tagJob<T extends object>(value: T, kind: 'run'): T & RunHandle;
export function tagJob<T extends object>(value: T, kind: 'spec'): T & SpecHandle;
export function tagJob<T extends object>(
  value: T,
  kind: 'evaluation' | 'anonymization_run' | 'red_team_run',
): T;
export function tagJob<T extends object>(value: T, kind: JobKind) {
  kinds.set(value, kind);
  return value;
}

export function taggedKind(value: object): JobKind | undefined {
  return kinds.get(value);
}
