'use strict';
// `modelship synth` of N blue-green models, both targets, in one run against:
// - its floor (bench/synth-floor.js): a node process that only serializes the
//   very objects synth serializes, with the same serializer and options, and
//   writes the same files the same way; the target is synth <= 1.5x the floor at 1,000 (issue 16);
// - the one-thread path (MODELSHIP_SYNTH_JOBS=1), to show what the threads buy;
// - the same objects written by hand with cdk8s-plus-27 (one App, one chart per
//   model): target modelship <= half of it at 1,000 (issue 3);
// - growth: 1,000 models at most 12x the time of 100.
// Then it proves the outputs byte-identical: synth = floor, and parallel = one
// thread for the bench records and for every record shape of test/fixtures/synth-shapes.
// SYNTH_BENCH_BEFORE=path/to/bin/modelship.js adds that build's synth as a "before" row.
// Run: npm run build && node bench/synth.js [runs]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { medians } = require('./median');

const runs = Number(process.argv[2] ?? 3);
const root = path.resolve(__dirname, '..');
const bin = path.join(root, 'bin', 'modelship.js');
const before = process.env.SYNTH_BENCH_BEFORE;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));

function makeModels(n) {
  const models = path.join(work, `models-${n}`);
  fs.mkdirSync(models);
  const hex = (i, c) => `sha256:${i.toString(16).padStart(8, '0')}${c.repeat(56)}`;
  for (let i = 0; i < n; i++) {
    const name = `model-${String(i).padStart(4, '0')}`;
    fs.writeFileSync(path.join(models, `${name}.yaml`), `name: ${name}
artifact: { image: registry.example.com/models/${name}, path: /model }
serving:
  image: registry.example.com/apps/api:1.0.0
  port: 8080
  modelDir: /models
  replicas: 2
  resources: { cpu: 500m, memory: 1Gi }
  health: { path: /healthz }
gates: { maxSizeMiB: 512, maxLatencyP95Ms: 50, acceptDeclared: true }
deploy: { strategy: blue-green, kubernetes: { namespace: ml-serving }, nomad: { datacenters: [dc1] } }
versions:
  - { version: 1.0.0, stage: production, digest: ${hex(i, 'a')}, sizeBytes: 400000000, latencyP95Ms: 20, createdAt: 2026-11-01T10:00:00Z }
  - { version: 1.1.0, stage: validated, digest: ${hex(i, 'b')}, sizeBytes: 410000000, latencyP95Ms: 18, createdAt: 2026-11-02T10:00:00Z }
slots: { active: blue, blue: 1.0.0, green: 1.1.0 }
`);
  }
  return models;
}

const sizes = [100, 1000];
const targets = ['kubernetes', 'nomad'];
const models = Object.fromEntries(sizes.map((n) => [n, makeModels(n)]));
// Untimed: what synth serializes, for the floor to read.
const inputs = {};
for (const n of sizes) {
  for (const t of targets) {
    inputs[`${t}-${n}`] = path.join(work, `floor-inputs-${t}-${n}.bin`);
    run([process.execPath, path.join(__dirname, 'synth-floor-inputs.js'), models[n], t, inputs[`${t}-${n}`]]);
  }
}

function run(argv, env) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  return r;
}

const commands = [];
const add = (key, name, argv, env) => {
  const out = path.join(work, `out-${key}`);
  commands.push({ key, name, out, argv: argv(out), opts: { env: { ...process.env, ...env } } });
};
const synthArgv = (b, t, n) => (out) => [process.execPath, b, 'synth', '--target', t, '--out', out, '--models-dir', models[n]];
for (const t of targets) {
  for (const n of sizes) {
    add(`ms-${t}-${n}`, `modelship synth ${t}, ${n}`, synthArgv(bin, t, n));
    add(`floor-${t}-${n}`, `floor ${t}, ${n}`, (out) => [process.execPath, path.join(__dirname, 'synth-floor.js'), inputs[`${t}-${n}`], t, out]);
  }
  add(`one-${t}-1000`, `one thread ${t}, 1000`, synthArgv(bin, t, 1000), { MODELSHIP_SYNTH_JOBS: '1' });
  if (before) add(`before-${t}-1000`, `before ${t}, 1000`, synthArgv(before, t, 1000));
}
for (const n of sizes) add(`hw-${n}`, `hand-written cdk8s-plus, ${n}`, (out) => [process.execPath, path.join(__dirname, 'handwritten-chart.js'), models[n], out]);

