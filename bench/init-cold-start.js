'use strict';
// Cold start of a model: what a pod or allocation waits for while the init task copies and
// verifies the artifact. Measured under busybox (PATH holds only its applets, as in a busybox
// model image) against the floor in the same run: busybox `cp -R` plus one busybox `sha256sum`
// over every file of the tree, one core.
//
// Run: npm run build && node bench/init-cold-start.js [runs=5] [--big]
//   --big also reports a 10 GB tree of 5 files (needs ~21 GB free under $TMPDIR; slow).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { median } = require('./median');

const root = path.resolve(__dirname, '..');
const { INIT_SCRIPT } = require(path.join(root, 'lib/src/core/init-script.js'));
const { treeDigest } = require(path.join(root, 'lib/src/core/tree-digest.js'));

const args = process.argv.slice(2);
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 5);
const big = args.includes('--big');

const busybox = spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim();
if (!busybox) throw new Error('busybox is not installed (apt-get install busybox-static)');
const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bb-'));
for (const a of spawnSync(busybox, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)) {
  fs.symlinkSync(busybox, path.join(bin, a));
}
const env = { PATH: bin };

/** Incompressible bytes written in 16 MiB chunks, so building a 10 GB file stays flat in memory. */
function writeRandom(file, bytes) {
  const fd = fs.openSync(file, 'w');
  const chunk = Buffer.alloc(16 << 20);
  for (let left = bytes; left > 0; left -= chunk.length) {
    require('node:crypto').randomFillSync(chunk);
    fs.writeSync(fd, chunk, 0, Math.min(left, chunk.length));
  }
  fs.closeSync(fd);
}

function makeTree(dir, large, largeBytes, small, smallBytes) {
  fs.mkdirSync(path.join(dir, 'weights'), { recursive: true });
  for (let i = 0; i < large; i++) writeRandom(path.join(dir, 'weights', `shard-${i}.bin`), largeBytes);
  for (let i = 0; i < small; i++) {
    const sub = path.join(dir, 'vocab', String(i % 20));
    fs.mkdirSync(sub, { recursive: true });
    writeRandom(path.join(sub, `piece ${i}.json`), smallBytes);
  }
  return dir;
}

function time(argv, extraEnv = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env: { ...env, ...extraEnv } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}

async function measureTree(label, src) {
  const { digest, sizeBytes } = await treeDigest(src);
  const work = fs.mkdtempSync(path.join(path.dirname(src), 'work-'));
  const dest = path.join(work, 'volume', 'model');
  const floor = [];
  const init = [];
  const restart = [];
  for (let i = 0; i < runs; i++) {
    fs.rmSync(path.join(work, 'volume'), { recursive: true, force: true });
    fs.mkdirSync(path.join(work, 'volume'));
    // The floor: copy, then one sha256sum process over every file of the copy.
    floor.push(time([path.join(bin, 'sh'), '-c', 'cp -R "$1/." "$2" && cd "$2" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum >/dev/null', 'sh', src, path.join(work, 'volume', 'floor')]));
    fs.rmSync(path.join(work, 'volume'), { recursive: true, force: true });
    fs.mkdirSync(path.join(work, 'volume'));
    const vars = { MODELSHIP_SRC: src, MODELSHIP_DEST: dest, MODELSHIP_VERSION: '1.0.0', MODELSHIP_DIGEST: digest };
    init.push(time([path.join(bin, 'sh'), '-c', INIT_SCRIPT], vars));
    restart.push(time([path.join(bin, 'sh'), '-c', INIT_SCRIPT], vars));
  }
  fs.rmSync(work, { recursive: true, force: true });
  const f = median(floor);
  const s = median(init);
  console.log(`${label} (${(sizeBytes / 1e6).toFixed(0)} MB): floor cp -R + one sha256sum ${f.toFixed(0)} ms; ` +
    `init copy+verify ${s.toFixed(0)} ms = ${(s / f).toFixed(2)}x floor; restart (no copy) ${median(restart).toFixed(1)} ms ` +
    `[median of ${runs}, ${os.cpus().length} CPUs]`);
  return s / f;
}

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-init-'));
  try {
    const ratio = await measureTree('600 MB tree, 4 large + 2,000 small files',
      makeTree(path.join(dir, 'tree'), 4, 148 * 1024 * 1024, 2000, 4096));
    console.log(`target <= 0.75x floor: ${ratio <= 0.75 ? 'met' : 'NOT met'}`);
    fs.rmSync(path.join(dir, 'tree'), { recursive: true, force: true });
    if (big) await measureTree('10 GB tree, 5 files', makeTree(path.join(dir, 'big'), 5, 2000 * 1000 * 1000, 0, 0));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(bin, { recursive: true, force: true });
  }
})().catch((e) => { console.error(e.message); process.exit(1); });
