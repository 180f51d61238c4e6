export interface ConcurrencyOptions {
  initial: number;
  min: number;
  max: number;
  /** Factor the limit is multiplied by on a throttle. */
  decrease: number;
}

export const DEFAULT_CONCURRENCY: Readonly<ConcurrencyOptions> = Object.freeze({
  initial: 8,
  min: 1,
  max: 64,
  // Gentler than TCP's 0.5: a provider's cap is a hard line and 429s come back at once, so a limit that
  // oscillates between 85% and 100% of the cap keeps throughput near the cap (halving would waste a third).
  decrease: 0.85,
});

/** The slowest probing above a ceiling the provider keeps refusing: one slot per this many windows. */
const MAX_PROBE_WINDOWS = 8;

export interface LimiterStats {
  /** The current window; calls start while `inFlight < floor(limit)`. */
  limit: number;
  inFlight: number;
  queued: number;
  successes: number;
  throttles: number;
}

export type PermitOutcome = 'success' | 'throttled' | 'other';

/** One slot, held for one HTTP round trip. Releasing twice is a no-op. */
export interface Permit {
  release(outcome: PermitOutcome): void;
}

interface Waiter {
  resolve: (permit: Permit) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * AIMD concurrency limit, as TCP does it: slow start (each success adds a slot, doubling the window per
 * round trip) until the first throttle, then each success in a saturated window adds 1/limit (one slot
 * per window of successes); a throttle (429, 503, 529) multiplies the refused level by `decrease`. The
 * refused level is the number of calls in flight when the throttle came back, if that is under the limit
 * (RFC 5681 halves the flight size, not the window): slow start overshoots the provider's cap by the calls
 * it started while the first refusal was on its way, and a limit cut from there stays above the cap. The
 * limit only decreases once per congestion window: a throttle from a call that started before the last
 * decrease says nothing new, and decreasing for each of them would collapse the limit to `min` after one
 * burst.
 *
 * After a decrease the limiter remembers the level that was refused (the ceiling) and, like TCP CUBIC,
 * climbs back quickly (a slot per success) to just under it, then probes above it slowly: plain additive
 * increase would spend most of its time well under a hard cap (a server capped at C sees about 0.9 C on
 * average). Each throttle at the same ceiling doubles the windows a probing slot takes (up to
 * `MAX_PROBE_WINDOWS`), so a steady cap is hit less and less often; a throttle at another level, or a
 * limit that climbs past the ceiling, starts over with one window per slot.
 */
export class AdaptiveLimiter {
  readonly #options: ConcurrencyOptions;
  #limit: number;
  #inFlight = 0;
  #epoch = 0;
  #successes = 0;
  #throttles = 0;
  #slowStart = true;
  /** The limit the last decrease started from: the level the provider refused. */
  #ceiling = Number.POSITIVE_INFINITY;
  /** Windows of successes per slot while probing at or above `#ceiling - 1`. */
  #probeWindows = 1;
  readonly #queue: Waiter[] = [];

  constructor(options: Partial<ConcurrencyOptions> = {}) {
    const min = Math.max(1, Math.floor(options.min ?? DEFAULT_CONCURRENCY.min));
    const max = Math.max(min, Math.floor(options.max ?? DEFAULT_CONCURRENCY.max));
    const initial = Math.min(max, Math.max(min, options.initial ?? DEFAULT_CONCURRENCY.initial));
    const decrease = Math.min(0.95, Math.max(0.1, options.decrease ?? DEFAULT_CONCURRENCY.decrease));
    this.#options = { initial, min, max, decrease };
    this.#limit = initial;
  }

  get limit(): number {
    return this.#limit;
  }

  stats(): LimiterStats {
    return {
      limit: Math.round(this.#limit * 100) / 100,
      inFlight: this.#inFlight,
      queued: this.#queue.length,
      successes: this.#successes,
      throttles: this.#throttles,
    };
  }

  #capacity(): number {
    return Math.max(this.#options.min, Math.floor(this.#limit));
  }

  /** Waits in FIFO order for a slot; rejects with `signal.reason` if the signal aborts first. */
  acquire(signal?: AbortSignal): Promise<Permit> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#queue.length === 0 && this.#inFlight < this.#capacity()) return Promise.resolve(this.#grant());
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.#queue.indexOf(waiter);
          if (index >= 0) this.#queue.splice(index, 1);
          reject(signal?.reason);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  #grant(): Permit {
    this.#inFlight += 1;
    const epoch = this.#epoch;
    // A window only grows when it was used: success while half the slots sat idle proves nothing.
    const saturated = this.#inFlight >= this.#capacity();
    let released = false;
    return {
      release: (outcome) => {
        if (released) return;
        released = true;
        const inFlight = this.#inFlight;
        this.#inFlight -= 1;
        if (outcome === 'success') {
          this.#successes += 1;
          if (saturated || this.#queue.length > 0) this.#grow();
        } else if (outcome === 'throttled') {
          this.#throttles += 1;
          if (epoch === this.#epoch) this.#decrease(inFlight);
        }
        this.#drain();
      },
    };
  }

  #grow(): void {
    const limit = this.#limit;
    const target = this.#ceiling - 1;
    let step: number;
    if (this.#slowStart) {
      step = 1;
    } else if (limit < target) {
      // Fast recovery to a slot under the last refused level: a slot per success.
      step = Math.min(1, target - limit);
    } else {
      if (limit > this.#ceiling + 1) this.#probeWindows = 1; // past the old ceiling: it no longer holds
      step = 1 / (limit * this.#probeWindows);
    }
    this.#limit = Math.min(this.#options.max, limit + step);
  }

  #decrease(inFlight: number): void {
    const refused = Math.min(this.#limit, inFlight);
    // Refused again at about the same level: probe it less often next time.
    const sameCeiling = Math.abs(refused - this.#ceiling) < 1.5;
    this.#probeWindows = sameCeiling ? Math.min(MAX_PROBE_WINDOWS, this.#probeWindows * 2) : 1;
    this.#ceiling = refused;
    this.#limit = Math.max(this.#options.min, refused * this.#options.decrease);
    this.#epoch += 1;
    this.#slowStart = false;
  }

  #drain(): void {
    while (this.#queue.length > 0 && this.#inFlight < this.#capacity()) {
      const waiter = this.#queue.shift()!;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(this.#grant());
    }
  }
}

/** One limiter per provider+model key, created on first use and shared by every call of a gateway. */
export class LimiterRegistry {
  readonly #options: Partial<ConcurrencyOptions>;
  readonly #limiters = new Map<string, AdaptiveLimiter>();

  constructor(options: Partial<ConcurrencyOptions> = {}) {
    this.#options = options;
  }

  get(key: string): AdaptiveLimiter {
    let limiter = this.#limiters.get(key);
    if (!limiter) {
      limiter = new AdaptiveLimiter(this.#options);
      this.#limiters.set(key, limiter);
    }
    return limiter;
  }

  stats(): Record<string, LimiterStats> {
    return Object.fromEntries([...this.#limiters].map(([key, limiter]) => [key, limiter.stats()]));
  }
}
