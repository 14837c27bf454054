import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Replaces `file` with `content` so that a reader, or a crash at any instant,
 * sees either the old bytes or the new ones: write a temp file beside it,
 * fsync, rename over, fsync the directory so the rename itself is durable.
 */
export function writeFileAtomic(file: string, content: string): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}-${Date.now().toString(36)}`);
  writeDurably(tmp, 'wx', content);
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  const dfd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(dfd);
  } finally {
    fs.closeSync(dfd);
  }
}

/**
 * Writes with one write(2) and fdatasync: the bytes and the size are durable
 * when this returns (timestamps need not be, so fdatasync rather than fsync).
 */
export function writeDurably(file: string, flags: 'wx' | 'a', content: string): void {
  const fd = fs.openSync(file, flags, 0o644);
  try {
    fs.writeSync(fd, content);
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Temp files left by a process killed between write and rename; their pid is in the name. */
export function removeOrphanTempFiles(file: string): void {
  const dir = path.dirname(file);
  const prefix = `.${path.basename(file)}.tmp-`;
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && !processAlive(pid)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
