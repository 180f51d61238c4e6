import { describe, expect, it } from 'vitest';
import { ProgressReporter } from './progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream };
}

const run = (status: 'PENDING' | 'PROCESSING' | 'SUCCEEDED', done: number, failed = 0, cost = 0) => ({
  kind: 'run' as const,
  id: '6adc7bf8-b241-4feb-a1cc-ea7c421641cf',
  status,
  samples_completed: done,
  samples_failed: failed,
  number_of_samples: 100,
  total_cost: cost,
  error: null,
});

describe('ProgressReporter', () => {
  it('shows done/failed, rate, cost so far and ETA, redrawing one line on a terminal', () => {
    let now = 0;
    const { writes, stream } = fakeStream(true);
    const progress = new ProgressReporter({ stream, now: () => now });
    progress.update(run('PROCESSING', 0));
    now = 10_000;
    progress.update(run('PROCESSING', 18, 2, 0.0123));
    expect(writes[1]).toBe(
      '\r\x1b[2Krun 6adc7bf8 PROCESSING · 18/100 done · 2 failed · 2.0/s · $0.0123 · ETA 0:40',
    );
    now = 50_000;
    progress.update(run('SUCCEEDED', 98, 2, 0.05));
    progress.finish();
    expect(writes.at(-2)).toContain('SUCCEEDED · 98/100 done · 2 failed');
    expect(writes.at(-2)).toContain('0:50 elapsed');
    expect(writes.at(-1)).toBe('\n');
  });

  it('writes plain lines when not a terminal: on status changes, and at most once per interval otherwise', () => {
    let now = 0;
    const { writes, stream } = fakeStream(false);
    const progress = new ProgressReporter({ stream, now: () => now, intervalMs: 5000 });
    progress.update(run('PENDING', 0));
    progress.update(run('PROCESSING', 0));
    now = 1000;
    progress.update(run('PROCESSING', 10));
    now = 6000;
    progress.update(run('PROCESSING', 60));
    progress.update(run('SUCCEEDED', 100));
    progress.finish();
    expect(writes.every((w) => w.endsWith('\n') && !w.includes('\r'))).toBe(true);
    expect(writes.map((w) => w.split(' · ')[0]!.split(' ')[2])).toEqual([
      'PENDING',
      'PROCESSING',
      'PROCESSING',
      'SUCCEEDED',
    ]);
    expect(writes[2]).toContain('60/100 done');
  });

  it('describes a spec by status and time', () => {
    const { stream } = fakeStream(false);
    const progress = new ProgressReporter({ stream, now: () => 0 });
    expect(
      progress.describe({
        kind: 'spec',
        id: 'f11e923e-aaaa',
        status: 'PROCESSING',
        total_cost: 0,
        error: null,
      }),
    ).toBe('spec f11e923e PROCESSING · 0:00 elapsed');
  });
});

describe('ProgressReporter on a red-team run', () => {
  const redTeam = (status: 'PROCESSING' | 'SUCCEEDED', behaviours: number, cost: number) => ({
    kind: 'red_team_run' as const,
    id: '9b2f6d1e-0c3a-4e5f-8a7b-1c2d3e4f5a6b',
    status,
    behaviors_done: behaviours,
    behaviors_total: 4,
    prompts_done: behaviours * 25,
    prompts_total: 100,
    total_cost: cost,
    error: null,
  });

  it('shows behaviours and prompts done of their totals, prompts per second, cost and ETA', () => {
    let now = 0;
    const { writes, stream } = fakeStream(true);
    const progress = new ProgressReporter({ stream, now: () => now });
    progress.update(redTeam('PROCESSING', 0, 0));
    now = 10_000;
    progress.update(redTeam('PROCESSING', 1, 0.004));
    expect(writes[1]).toBe(
      '\r\x1b[2Kred_team_run 9b2f6d1e PROCESSING · behaviours 1/4 · prompts 25/100 · 2.5 prompts/s · $0.0040 · ETA 0:30',
    );
    now = 40_000;
    progress.update(redTeam('SUCCEEDED', 4, 0.02));
    progress.finish();
    expect(writes.at(-2)).toContain('SUCCEEDED · behaviours 4/4 · prompts 100/100');
    expect(writes.at(-2)).toContain('0:40 elapsed');
  });
});
