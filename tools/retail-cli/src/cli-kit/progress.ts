import type { WriteStream } from 'node:tty';

export interface ProgressOptions {
  label: string;
  /** Units expected in total, for the percentage and ETA; unknown: rate only. */
  total?: number;
  unit?: string;
  /** Redraws at most this often. */
  intervalMs?: number;
  stream?: NodeJS.WritableStream & Partial<Pick<WriteStream, 'isTTY' | 'clearLine' | 'cursorTo'>>;
  now?: () => number;
}

/**
 * One status line on stderr — count, percentage, rate and ETA — redrawn in place, only when
 * stderr is a terminal: piped or redirected output (scripts, CI, --json) never gets control
 * characters or progress noise.
 */
export class Progress {
  private count = 0;
  private readonly started: number;
  private lastDraw = 0;
  private readonly enabled: boolean;
  private readonly stream: NonNullable<ProgressOptions['stream']>;
  private readonly now: () => number;

  constructor(private readonly opts: ProgressOptions) {
    this.stream = opts.stream ?? process.stderr;
    this.enabled = this.stream.isTTY === true;
    this.now = opts.now ?? Date.now;
    this.started = this.now();
  }

  get done(): number {
    return this.count;
  }

  setTotal(total: number): void {
    this.opts.total = total;
  }

  /** Adds `n` units done (and redraws if the interval passed). */
  tick(n = 1): void {
    this.count += n;
    if (!this.enabled) return;
    const t = this.now();
    if (t - this.lastDraw < (this.opts.intervalMs ?? 200)) return;
    this.lastDraw = t;
    this.draw(this.line(t));
  }

  /** The status text at time `t` (public for tests). */
  line(t: number = this.now()): string {
    const secs = Math.max((t - this.started) / 1000, 1e-3);
    const rate = this.count / secs;
    const unit = this.opts.unit ?? 'records';
    const parts = [`${this.opts.label}: ${this.count.toLocaleString('en-US')}`];
    const total = this.opts.total;
    if (total !== undefined && total > 0) {
      parts[0] += `/${total.toLocaleString('en-US')} ${unit} (${((100 * this.count) / total).toFixed(1)}%)`;
    } else parts[0] += ` ${unit}`;
    parts.push(`${Math.round(rate).toLocaleString('en-US')}/s`);
    if (total !== undefined && total > this.count && rate > 0)
      parts.push(`ETA ${formatEta((total - this.count) / rate)}`);
    return parts.join(', ');
  }

  /** Clears the line (before the result is printed). */
  stop(): void {
    if (!this.enabled) return;
    this.stream.clearLine?.(0);
    this.stream.cursorTo?.(0);
  }

  private draw(text: string): void {
    this.stream.clearLine?.(0);
    this.stream.cursorTo?.(0);
    this.stream.write(text);
  }
}

/** 75 → "1m15s", 4000 → "1h06m". */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
