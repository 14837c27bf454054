import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './cli';

const PAGE = 4096;

/**
 * Full-disk tests need a real small file system: mounting a tmpfs needs root.
 * CI runs as root, and under CI=true a missing mount is a failure, not a skip.
 */
export const canMount = process.getuid?.() === 0;
export const tmpfsSkipReason = canMount ? undefined : 'full-disk tests need root to mount a small tmpfs (run as root, or in CI)';
if (!canMount && process.env.CI === 'true') throw new Error('CI=true but not root: the full-disk tests cannot mount their tmpfs');

const mounted: string[] = [];

/** A fresh tmpfs of `kib` KiB, unmounted by `unmountAll`. */
export function mountTmpfs(kib: number): string {
  const dir = tempDir('tmpfs-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k,mode=0755`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mount tmpfs on ${dir}: ${r.stderr}`);
  mounted.push(dir);
  return dir;
}

export function unmountAll(): void {
  for (const dir of mounted.splice(0)) {
    spawnSync('umount', [dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Fills the file system holding `dir` until exactly `freePages` pages are left
 * (0: nothing at all), with a filler file that `release` removes.
 */
export function fillDisk(dir: string, freePages = 0): { release: () => void } {
  const filler = path.join(dir, '.filler');
  const fd = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(PAGE, 1);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  }
  const size = fs.fstatSync(fd).size;
  // Whole pages only, so that the free space is whole pages too.
  fs.ftruncateSync(fd, Math.max(0, Math.floor(size / PAGE) - freePages) * PAGE);
  fs.closeSync(fd);
  return { release: () => fs.rmSync(filler, { force: true }) };
}
