'use strict';
// `modelship report` (vega compile + SVG in Node) against `modelship status` on the
// same records, in one run: the price of drawing, for the 2 example models and for 50.
// Run: npm run build && node bench/report.js [runs]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { medians } = require('./median');

const runs = Number(process.argv[2] ?? 7);
const root = path.resolve(__dirname, '..');
const bin = path.join(root, 'bin', 'modelship.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-report-'));
const env = { ...process.env, MODELSHIP_ACTOR: 'bench' };

const examples = path.join(work, 'examples');
fs.cpSync(path.join(root, 'models'), examples, { recursive: true });
// 50 models: copies of the example records under new names (history included).
const fifty = path.join(work, 'fifty');
fs.mkdirSync(fifty);
for (let i = 0; i < 50; i++) {
  const from = i % 2 ? 'taxi-fare' : 'fraud-detector';
  const name = `${from}-${i}`;
  fs.writeFileSync(path.join(fifty, `${name}.yaml`), fs.readFileSync(path.join(examples, `${from}.yaml`), 'utf8').replace(`name: ${from}`, `name: ${name}`));
  fs.copyFileSync(path.join(examples, `${from}.history.jsonl`), path.join(fifty, `${name}.history.jsonl`));
}

const cmd = (name, args, dir) => ({ name, argv: [process.execPath, bin, ...args, '--models-dir', dir], opts: { env } });
const commands = [
  cmd('status (2 models)', ['status'], examples),
  cmd('report (2 models)', ['report', '--out', path.join(work, 'r2')], examples),
  cmd('status (50 models)', ['status'], fifty),
  cmd('report (50 models)', ['report', '--out', path.join(work, 'r50')], fifty),
];
const ms = medians(commands, runs);
console.log(`median of ${runs} runs`);
ms.forEach((m, i) => {
  const base = i % 2 ? ms[i - 1] : m;
  console.log(`  ${commands[i].name.padEnd(20)} ${m.toFixed(0).padStart(6)} ms${i % 2 ? `  ${(m / base).toFixed(1)}x status` : ''}`);
});
fs.rmSync(work, { recursive: true, force: true });
