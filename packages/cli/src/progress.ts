import type { JobProgress } from '@openframer/sdk';
import { dollars, duration } from './format.js';

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Non-TTY: at most one line per this many ms (a status change always prints). Default 5 s. */
  intervalMs?: number;
  now?: () => number;
}

/**
 * Progress of a run or spec on stderr. On a terminal one line is redrawn in place (samples done and
 * failed, rate, cost so far, ETA); otherwise (CI logs, files) plain lines are written periodically.
 */
export class ProgressReporter {
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly started: number;
  private first: { at: number; finished: number } | undefined;
  private lastLineAt = 0;
  private lastStatus = '';
  private lastText = '';
  private drawn = false;
  private latest: JobProgress | undefined;
  private ticker: NodeJS.Timeout | undefined;

  constructor(options: ProgressOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY);
    this.intervalMs = options.intervalMs ?? Number(process.env.OPENFRAMER_PROGRESS_INTERVAL_MS ?? 5000);
    this.now = options.now ?? Date.now;
    this.started = this.now();
  }

  update = (p: JobProgress): void => {
    const text = this.describe(p);
    const now = this.now();
    if (this.tty) {
      this.stream.write(`\r\x1b[2K${text}`);
      this.drawn = true;
      this.latest = p;
      // Redraw each second between events, so elapsed time and ETA keep moving on a slow model.
      this.ticker ??= setInterval(() => {
        if (this.latest) this.stream.write(`\r\x1b[2K${this.describe(this.latest)}`);
      }, 1000).unref();
      return;
    }
    const statusChanged = p.status !== this.lastStatus;
    if (text !== this.lastText && (statusChanged || now - this.lastLineAt >= this.intervalMs)) {
      this.stream.write(`${text}\n`);
      this.lastLineAt = now;
      this.lastText = text;
    }
    this.lastStatus = p.status;
  };

  /** Ends the live line so what follows starts on a fresh one. */
  finish(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
    this.latest = undefined;
    if (this.tty && this.drawn) this.stream.write('\n');
    this.drawn = false;
  }

  describe(p: JobProgress): string {
    const elapsed = (this.now() - this.started) / 1000;
    const label = `${p.kind} ${p.id.slice(0, 8)} ${p.status}`;
    if (p.kind !== 'run') {
      const cost = 'total_cost' in p && p.total_cost ? dollars(p.total_cost) : undefined;
      return [label, `${duration(elapsed)} elapsed`, cost].filter(Boolean).join(' · ');
    }
    const finished = p.samples_completed + p.samples_failed;
    const now = this.now();
    if (!this.first && p.status === 'PROCESSING') this.first = { at: now, finished };
    const span = this.first ? (now - this.first.at) / 1000 : 0;
    const rate = this.first && span > 0 ? (finished - this.first.finished) / span : undefined;
    const remaining = p.number_of_samples - finished;
    const parts = [
      label,
      `${p.samples_completed}/${p.number_of_samples} done`,
      `${p.samples_failed} failed`,
      rate !== undefined ? `${rate.toFixed(1)}/s` : undefined,
      dollars(p.total_cost),
      p.status === 'PROCESSING' && rate && remaining > 0 ? `ETA ${duration(remaining / rate)}` : undefined,
      p.status !== 'PROCESSING' && p.status !== 'PENDING' ? `${duration(elapsed)} elapsed` : undefined,
    ];
    return parts.filter(Boolean).join(' · ');
  }
}
