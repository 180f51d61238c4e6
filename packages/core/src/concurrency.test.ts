import { describe, expect, it } from 'vitest';
import { mapLimit, Semaphore } from './concurrency.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('mapLimit', () => {
  it('keeps the input order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (n) => {
      running++;
      most = Math.max(most, running);
      for (let i = 0; i < n; i++) await tick();
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(2);
  });

  it('rejects with the first failure, aborts the others and starts no more', async () => {
    const started: number[] = [];
    const aborted: number[] = [];
    const run = mapLimit([0, 1, 2, 3, 4], 2, async (n, _, signal) => {
      started.push(n);
      if (n === 1) throw new Error('item 1 failed');
      await new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => {
          aborted.push(n);
          resolve();
        });
      });
      return n;
    });
    await expect(run).rejects.toThrow('item 1 failed');
    expect(started).toEqual([0, 1]);
    expect(aborted).toEqual([0]);
  });

  it('rejects with the reason of an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort(new Error('canceled'));
    await expect(mapLimit([1], 1, async (n) => n, controller.signal)).rejects.toThrow('canceled');
  });
});

describe('Semaphore', () => {
  it('lets at most `limit` holders in, in arrival order', async () => {
    const semaphore = new Semaphore(1);
    const order: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        semaphore.run(async () => {
          order.push(`${name} in`);
          await tick();
          order.push(`${name} out`);
        }),
      ),
    );
    expect(order).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
  });
});
