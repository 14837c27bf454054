import type { CliOutput } from './cli-context';

export interface ProgressBar {
  update(done: number, total: number): void;
  /** Clears the bar: the result line that follows stands alone. */
  done(): void;
}

/** What a bar shows: its unit and how to print an amount of it. */
export interface ProgressUnit {
  /** Amounts below which the work is too short to show a bar for. */
  readonly minTotal: number;
  /** e.g. `412/512 MiB` or `120/500 requests`. */
  readonly amount: (done: number, total: number) => string;
  /** e.g. `85.3 MiB/s` or `412 req/s`. */
  readonly rate: (perSecond: number) => string;
  /** Extra words after the bar, e.g. the error count. */
  readonly extra?: () => string;
}

const MIB = 1024 * 1024;

export const BYTES: ProgressUnit = {
  minTotal: 64 * MIB,
  amount: (done, total) => `${(done / MIB).toFixed(0)}/${(total / MIB).toFixed(0)} MiB`,
  rate: (perSecond) => `${(perSecond / MIB).toFixed(1)} MiB/s`,
};

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.max(0, Math.round(seconds));
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * A one-line bar with percent, rate and ETA on a terminal, redrawn at most ten
 * times a second and erased at the end; silent when the stream is not a terminal.
 */
export function progressBar(stream: CliOutput, unit: ProgressUnit = BYTES, clock: () => number = Date.now): ProgressBar {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  const started = clock();
  let last = 0;
  let shown = false;
  return {
    update(done, total) {
      const t = clock();
      if (total < unit.minTotal || (t - last < 100 && done < total)) return;
      last = t;
      shown = true;
      const width = 24;
      const share = total > 0 ? Math.min(1, done / total) : 1;
      const filled = Math.round(share * width);
      const elapsed = (t - started) / 1000;
      const rate = elapsed > 0 ? done / elapsed : 0;
      const eta = rate > 0 ? (total - done) / rate : Infinity;
      const extra = unit.extra ? `  ${unit.extra()}` : '';
      stream.write(`\r\u001b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${unit.amount(done, total)}  ${unit.rate(rate)}  ETA ${duration(eta)}${extra}`);
    },
    done() {
      if (shown) stream.write('\r\u001b[2K');
    },
  };
}
