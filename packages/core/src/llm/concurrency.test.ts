import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdaptiveLimiter, LimiterRegistry, type Permit } from './concurrency.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('AdaptiveLimiter', () => {
  it('admits up to the initial limit and queues the rest in FIFO order', async () => {
    const limiter = new AdaptiveLimiter({ initial: 2, min: 1, max: 8 });
    const a = await limiter.acquire();
    const b = await limiter.acquire();
    const order: string[] = [];
    const c = limiter.acquire().then((p) => {
      order.push('c');
      return p;
    });
    const d = limiter.acquire().then((p) => {
      order.push('d');
      return p;
    });
    expect(limiter.stats()).toMatchObject({ inFlight: 2, queued: 2 });
    a.release('other');
    b.release('other');
    (await c).release('other');
    (await d).release('other');
    expect(order).toEqual(['c', 'd']);
    expect(limiter.stats()).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('grows by one slot per window of successes while saturated, up to max', async () => {
    const limiter = new AdaptiveLimiter({ initial: 2, min: 1, max: 3 });
    for (let round = 0; round < 10; round++) {
      const permits = [await limiter.acquire(), await limiter.acquire()];
      for (const p of permits) p.release('success');
    }
    expect(limiter.limit).toBe(3);
  });

  it('does not grow when the window is not used', async () => {
    const limiter = new AdaptiveLimiter({ initial: 4, min: 1, max: 64 });
    for (let i = 0; i < 50; i++) (await limiter.acquire()).release('success');
    expect(limiter.limit).toBe(4);
    expect(limiter.stats().successes).toBe(50);
  });

  it('grows by one slot per success until the first throttle (slow start)', async () => {
    const limiter = new AdaptiveLimiter({ initial: 4, min: 1, max: 64 });
    const burst: Permit[] = [];
    for (let i = 0; i < 4; i++) burst.push(await limiter.acquire());
    // Work is waiting, so the window is in use: every success adds a slot.
    const waiting = Array.from({ length: 8 }, () => limiter.acquire());
    for (const p of burst) p.release('success');
    expect(limiter.limit).toBe(8);
    const granted = await Promise.all(waiting);
    granted[0]!.release('throttled');
    expect(limiter.limit).toBeCloseTo(8 * 0.85);
    for (const p of granted.slice(1)) p.release('other');
  });

  it('decreases once per congestion window, never below min', async () => {
    const limiter = new AdaptiveLimiter({ initial: 8, min: 1, max: 64, decrease: 0.5 });
    const burst: Permit[] = [];
    for (let i = 0; i < 8; i++) burst.push(await limiter.acquire());
    // All eight started before the first decrease: only one halving.
    for (const p of burst) p.release('throttled');
    expect(limiter.limit).toBe(4);
    expect(limiter.stats().throttles).toBe(8);
    // A call started after the decrease may halve again.
    const second: Permit[] = [];
    for (let i = 0; i < 4; i++) second.push(await limiter.acquire());
    second[0]!.release('throttled');
    expect(limiter.limit).toBe(2);
    for (const p of second.slice(1)) p.release('other');
    (await limiter.acquire()).release('throttled');
    (await limiter.acquire()).release('throttled');
    expect(limiter.limit).toBe(1);
  });

  it('cuts from the calls in flight when the limit had run ahead of them (slow-start overshoot)', async () => {
    const limiter = new AdaptiveLimiter({ initial: 16, min: 1, max: 64 });
    const burst: Permit[] = [];
    for (let i = 0; i < 9; i++) burst.push(await limiter.acquire());
    burst[0]!.release('throttled');
    expect(limiter.limit).toBeCloseTo(9 * 0.85);
    // Fast recovery stops a slot under the refused level, not under the old limit.
    const waiting = Array.from({ length: 10 }, () => limiter.acquire());
    for (const p of burst.slice(1)) p.release('success');
    expect(limiter.limit).toBeLessThan(9); // 8, then a probing slot per window of successes
    await Promise.all(waiting.map((w) => w.then((p) => p.release('other'))));
    expect(limiter.stats()).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('climbs back at once to a slot under a refused level, then probes above it ever more slowly', async () => {
    const limiter = new AdaptiveLimiter({ initial: 10, min: 1, max: 64 });
    const burst: Permit[] = [];
    for (let i = 0; i < 10; i++) burst.push(await limiter.acquire());
    // Work is waiting, so every success may grow the window.
    const waiting = Array.from({ length: 30 }, () => limiter.acquire());
    burst[0]!.release('throttled');
    expect(limiter.limit).toBeCloseTo(8.5); // refused at 10
    burst[1]!.release('success');
    expect(limiter.limit).toBeCloseTo(9); // fast recovery, capped at a slot under 10
    burst[2]!.release('success');
    expect(limiter.limit).toBeCloseTo(9 + 1 / 9); // probing: a slot per window of successes
    // Refused again at about the same level: the next probe is twice as slow.
    const after = await waiting[0]!;
    after.release('throttled');
    const refusedAt = 9; // the calls in flight, just under the limit of 9 + 1/9
    expect(limiter.limit).toBeCloseTo(refusedAt * 0.85);
    burst[3]!.release('success');
    expect(limiter.limit).toBeCloseTo(refusedAt - 1);
    burst[4]!.release('success');
    expect(limiter.limit).toBeCloseTo(refusedAt - 1 + 1 / ((refusedAt - 1) * 2));
    const drained = waiting.slice(1).map((w) => w.then((p) => p.release('other')));
    for (const p of burst.slice(5)) p.release('other');
    await Promise.all(drained);
    expect(limiter.stats()).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('rejects with the signal reason when aborted while queued, and keeps the queue intact', async () => {
    const limiter = new AdaptiveLimiter({ initial: 1, min: 1, max: 4 });
    const held = await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(limiter.stats().queued).toBe(1);
    held.release('other');
    (await next).release('other');
    expect(limiter.stats()).toMatchObject({ inFlight: 0, queued: 0 });
    await expect(limiter.acquire(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  it('ignores a second release of the same permit', async () => {
    const limiter = new AdaptiveLimiter({ initial: 1, min: 1, max: 4 });
    const p = await limiter.acquire();
    p.release('success');
    p.release('success');
    expect(limiter.stats()).toMatchObject({ inFlight: 0, successes: 1 });
  });

  it('converges near a server that refuses more than C concurrent calls', async () => {
    vi.useFakeTimers();
    const C = 8;
    const LATENCY_MS = 100;
    const limiter = new AdaptiveLimiter({ initial: 4, min: 1, max: 64 });
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    let serverInFlight = 0;
    let peak = 0;
    let completed = 0;
    let stop = false;

    async function call(): Promise<boolean> {
      const permit = await limiter.acquire();
      serverInFlight += 1;
      peak = Math.max(peak, serverInFlight);
      const throttled = serverInFlight > C;
      await sleep(throttled ? 1 : LATENCY_MS);
      serverInFlight -= 1;
      permit.release(throttled ? 'throttled' : 'success');
      if (!throttled) completed += 1;
      return !throttled;
    }
    async function worker(): Promise<void> {
      while (!stop) if (!(await call())) await sleep(5);
    }
    const workers = Array.from({ length: 40 }, () => worker());

    await vi.advanceTimersByTimeAsync(3_000); // warm-up (slow start overshoots once, by design)
    const completedBefore = completed;
    peak = serverInFlight;
    const samples: number[] = [];
    const MEASURE_MS = 20_000;
    for (let t = 0; t < MEASURE_MS; t += 10) {
      samples.push(limiter.limit);
      await vi.advanceTimersByTimeAsync(10);
    }
    const throughputPerSecond = ((completed - completedBefore) / MEASURE_MS) * 1000;
    stop = true;
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all(workers);

    const average = samples.reduce((a, b) => a + b, 0) / samples.length;
    expect(average).toBeGreaterThanOrEqual(C / 2);
    expect(average).toBeLessThanOrEqual(C + 2);
    expect(Math.max(...samples)).toBeLessThan(C + 3);
    // Ideal throughput is C / latency = 80 calls/s; the gentle decrease keeps the sawtooth close to it.
    const ideal = (C / LATENCY_MS) * 1000;
    expect(throughputPerSecond).toBeGreaterThanOrEqual(0.8 * ideal);
    expect(throughputPerSecond).toBeLessThanOrEqual(ideal);
    expect(peak).toBeLessThanOrEqual(C + 2);
  });
});

describe('LimiterRegistry', () => {
  it('keeps one limiter per key and reports them all', async () => {
    const registry = new LimiterRegistry({ initial: 3 });
    expect(registry.get('a')).toBe(registry.get('a'));
    (await registry.get('b').acquire()).release('success');
    expect(registry.stats()).toEqual({
      a: { limit: 3, inFlight: 0, queued: 0, successes: 0, throttles: 0 },
      b: { limit: 3, inFlight: 0, queued: 0, successes: 1, throttles: 0 },
    });
  });
});
