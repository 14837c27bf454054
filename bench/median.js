'use strict';
// Shared by the benchmarks: wall time of whole commands, median of several runs.
const { spawnSync } = require('node:child_process');

function timeCommand(argv, opts = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  return ms;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs each command `runs` times, interleaved so drift hits all alike; returns medians in ms. */
function medians(commands, runs, before) {
  const samples = commands.map(() => []);
  for (let i = 0; i < runs; i++) {
    commands.forEach((c, j) => {
      if (before) before(c);
      samples[j].push(timeCommand(c.argv, c.opts));
    });
  }
  return samples.map(median);
}

module.exports = { timeCommand, median, medians };
