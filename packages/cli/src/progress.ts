import type { JobProgress } from '@openframer/sdk';
import { dollars, duration } from './format.js';

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Non-TTY: at most one line per this many ms (a status change always prints). Default 5 s. */
  intervalMs?: number;
  now?: () => number;
}

/**
 * Progress of a job on stderr. On a terminal one line is redrawn in place (for a run: samples done and
 * failed, rate, cost so far, ETA; for a red-team run: behaviours and prompts done, rate, cost, ETA);
 * otherwise (CI logs, files) plain lines are written periodically.
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
    const ended = p.status !== 'PROCESSING' && p.status !== 'PENDING';
    if (p.kind === 'red_team_run') {
      // Prompts are the unit of work (saved a behaviour at a time), so the rate and ETA count them.
      const rate = this.rate(p.status, p.prompts_done);
      const remaining = p.prompts_total - p.prompts_done;
      const parts = [
        label,
        `behaviours ${p.behaviors_done}/${p.behaviors_total}`,
        `prompts ${p.prompts_done}/${p.prompts_total}`,
        rate !== undefined ? `${rate.toFixed(1)} prompts/s` : undefined,
        dollars(p.total_cost),
        p.status === 'PROCESSING' && rate && remaining > 0 ? `ETA ${duration(remaining / rate)}` : undefined,
        ended ? `${duration(elapsed)} elapsed` : undefined,
      ];
      return parts.filter(Boolean).join(' · ');
    }
    if (p.kind !== 'run') {
      const cost = 'total_cost' in p && p.total_cost ? dollars(p.total_cost) : undefined;
      return [label, `${duration(elapsed)} elapsed`, cost].filter(Boolean).join(' · ');
    }
    const finished = p.samples_completed + p.samples_failed;
    const rate = this.rate(p.status, finished);
    const remaining = p.number_of_samples - finished;
    const parts = [
      label,
      `${p.samples_completed}/${p.number_of_samples} done`,
      `${p.samples_failed} failed`,
      rate !== undefined ? `${rate.toFixed(1)}/s` : undefined,
      dollars(p.total_cost),
      p.status === 'PROCESSING' && rate && remaining > 0 ? `ETA ${duration(remaining / rate)}` : undefined,
      ended ? `${duration(elapsed)} elapsed` : undefined,
    ];
    return parts.filter(Boolean).join(' · ');
  }

  /** Items finished per second since the job was first seen PROCESSING (undefined before that). */
  private rate(status: string, finished: number): number | undefined {
    const now = this.now();
    if (!this.first && status === 'PROCESSING') this.first = { at: now, finished };
    const span = this.first ? (now - this.first.at) / 1000 : 0;
    return this.first && span > 0 ? (finished - this.first.finished) / span : undefined;
  }
}
