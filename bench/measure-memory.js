'use strict';
// Peak RSS of `measure --artifact` on a large sparse file against a tiny artifact,
// in the same run: hashing must stream, so memory stays flat whatever the size.
// Run: npm run build && node bench/measure-memory.js [GiB]
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const gib = Number(process.argv[2] ?? 4);
const root = path.resolve(__dirname, '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-measure-'));
const models = path.join(dir, 'models');
fs.cpSync(path.join(root, 'models'), models, { recursive: true });
const env = { ...process.env, MODELSHIP_ACTOR: 'bench' };
execFileSync(process.execPath, [path.join(root, 'bin/modelship.js'), 'bump', 'taxi-fare', 'major', '--models-dir', models], { env });

function peak(artifact) {
  const script = `require(${JSON.stringify(path.join(root, 'lib/src/cli/main.js'))})
    .run([process.argv0, 'modelship', 'measure', 'taxi-fare', '2.0.0', '--artifact', ${JSON.stringify(artifact)}, '--models-dir', ${JSON.stringify(models)}])
    .then(() => process.stderr.write('maxrss=' + process.resourceUsage().maxRSS + '\\n'));`;
  const start = Date.now();
  const r = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return { mib: Number(/maxrss=(\d+)/.exec(r.stderr)[1]) / 1024, s: (Date.now() - start) / 1000 };
}

const small = path.join(dir, 'small');
fs.mkdirSync(small);
fs.writeFileSync(path.join(small, 'weights.bin'), 'x'.repeat(1024));
const big = path.join(dir, 'big');
fs.mkdirSync(big);
execFileSync('truncate', ['-s', `${gib}G`, path.join(big, 'weights.bin')]);

const a = peak(small);
const b = peak(big);
console.log(`peak RSS, 1 KiB artifact:       ${a.mib.toFixed(0)} MiB (${a.s.toFixed(1)} s)`);
console.log(`peak RSS, ${gib} GiB sparse artifact: ${b.mib.toFixed(0)} MiB (${b.s.toFixed(1)} s, ${(gib * 1024 / b.s).toFixed(0)} MiB/s)`);
console.log(`difference: ${(b.mib - a.mib).toFixed(0)} MiB for ${gib * 1024} MiB hashed`);
fs.rmSync(dir, { recursive: true, force: true });
