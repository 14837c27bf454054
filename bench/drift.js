'use strict';
// `modelship drift` on a generated multi-GB window: rows per second and peak RSS,
// against csv-parse alone on the same file (the parser's floor) and against a
// 10 MB window (memory must not grow with the file), medians of several runs.
// Run: npm run build && node bench/drift.js [MB=1024] [runs=3]. Rows per CPU-second is the figure that
// survives a busy machine; wall time and peak RSS (maxRSS of the whole process) are printed too.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { median } = require('./median');

const mb = Number(process.argv[2] ?? 1024);
const runs = Number(process.argv[3] ?? 3);
const root = path.resolve(__dirname, '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-drift-'));
const models = path.join(dir, 'models');
fs.cpSync(path.join(root, 'models'), models, { recursive: true });
fs.appendFileSync(path.join(models, 'taxi-fare.yaml'), `
monitoring:
  features: { numeric: [trip_distance, passengers], categorical: [payment_type] }
  prediction: fare_pred
  label: fare
`);
const env = { ...process.env, MODELSHIP_ACTOR: 'bench' };

// A small deterministic generator (mulberry32): the bench makes the same file every time.
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(file, bytes, seed, shift) {
  const random = rng(seed);
  const fd = fs.openSync(file, 'w');
  let written = fs.writeSync(fd, 'trip_distance,passengers,payment_type,fare,fare_pred\n');
  let rows = 0;
  const payments = ['card', 'cash', 'voucher'];
  while (written < bytes) {
    const lines = [];
    for (let i = 0; i < 50_000; i++) {
      const distance = Math.exp(1 + shift + 0.6 * (random() + random() + random() - 1.5) * 2);
      const fare = 3 + 2.5 * distance + (random() - 0.5) * 3;
      lines.push(`${distance.toFixed(6)},${1 + Math.floor(random() * 4)},${payments[Math.floor(random() * 3)]},${fare.toFixed(4)},${(fare + (random() - 0.5)).toFixed(4)}\n`);
    }
    written += fs.writeSync(fd, lines.join(''));
    rows += lines.length;
  }
  fs.closeSync(fd);
  return rows;
}

function run(script) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0 && r.status !== 1) throw new Error(r.stderr);
  return { s, cpu: Number(/cpu=(\d+)/.exec(r.stderr)[1]) / 1e6, mib: Number(/maxrss=(\d+)/.exec(r.stderr)[1]) / 1024 };
}

// CPU time as well as wall time: on a shared machine the wall clock measures the neighbours.
const report = `.then(() => { const u = process.resourceUsage();
  process.stderr.write('maxrss=' + u.maxRSS + ' cpu=' + (u.userCPUTime + u.systemCPUTime) + '\\n'); })`;
const drift = (current) => `require(${JSON.stringify(path.join(root, 'lib/src/cli/main.js'))})
  .run([process.argv0, 'modelship', 'drift', 'taxi-fare', '--reference', ${JSON.stringify(path.join(dir, 'reference.csv'))},
    '--current', ${JSON.stringify(current)}, '--json', '--models-dir', ${JSON.stringify(models)}])${report}`;
const parseOnly = (file) => `(async () => { const { parse } = require(${JSON.stringify(require.resolve('csv-parse', { paths: [root] }))});
  let n = 0; for await (const _ of require('node:fs').createReadStream(${JSON.stringify(file)}, { highWaterMark: 1 << 20 })
    .pipe(parse({ skip_empty_lines: true, bom: true }))) n++; })()${report}`;

console.log(`generating ${mb} MB in ${dir} ...`);
generate(path.join(dir, 'reference.csv'), 5e6, 1, 0);
const smallRows = generate(path.join(dir, 'small.csv'), 10e6, 2, 0.1);
const bigRows = generate(path.join(dir, 'big.csv'), mb * 1e6, 3, 0.1);
const bigBytes = fs.statSync(path.join(dir, 'big.csv')).size;

const samples = { parse: [], small: [], big: [] };
for (let i = 0; i < runs; i++) {
  samples.parse.push(run(parseOnly(path.join(dir, 'big.csv'))));
  samples.small.push(run(drift(path.join(dir, 'small.csv'))));
  samples.big.push(run(drift(path.join(dir, 'big.csv'))));
  console.log(`run ${i + 1}: ${JSON.stringify({ parse: samples.parse[i], small: samples.small[i], big: samples.big[i] })}`);
}
const med = (xs, k) => median(xs.map((x) => x[k]));
const rate = (rows, s) => `${Math.round(rows / s).toLocaleString('en')} rows/s`;
const line = (label, xs, rows) => console.log(`${label.padEnd(22)} wall ${med(xs, 's').toFixed(1)} s, CPU ${med(xs, 'cpu').toFixed(1)} s: ` +
  `${rate(rows, med(xs, 'cpu'))} per CPU-second (${rate(rows, med(xs, 's'))} wall), peak RSS ${med(xs, 'mib').toFixed(0)} MiB`);
console.log(`current window: ${(bigBytes / 1e6).toFixed(0)} MB, ${bigRows.toLocaleString('en')} rows; drift also reads a 5 MB reference; medians of ${runs} runs`);
line('csv-parse alone', samples.parse, bigRows);
line(`drift, ${mb} MB window`, samples.big, bigRows);
line('drift, 10 MB window', samples.small, smallRows);
fs.rmSync(dir, { recursive: true, force: true });
