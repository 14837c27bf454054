// Kill loop: SIGKILLs `bump` hundreds of times, every other time at a random
// instant of its run and otherwise at a random one of its file-system calls
// (bench/kill-at-call.js, so every step of a change is hit), and after every kill checks that the next command leaves the record
// and its history in agreement (the record's versions are exactly the history's
// bump lines, in order, and every history line parses).
//   node bench/kill-loop.js [kills=300]
// Prints how many kills landed inside the write window (left an intent file).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parse } = require('yaml');

const BIN = path.join(__dirname, '..', 'bin', 'modelship.js');
const kills = Number(process.argv[2] || 300);
const env = { ...process.env, MODELSHIP_ACTOR: 'kill-loop', MODELSHIP_LOCK_TIMEOUT_MS: '5000' };

function cli(args) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env });
}

function agreement(dir) {
  const record = parse(fs.readFileSync(path.join(dir, 'x.yaml'), 'utf8'));
  const versions = (record.versions || []).map((v) => v.version);
  const lines = fs.readFileSync(path.join(dir, 'x.history.jsonl'), 'utf8').split('\n').filter(Boolean);
  const bumps = lines.map((l) => JSON.parse(l)).filter((e) => e.action === 'bump').map((e) => e.version);
  if (JSON.stringify(versions) !== JSON.stringify(bumps)) {
    return `record has [${versions.join(', ')}] but history bumps [${bumps.join(', ')}]`;
  }
  return undefined;
}

const KILL_AT_CALL = path.join(__dirname, 'kill-at-call.js');

async function statusInProcess() {
  const { run } = require('../lib/src/cli/main.js');
  let stderr = '';
  const ctx = { stdout: { write: () => undefined }, stderr: { write: (t) => (stderr += t) }, env, now: () => new Date() };
  return { status: await run(['node', BIN, 'status', 'x', '--models-dir', dir], ctx), stderr };
}

function killAfter(ms, atCall) {
  return new Promise((resolve) => {
    const args = atCall ? ['-r', KILL_AT_CALL, BIN] : [BIN];
    const child = spawn(process.execPath, [...args, 'bump', 'x', 'patch', '--models-dir', dir], {
      env: { ...env, KILL_AT_CALL: String(atCall || 0) }, stdio: 'ignore',
    });
    const t = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (code, signal) => {
      clearTimeout(t);
      resolve(signal ? 'killed' : `exit ${code}`);
    });
  });
}

const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kill-loop-')), 'models');
const init = cli(['init', 'x', '--image', 'registry.example.com/models/x', '--serving-image', 'registry.example.com/apps/api:1.0.0', '--models-dir', dir]);
if (init.status !== 0) throw new Error(init.stderr);

async function main() {
  // How long an undisturbed bump takes here, so kills spread over its whole run.
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    if (cli(['bump', 'x', 'patch', '--models-dir', dir]).status !== 0) throw new Error('bump failed');
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const median = times[2];
  // How many file-system calls an undisturbed bump makes.
  const counted = spawnSync(process.execPath, ['-r', KILL_AT_CALL, BIN, 'bump', 'x', 'patch', '--models-dir', dir], { encoding: 'utf8', env });
  const calls = Number(/calls=(\d+)/.exec(counted.stderr)[1]);
  let inWindow = 0;
  let killed = 0;
  for (let i = 0; i < kills; i++) {
    const atCall = i % 2 === 1 ? 1 + Math.floor(Math.random() * calls) : 0;
    const outcome = await killAfter(atCall ? 60_000 : median * (0.3 + Math.random() * 0.9), atCall);
    if (outcome === 'killed') killed++;
    if (fs.existsSync(path.join(dir, '.x.yaml.intent'))) inWindow++;
    // Any command settles an interrupted change; status only reads. It runs in this
    // process (the CLI's run() with its own streams): the same code, without a node start per kill.
    const st = await statusInProcess();
    if (st.status !== 0) throw new Error(`after kill ${i + 1}: status exit ${st.status}: ${st.stderr}`);
    const problem = agreement(dir);
    if (problem) {
      console.error(`FAIL after kill ${i + 1}: ${problem}`);
      process.exit(1);
    }
  }
  // Temp files of a killed command go with the next change.
  const last = cli(['bump', 'x', 'patch', '--models-dir', dir]);
  if (last.status !== 0) throw new Error(`final bump: exit ${last.status}: ${last.stderr}`);
  const problem = agreement(dir);
  if (problem) {
    console.error(`FAIL after the final bump: ${problem}`);
    process.exit(1);
  }
  // A killed holder's lock, and its token files (removed once a minute old), are expected; a temp record or an intent is not.
  const leftovers = fs.readdirSync(dir).filter((n) => n !== 'x.yaml' && n !== 'x.history.jsonl' && !n.startsWith('x.yaml.lock'));
  if (leftovers.length) {
    console.error(`FAIL: left behind ${leftovers.join(', ')}`);
    process.exit(1);
  }
  console.log(`${kills} runs, ${killed} killed (median bump ${median.toFixed(0)} ms: half killed at 0.3-1.2x of it, half at one of its ${calls} file-system calls), ` +
    `${inWindow} inside the write window; record and history agreed after every one`);
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
