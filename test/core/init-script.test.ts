import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INIT_SCRIPT } from '../../src/core/init-script';
import { treeDigest } from '../../src/core/tree-digest';
import { makeArtifact, shellTreeDigest } from '../helpers/artifact';
import { tempDir } from '../helpers/cli';
import { fillDisk, mountTmpfs, tmpfsSkipReason, unmountAll } from '../helpers/tmpfs';

afterAll(unmountAll);

const hasBusybox = spawnSync('busybox', ['true']).status === 0;
const BUSYBOX = hasBusybox ? spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim() : 'busybox';
// CI installs busybox (.ci/run); a developer machine without it still runs the sh half.
const shells: [string, string[]][] = [['sh', ['sh']], ...(hasBusybox || process.env.CI ? [['busybox sh', [BUSYBOX, 'sh']] as [string, string[]]] : [])];

interface Run { code: number; stderr: string }

/**
 * Runs the script with PATH limited to busybox's applets for `busybox sh`, so a
 * GNU-only flag would fail here as it would in a busybox model image.
 */
function runInit(shell: string[], env: Record<string, string>): Run {
  const binDir = busyboxBin();
  const r = spawnSync(shell[0], [...shell.slice(1), '-c', INIT_SCRIPT], {
    encoding: 'utf8',
    env: { PATH: shell[0] === BUSYBOX ? binDir : process.env.PATH ?? '', ...env },
  });
  return { code: r.status ?? -1, stderr: r.stderr };
}

let bbDir: string | undefined;
function busyboxBin(): string {
  if (bbDir || !hasBusybox) return bbDir ?? '';
  bbDir = tempDir('busybox-bin-');
  const applets = spawnSync('busybox', ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const a of applets) fs.symlinkSync(BUSYBOX, path.join(bbDir, a));
  return bbDir;
}

function setup(seed = 'a') {
  const dir = tempDir('init-');
  const src = makeArtifact(path.join(dir, 'image', 'model'), seed);
  const dest = path.join(dir, 'volume', 'model');
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  return { dir, src, dest };
}