const ms = Object.fromEntries(medians(commands, runs, (c) => fs.rmSync(c.out, { recursive: true, force: true })).map((m, i) => [commands[i].key, m]));
const s = (x) => `${(x / 1000).toFixed(2)} s`;
console.log(`median of ${runs} runs, ${os.availableParallelism()} CPUs (load average now ${os.loadavg()[0].toFixed(2)})`);
for (const c of commands) console.log(`  ${c.name.padEnd(38)} ${s(ms[c.key])}`);
for (const t of targets) {
  console.log(`  ${t}: synth / floor at 1,000:`.padEnd(40), `${(ms[`ms-${t}-1000`] / ms[`floor-${t}-1000`]).toFixed(2)}  (target <= 1.50)`);
  console.log(`  ${t}: one thread / floor at 1,000:`.padEnd(40), `${(ms[`one-${t}-1000`] / ms[`floor-${t}-1000`]).toFixed(2)}`);
  if (before) console.log(`  ${t}: before / floor at 1,000:`.padEnd(40), `${(ms[`before-${t}-1000`] / ms[`floor-${t}-1000`]).toFixed(2)}`);
  console.log(`  ${t}: synth 1,000 / 100:`.padEnd(40), `${(ms[`ms-${t}-1000`] / ms[`ms-${t}-100`]).toFixed(1)}x (target <= 12x; floor ${(ms[`floor-${t}-1000`] / ms[`floor-${t}-100`]).toFixed(1)}x)`);
}
console.log('  kubernetes: synth / hand-written at 1,000:'.padEnd(40), `${(ms['ms-kubernetes-1000'] / ms['hw-1000']).toFixed(2)}  (target <= 0.50)`);

// Byte for byte: the last timed outputs are still on disk.
function sameTree(a, b) {
  const list = (d) => fs.readdirSync(d, { recursive: true }).filter((f) => fs.statSync(path.join(d, f)).isFile()).sort();
  const [la, lb] = [list(a), list(b)];
  if (la.join('\n') !== lb.join('\n')) return `different files (${la.length} vs ${lb.length})`;
  const diff = la.find((f) => !fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))));
  return diff ? `${diff} differs` : `${la.length} files identical`;
}
const out = (key) => path.join(work, `out-${key}`);
const checks = [];
for (const t of targets) {
  checks.push([`${t} 1,000: synth = floor`, sameTree(out(`ms-${t}-1000`), out(`floor-${t}-1000`))]);
  checks.push([`${t} 1,000: parallel = one thread`, sameTree(out(`ms-${t}-1000`), out(`one-${t}-1000`))]);
  if (before) checks.push([`${t} 1,000: parallel = before`, sameTree(out(`ms-${t}-1000`), out(`before-${t}-1000`))]);
}
// Every record shape (rolling, blue-green, stands, candidates, GPUs, autoscaling, retraining), 20 of each, both targets.
const shapes = path.join(work, 'models-shapes');
fs.mkdirSync(shapes);
const shapeDir = path.join(root, 'test', 'fixtures', 'synth-shapes');
for (const f of fs.readdirSync(shapeDir)) {
  for (let i = 0; i < 20; i++) {
    const name = `${f.replace(/\.yaml$/, '')}-${String(i).padStart(2, '0')}`;
    fs.writeFileSync(path.join(shapes, `${name}.yaml`), fs.readFileSync(path.join(shapeDir, f), 'utf8').replace(/^name: .*$/m, `name: ${name}`));
  }
}
for (const [key, env] of [['shapes-par', {}], ['shapes-one', { MODELSHIP_SYNTH_JOBS: '1' }]]) {
  run([process.execPath, bin, 'synth', '--out', out(key), '--models-dir', shapes], env);
}
checks.push(['every shape, both targets: parallel = one thread', sameTree(out('shapes-par'), out('shapes-one'))]);
if (before) {
  run([process.execPath, before, 'synth', '--out', out('shapes-before'), '--models-dir', shapes]);
  checks.push(['every shape, both targets: parallel = before', sameTree(out('shapes-par'), out('shapes-before'))]);
}
console.log('byte for byte:');
for (const [name, verdict] of checks) console.log(`  ${name.padEnd(50)} ${verdict}`);
fs.rmSync(work, { recursive: true, force: true });
if (checks.some(([, v]) => !v.endsWith('identical'))) process.exitCode = 1;
