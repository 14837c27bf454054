'use strict';
// Kubernetes synthesis of N blue-green models: `modelship synth` against the same
// objects written by hand with cdk8s-plus-27 (one App, one chart per model), in
// the same run. Targets (issue 3): modelship at most half the hand-written time
// at 1,000 models, and 1,000 models at most 12x the time of 100.
// Run: npm run build && node bench/synth.js [runs]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { medians } = require('./median');

const runs = Number(process.argv[2] ?? 3);
const root = path.resolve(__dirname, '..');
const bin = path.join(root, 'bin', 'modelship.js');

function makeModels(n) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-synth-${n}-`));
  const models = path.join(dir, 'models');
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
gates: { maxSizeMiB: 512, maxLatencyP95Ms: 50 }
deploy: { strategy: blue-green, kubernetes: { namespace: ml-serving } }
versions:
  - { version: 1.0.0, stage: production, digest: ${hex(i, 'a')}, sizeBytes: 400000000, latencyP95Ms: 20, createdAt: 2026-11-01T10:00:00Z }
  - { version: 1.1.0, stage: validated, digest: ${hex(i, 'b')}, sizeBytes: 410000000, latencyP95Ms: 18, createdAt: 2026-11-02T10:00:00Z }
slots: { active: blue, blue: 1.0.0, green: 1.1.0 }
`);
  }
  return dir;
}

const sizes = [100, 1000];
const dirs = Object.fromEntries(sizes.map((n) => [n, makeModels(n)]));
const cmd = (kind, n) => {
  const dir = dirs[n];
  const out = path.join(dir, `out-${kind}`);
  return kind === 'modelship'
    ? { name: `modelship synth, ${n} models`, out, argv: [process.execPath, bin, 'synth', '--target', 'kubernetes', '--out', out, '--models-dir', path.join(dir, 'models')] }
    : { name: `hand-written cdk8s-plus, ${n} models`, out, argv: [process.execPath, path.join(__dirname, 'handwritten-chart.js'), path.join(dir, 'models'), out] };
};
const commands = [cmd('modelship', 100), cmd('modelship', 1000), cmd('handwritten', 100), cmd('handwritten', 1000)];
const [ms100, ms1000, hw100, hw1000] = medians(commands, runs, (c) => fs.rmSync(c.out, { recursive: true, force: true }));
const files = fs.readdirSync(path.join(commands[1].out, 'kubernetes')).length;
console.log(`median of ${runs} runs (${files} manifests written for 1,000 models)`);
commands.forEach((c, i) => console.log(`  ${c.name.padEnd(36)} ${([ms100, ms1000, hw100, hw1000][i] / 1000).toFixed(2)} s`));
console.log(`  modelship / hand-written at 1,000:   ${(ms1000 / hw1000).toFixed(2)}  (target <= 0.50)`);
console.log(`  modelship 1,000 / 100:               ${(ms1000 / ms100).toFixed(1)}x (target <= 12x)`);
console.log(`  hand-written 1,000 / 100:            ${(hw1000 / hw100).toFixed(1)}x`);
for (const d of Object.values(dirs)) fs.rmSync(d, { recursive: true, force: true });
