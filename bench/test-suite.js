'use strict';
// Wall time of the test suite as a developer runs it: `npm test` (one tsc pass,
// then jest on both cores) and jest alone, median of several runs. With a git ref,
// the same is measured for that commit's tree (git archive into a temp dir, this
// checkout's node_modules linked in), interleaved with this one so load hits both alike.
//   node bench/test-suite.js [runs=3] [baseline-ref]
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { medians } = require('./median');

const ROOT = path.join(__dirname, '..');
const runs = Number(process.argv[2] || 3);
const ref = process.argv[3];

function tree(dir, label) {
  // A warm incremental tsc, as in a developer's loop: build once before timing.
  const warm = spawnSync('npx', ['tsc', '-p', 'tsconfig.test.json'], { cwd: dir, encoding: 'utf8' });
  if (warm.status !== 0) throw new Error(`${label}: tsc failed: ${warm.stdout}${warm.stderr}`);
  const env = { ...process.env };
  return [
    { label: `${label}: npm test`, argv: ['npm', 'test', '--silent'], opts: { cwd: dir, env } },
    { label: `${label}: jest alone`, argv: ['npx', 'jest', '--silent'], opts: { cwd: dir, env } },
  ];
}

const commands = tree(ROOT, 'this tree');
let baseDir;
if (ref) {
  baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'test-suite-base-'));
  // Readable by all: a test runs the CLI as another user (bad-input's EACCES cases).
  fs.chmodSync(baseDir, 0o755);
  const archive = spawnSync('sh', ['-c', `git -C "${ROOT}" archive "${ref}" | tar -x -C "${baseDir}"`], { encoding: 'utf8' });
  if (archive.status !== 0) throw new Error(`git archive ${ref}: ${archive.stderr}`);
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(baseDir, 'node_modules'));
  commands.push(...tree(baseDir, ref));
}
try {
  const ms = medians(commands, runs);
  const tests = spawnSync('npx', ['jest', '--listTests'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim().split('\n').length;
  console.log(`${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)} at the end; ${tests} test files; median of ${runs} runs`);
  commands.forEach((c, i) => console.log(`${c.label.padEnd(40)} ${(ms[i] / 1000).toFixed(1)} s`));
} finally {
  if (baseDir) fs.rmSync(baseDir, { recursive: true, force: true });
}
