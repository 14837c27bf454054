export interface ProgressBar {
  update(done: number, total: number): void;
  done(): void;
}

const MIN_BYTES = 64 * 1024 * 1024;

/** A one-line progress bar on a terminal, for trees large enough to wait on; silent elsewhere. */
export function progressBar(stream: NodeJS.WriteStream): ProgressBar {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let shown = false;
  return {
    update(done, total) {
      const t = Date.now();
      if (total < MIN_BYTES || (t - last < 100 && done < total)) return;
      last = t;
      shown = true;
      const width = 30;
      const filled = Math.round((done / total) * width);
      const mib = (n: number) => (n / 1024 / 1024).toFixed(0);
      stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${mib(done)}/${mib(total)} MiB`);
    },
    done() {
      if (shown) stream.write('\n');
    },
  };
}
