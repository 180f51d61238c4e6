import { describe, expect, it } from 'vitest';
import { inOrder, mapLimit, Semaphore } from './concurrency.js';

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

describe('inOrder', () => {
  it('yields in input order, with the next `ahead - 1` calls started before a result is handed over', async () => {
    const calls: number[] = [];
    const seen: string[] = [];
    // Later items finish first: the order still holds.
    const results = inOrder([3, 1, 2, 0], 2, async (n) => {
      calls.push(n);
      for (let i = 0; i < n; i++) await tick();
      return n * 10;
    });
    for await (const r of results) seen.push(`${r} after calls ${calls.join(',')}`);
    expect(seen).toEqual([
      '30 after calls 3,1',
      '10 after calls 3,1,2',
      '20 after calls 3,1,2,0',
      '0 after calls 3,1,2,0',
    ]);
  });

  it('with ahead 1, calls one at a time; a failure is thrown in its turn, after the results before it', async () => {
    const seen: number[] = [];
    let running = 0;
    const run = async () => {
      for await (const r of inOrder([1, 2, 3], 1, async (n) => {
        running++;
        expect(running).toBe(1);
        await tick();
        running--;
        if (n === 2) throw new Error('item 2 failed');
        return n;
      }))
        seen.push(r);
    };
    await expect(run()).rejects.toThrow('item 2 failed');
    expect(seen).toEqual([1]);
  });
});
