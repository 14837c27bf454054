'use strict';
// Registry commands against bare Node start-up, in the same run.
// Target (issue 2): `status` and `bump` at most 2.5x `node -e 0`.
// Run: npm run build && node bench/cli.js [runs]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { medians } = require('./median');

const runs = Number(process.argv[2] ?? 15);
const root = path.resolve(__dirname, '..');
const bin = path.join(root, 'bin', 'modelship.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cli-'));
fs.cpSync(path.join(root, 'models'), path.join(dir, 'models'), { recursive: true });
const env = { ...process.env, MODELSHIP_ACTOR: 'bench' };

const commands = [
  { name: 'node -e 0', argv: [process.execPath, '-e', '0'] },
  { name: 'modelship status', argv: [process.execPath, bin, 'status', '--models-dir', path.join(dir, 'models')], opts: { env } },
  { name: 'modelship bump x patch', argv: [process.execPath, bin, 'bump', 'taxi-fare', 'patch', '--models-dir', path.join(dir, 'models')], opts: { env } },
];
const [base, ...rest] = medians(commands, runs);
console.log(`median of ${runs} runs`);
console.log(`  ${commands[0].name.padEnd(24)} ${base.toFixed(1)} ms`);
rest.forEach((ms, i) => {
  const ratio = ms / base;
  console.log(`  ${commands[i + 1].name.padEnd(24)} ${ms.toFixed(1)} ms  ${ratio.toFixed(2)}x node  ${ratio <= 2.5 ? 'within' : 'OVER'} the 2.5x target`);
});
fs.rmSync(dir, { recursive: true, force: true });