describe.each(shells)('init script under %s', (_name, shell) => {
  it('copies a good artifact, verifies it and writes the marker last', async () => {
    const { src, dest } = setup();
    const { digest } = await treeDigest(src);
    const r = runInit(shell, { MODELSHIP_SRC: src, MODELSHIP_DEST: dest, MODELSHIP_VERSION: '1.2.0', MODELSHIP_DIGEST: digest });
    expect(r.stderr).toMatch(/1\.2\.0 verified/);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(dest, '.modelship-ready'), 'utf8')).toBe(`version=1.2.0\ndigest=${digest}\n`);
    expect(fs.readFileSync(path.join(dest, 'conf dir', 'nested', 'config file.json'), 'utf8')).toContain('threshold');
    fs.rmSync(path.join(dest, '.modelship-ready'));
    // What the server reads is the artifact, byte for byte.
    expect((await treeDigest(dest)).digest).toBe(digest);
    expect(fs.readdirSync(path.dirname(dest))).toEqual(['model']);
  });

  it('refuses a corrupted byte: non-zero exit, a clear message, no marker, no destination', async () => {
    const { src, dest } = setup();
    const { digest } = await treeDigest(src);
    const f = path.join(src, 'weights', 'model.bin');
    const buf = fs.readFileSync(f);
    buf[7] ^= 0xff;
    fs.writeFileSync(f, buf);
    const r = runInit(shell, { MODELSHIP_SRC: src, MODELSHIP_DEST: dest, MODELSHIP_VERSION: '1.2.0', MODELSHIP_DIGEST: digest });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(new RegExp(`digest mismatch for 1\\.2\\.0: expected ${digest}`));
    expect(fs.existsSync(dest)).toBe(false);
    expect(fs.readdirSync(path.dirname(dest))).toEqual([]);
  });

  it('leaves a ready destination alone on a second run (no copy)', async () => {
    const { src, dest } = setup();
    const { digest } = await treeDigest(src);
    const env = { MODELSHIP_SRC: src, MODELSHIP_DEST: dest, MODELSHIP_VERSION: '1.2.0', MODELSHIP_DIGEST: digest };
    expect(runInit(shell, env).code).toBe(0);
    const inode = fs.statSync(path.join(dest, 'weights', 'model.bin')).ino;
    // Remove the source: a second copy would now fail loudly.
    fs.rmSync(path.join(src, 'weights'), { recursive: true });
    const again = runInit(shell, env);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/nothing to copy/);
    expect(fs.statSync(path.join(dest, 'weights', 'model.bin')).ino).toBe(inode);
  });

  it('replaces a destination holding another version', async () => {
    const { src, dest } = setup('new');
    const old = makeArtifact(path.join(path.dirname(src), 'old'), 'old');
    const oldDigest = (await treeDigest(old)).digest;
    expect(runInit(shell, { MODELSHIP_SRC: old, MODELSHIP_DEST: dest, MODELSHIP_VERSION: '1.0.0', MODELSHIP_DIGEST: oldDigest }).code).toBe(0);
    const { digest } = await treeDigest(src);
    expect(runInit(shell, { MODELSHIP_SRC: src, MODELSHIP_DEST: dest, MODELSHIP_VERSION: '1.1.0', MODELSHIP_DIGEST: digest }).code).toBe(0);
    expect(fs.readFileSync(path.join(dest, '.modelship-ready'), 'utf8')).toContain('version=1.1.0');
    expect(fs.readdirSync(path.dirname(dest))).toEqual(['model']);
  });

  it('recovers from a run killed mid-copy: the leftover temp dir goes, the copy completes', async () => {
    const { src, dest } = setup();
    const { digest } = await treeDigest(src);
    const env = { MODELSHIP_SRC: src, MODELSHIP_DEST: dest, MODELSHIP_VERSION: '1.2.0', MODELSHIP_DIGEST: digest };
    const parent = path.dirname(dest);
    // What a SIGKILL during `cp` leaves: a partial temp copy beside the destination, no marker.
    const leftover = path.join(parent, '.model.modelship-tmp.Kx81aQ');
    fs.mkdirSync(path.join(leftover, 'weights'), { recursive: true });
    fs.writeFileSync(path.join(leftover, 'weights', 'model.bin'), 'partial');

    const r = runInit(shell, env);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/left by an interrupted run/);
    expect(fs.readdirSync(parent)).toEqual(['model']);
    fs.rmSync(path.join(dest, '.modelship-ready'));
    expect((await treeDigest(dest)).digest).toBe(digest);
  });

  it('survives a real SIGKILL at any point: the next run ends verified', async () => {
    const { src, dest } = setup();
    fs.writeFileSync(path.join(src, 'weights', 'big.bin'), Buffer.alloc(16 * 1024 * 1024, 7));
    const { digest } = await treeDigest(src);
    const env = { MODELSHIP_SRC: src, MODELSHIP_DEST: dest, MODELSHIP_VERSION: '1.2.0', MODELSHIP_DIGEST: digest };
    for (const delayMs of [5, 20, 60]) {
      fs.rmSync(path.dirname(dest), { recursive: true, force: true });
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      const child = spawn(shell[0], [...shell.slice(1), '-c', INIT_SCRIPT], {
        env: { PATH: shell[0] === BUSYBOX ? busyboxBin() : process.env.PATH ?? '', ...env }, detached: true,
      });
      const closed = new Promise((resolve) => child.on('close', resolve));
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* it finished first */
      }
      await closed;
      const r = runInit(shell, env);
      expect(r.code).toBe(0);
      expect(fs.readdirSync(path.dirname(dest))).toEqual(['model']);
      expect(fs.readFileSync(path.join(dest, '.modelship-ready'), 'utf8')).toContain(digest);
    }
  });

  it('on a shared volume (MODELSHIP_STALE_MINUTES) takes over a dead run\'s old claim and clears its temp dirs', async () => {
    const { src, dest } = setup();
    const { digest } = await treeDigest(src);
    const parent = path.dirname(dest);
    const claim = path.join(parent, '.model.modelship-claim');
    fs.mkdirSync(claim);
    fs.writeFileSync(path.join(claim, 'owner'), 'a dead run\n');
    fs.mkdirSync(path.join(parent, '.model.modelship-tmp.dead01'));
    const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
    fs.utimesSync(claim, twoHoursAgo, twoHoursAgo);
    const r = runInit(shell, { MODELSHIP_SRC: src, MODELSHIP_DEST: dest, MODELSHIP_VERSION: '1.2.0', MODELSHIP_DIGEST: digest, MODELSHIP_STALE_MINUTES: '60' });
    expect(r.stderr).toMatch(/removing .*\.model\.modelship-claim left by an interrupted run/);
    expect(r.code).toBe(0);
    expect(fs.readdirSync(parent)).toEqual(['model']);
  });

  it('on a shared volume waits for a live claim and uses the tree its holder made ready', async () => {
    const { src, dest } = setup();
    const { digest } = await treeDigest(src);
    const claim = path.join(path.dirname(dest), '.model.modelship-claim');
    fs.mkdirSync(claim);
    const env = { MODELSHIP_SRC: src, MODELSHIP_DEST: dest, MODELSHIP_VERSION: '1.2.0', MODELSHIP_DIGEST: digest, MODELSHIP_STALE_MINUTES: '60' };
    const waiter = spawn(shell[0], [...shell.slice(1), '-c', INIT_SCRIPT], { env: { PATH: shell[0] === BUSYBOX ? busyboxBin() : process.env.PATH ?? '', ...env } });
    let stderr = '';
    waiter.stderr.on('data', (d) => (stderr += d));
    const code = new Promise<number>((resolve) => waiter.on('close', (c) => resolve(c ?? -1)));
    // Long enough for several of its 0.2 s polls; the stderr line below proves it waited rather than copied.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(fs.existsSync(dest)).toBe(false); // still waiting: it did not copy under someone else's claim
    // The holder finishes: a tree and its marker appear.
    fs.cpSync(src, dest, { recursive: true });
    fs.writeFileSync(path.join(dest, '.modelship-ready'), `version=1.2.0\ndigest=${digest}\n`);
    expect(await code).toBe(0);
    expect(stderr).toMatch(/made ready in .* meanwhile by another run/);
  });

  /** PATH with a sha256sum that takes `seconds` first: a copy that holds its claim that long. */
  function slowHashPath(seconds: number): string {
    const dir = tempDir('slow-hash-');
    const real = shell[0] === BUSYBOX ? `${BUSYBOX} sha256sum` : spawnSync('sh', ['-c', 'command -v sha256sum'], { encoding: 'utf8' }).stdout.trim();
    fs.writeFileSync(path.join(dir, 'sha256sum'), `#!/bin/sh\nsleep ${seconds}\nexec ${real} "$@"\n`, { mode: 0o755 });
    return `${dir}:${shell[0] === BUSYBOX ? busyboxBin() : process.env.PATH ?? ''}`;
  }

  // The heartbeat's timing under one shell (busybox runs it too, started and stopped, in every shared-volume test above and below).
  const timing = shell[0] === BUSYBOX ? it.skip : it;

  /** A run on a shared volume (a beat a second) whose hashing takes `hashSeconds`, once it holds its claim. */
  async function claimHolder(hashSeconds: number) {
    const { src, dest } = setup();
    const { digest } = await treeDigest(src);
    const claim = path.join(path.dirname(dest), '.model.modelship-claim');
    const env = { MODELSHIP_SRC: src, MODELSHIP_DEST: dest, MODELSHIP_VERSION: '1.2.0', MODELSHIP_DIGEST: digest, MODELSHIP_STALE_MINUTES: '2', MODELSHIP_HEARTBEAT_SECONDS: '1' };
    const holder = spawn(shell[0], [...shell.slice(1), '-c', INIT_SCRIPT], { env: { ...env, PATH: slowHashPath(hashSeconds) }, stdio: 'ignore' });
    const code = new Promise<number>((resolve) => holder.on('close', (c) => resolve(c ?? -1)));
    while (!fs.existsSync(path.join(claim, 'owner'))) await new Promise((resolve) => setTimeout(resolve, 50));
    return { dest, claim, env, holder, code };
  }

  timing('on a shared volume the holder keeps its claim fresh while it copies, so a long copy is never taken for a dead one', async () => {
    const { dest, claim, code } = await claimHolder(3);
    // Made to look two hours old mid-copy: the holder's next beat makes it young again.
    const old = new Date(Date.now() - 2 * 3600 * 1000);
    fs.utimesSync(claim, old, old);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(Date.now() - fs.statSync(claim).mtimeMs).toBeLessThan(60_000);
    expect(await code).toBe(0);
    expect(fs.readdirSync(path.dirname(dest))).toEqual(['model']);
  }, 30_000);

  timing('on a shared volume a holder killed outright stops touching its claim, so it grows stale', async () => {
    const { claim, env, holder, code } = await claimHolder(4);
    // The shell alone, as an OOM kill takes it: its heartbeat sees it gone and stops.
    holder.kill('SIGKILL');
    await code;
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const old = new Date(Date.now() - 3 * 60 * 1000);
    fs.utimesSync(claim, old, old);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(Date.now() - fs.statSync(claim).mtimeMs).toBeGreaterThan(2 * 60 * 1000);
    // And the next run takes it over at once.
    const r = runInit(shell, env);
    expect(r.stderr).toMatch(/removing .*\.model\.modelship-claim left by an interrupted run/);
    expect(r.code).toBe(0);
  }, 30_000);

  it('two runs copying one version into a shared volume at once end with one complete tree and one marker (10 races)', async () => {
    const { src } = setup();
    fs.writeFileSync(path.join(src, 'weights', 'big.bin'), Buffer.alloc(4 * 1024 * 1024, 3));
    const { digest } = await treeDigest(src);
    const runAsync = (dest: string) => new Promise<number>((resolve) => {
      const env = { MODELSHIP_SRC: src, MODELSHIP_DEST: dest, MODELSHIP_VERSION: '1.2.0', MODELSHIP_DIGEST: digest, MODELSHIP_STALE_MINUTES: '60' };
      const c = spawn(shell[0], [...shell.slice(1), '-c', INIT_SCRIPT], { env: { PATH: shell[0] === BUSYBOX ? busyboxBin() : process.env.PATH ?? '', ...env }, stdio: 'ignore' });
      c.on('close', (code) => resolve(code ?? -1));
    });
    // Each race has a volume of its own, so the ten run at once: the pairs still race only each other.
    await Promise.all(Array.from({ length: 10 }, async () => {
      const dest = path.join(tempDir('init-race-'), 'volume', 'model');
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      expect(await Promise.all([runAsync(dest), runAsync(dest)])).toEqual([0, 0]);
      expect(fs.readdirSync(path.dirname(dest))).toEqual(['model']);
      expect(fs.readFileSync(path.join(dest, '.modelship-ready'), 'utf8')).toBe(`version=1.2.0\ndigest=${digest}\n`);
      fs.rmSync(path.join(dest, '.modelship-ready'));
      expect(shellTreeDigest(dest)).toBe(digest);
      expect(fs.readdirSync(dest).sort()).toEqual(['README', 'Zeta', 'conf dir', 'weights']);
      fs.rmSync(path.dirname(path.dirname(dest)), { recursive: true, force: true });
    }));
  }, 60_000);

  it.each([
    ['a symlink out of the tree', (src: string) => fs.symlinkSync('/etc/shadow', path.join(src, 'tokenizer.json')), /tokenizer\.json is a symlink/],
    ['a symlink to /', (src: string) => fs.symlinkSync('/', path.join(src, 'rootfs')), /rootfs is a symlink/],
    ['a symlink inside the tree', (src: string) => fs.symlinkSync('weights/model.bin', path.join(src, 'current.bin')), /current\.bin is a symlink/],
    ['a FIFO', (src: string) => execFileSync('mkfifo', [path.join(src, 'weights', 'pipe')]), /weights\/pipe is a special file/],
  ])('refuses %s: exit 1, the path named, no destination, no marker', async (_what, plant, message) => {
    const { src, dest } = setup();
    const { digest } = await treeDigest(src);
    plant(src);
    const r = runInit(shell, { MODELSHIP_SRC: src, MODELSHIP_DEST: dest, MODELSHIP_VERSION: '1.2.0', MODELSHIP_DIGEST: digest });
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(1);
    expect(fs.readdirSync(path.dirname(dest))).toEqual([]);
  });

  it('leaves out empty directories, which the digest does not cover', async () => {
    const { src, dest } = setup();
    fs.mkdirSync(path.join(src, 'empty', 'deeper'), { recursive: true });
    const { digest } = await treeDigest(src);
    const r = runInit(shell, { MODELSHIP_SRC: src, MODELSHIP_DEST: dest, MODELSHIP_VERSION: '1.2.0', MODELSHIP_DIGEST: digest });
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(dest, 'empty'))).toBe(false);
    expect(fs.readdirSync(dest).sort()).toEqual(['.modelship-ready', 'README', 'Zeta', 'conf dir', 'weights']);
  });

  const maybeTmpfs = tmpfsSkipReason ? it.skip : it;
  maybeTmpfs('a marker that cannot be written (full volume) fails with the reason, no marker and no temp file', async () => {
    const { src } = setup();
    const { digest } = await treeDigest(src);
    const volume = mountTmpfs(1024);
    const dest = path.join(volume, 'model');
    // Room for the claim's owner file and the copy (tmpfs: whole pages per file, none per directory), none for the marker.
    const files = execFileSync('find', [src, '-type', 'f'], { encoding: 'utf8' }).trim().split('\n');
    const pages = files.reduce((n, f) => n + Math.ceil(fs.statSync(f).size / 4096), 0);
    const disk = fillDisk(volume, pages + 1);
    const r = runInit(shell, { MODELSHIP_SRC: src, MODELSHIP_DEST: dest, MODELSHIP_VERSION: '1.2.0', MODELSHIP_DIGEST: digest });
    disk.release();
    expect(r.stderr).toMatch(/cannot write the ready marker .*\.modelship-ready \(is the volume full\?\)/);
    expect(r.code).toBe(1);
    expect(fs.existsSync(path.join(dest, '.modelship-ready'))).toBe(false);
    expect(fs.existsSync(path.join(dest, '.modelship-ready.tmp'))).toBe(false);
    expect(fs.readdirSync(volume).filter((n) => n !== '.filler')).toEqual(['model']);
  });

  it('hashes in parallel (large files one per process, small ones batched) to the digest measure computes', async () => {
    const { dir, src, dest } = setup('parallel');
    // Files over 1 MiB take the one-per-process path; they sort between small files on purpose.
    for (const name of ['a big.bin', 'm/big two.bin', 'zz.bin']) {
      fs.mkdirSync(path.dirname(path.join(src, name)), { recursive: true });
      fs.writeFileSync(path.join(src, name), Buffer.alloc(1536 * 1024, name));
    }
    for (let i = 0; i < 640; i++) fs.writeFileSync(path.join(src, `small ${i}.txt`), `piece ${i}\n`);
    const { digest } = await treeDigest(src);
    for (const jobs of ['1', '3']) {
      fs.rmSync(dest, { recursive: true, force: true });
      const r = runInit(shell, { MODELSHIP_SRC: src, MODELSHIP_DEST: dest, MODELSHIP_VERSION: '1.0.0', MODELSHIP_DIGEST: digest, MODELSHIP_HASH_JOBS: jobs });
      expect(r.stderr).toMatch(/verified/);
      expect(r.code).toBe(0);
    }
    // Its own lists and sums are gone: only the ready tree is left beside the destination.
    expect(fs.readdirSync(path.dirname(dest))).toEqual(['model']);
    // One changed byte in a large file is still caught on the parallel path.
    fs.rmSync(dest, { recursive: true, force: true });
    fs.appendFileSync(path.join(src, 'm', 'big two.bin'), 'x');
    const bad = runInit(shell, { MODELSHIP_SRC: src, MODELSHIP_DEST: dest, MODELSHIP_VERSION: '1.0.0', MODELSHIP_DIGEST: digest, MODELSHIP_HASH_JOBS: '2' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/digest mismatch/);
    expect(fs.existsSync(dest)).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names a missing variable', () => {
    const r = runInit(shell, { MODELSHIP_SRC: '/x', MODELSHIP_DEST: '/y', MODELSHIP_VERSION: '1.0.0' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/MODELSHIP_DIGEST is not set/);
  });
});

it('CI runs the script under busybox', () => {
  if (process.env.CI) expect(hasBusybox).toBe(true);
});
