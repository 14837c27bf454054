import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const TEMP_INFIX = '.tmp-';

/** The temp file `writeFileAtomic` writes beside `file`; its name starts with `tempPrefix(file)`. */
export function tempPrefix(file: string): string {
  return `.${path.basename(file)}${TEMP_INFIX}`;
}

/**
 * Replaces `file` with `content` so that a reader, or a crash at any instant,
 * sees either the old bytes or the new ones: write a temp file beside it,
 * fsync, rename over, fsync the directory so the rename itself is durable.
 * Any failure (a full disk included) removes the temp file and leaves `file` as it was.
 */
export function writeFileAtomic(file: string, content: string | Buffer): void {
  writeFilesAtomic(new Map([[file, content]]));
}

/**
 * Writes every file to its temp file first and renames only when all are
 * written: a full disk halfway through leaves every file as it was and no
 * temp file behind. Each rename is atomic; the set is not (a crash between
 * renames leaves some files new, all of them whole).
 */
export function writeFilesAtomic(files: ReadonlyMap<string, string | Buffer>): void {
  const temps = new Map<string, string>();
  let failed: { error: unknown } | undefined;
  try {
    for (const [file, content] of files) {
      const tmp = path.join(path.dirname(file), `${tempPrefix(file)}${process.pid}-${randomBytes(6).toString('hex')}`);
      const fd = fs.openSync(tmp, 'wx', 0o644);
      temps.set(file, tmp);
      try {
        writeAll(fd, content);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
  } catch (e) {
    failed = { error: e };
  }
  commitTemps(files, temps, failed);
}

/**
 * The second half of both writers: once every temp file is whole, rename each
 * onto its file and sync the folders; after a failure (or one during the
 * renames), remove every temp file not yet renamed and rethrow.
 */
export function commitTemps(files: ReadonlyMap<string, unknown>, temps: Map<string, string>, failed: { error: unknown } | undefined): void {
  try {
    if (failed) throw failed.error;
    for (const [file, tmp] of temps) {
      fs.renameSync(tmp, file);
      temps.delete(file);
    }
  } catch (e) {
    for (const tmp of temps.values()) fs.rmSync(tmp, { force: true });
    throw e;
  }
  for (const dir of new Set([...files.keys()].map((f) => path.dirname(f)))) syncDirectory(dir);
}

/**
 * write(2) may write fewer bytes than asked (a nearly full disk does exactly
 * that, then fails the next call with ENOSPC): loop until every byte is
 * written, and treat a write of nothing as the error it is.
 */
export function writeAll(fd: number, content: string | Buffer, position?: number): void {
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  let done = 0;
  while (done < buf.length) {
    const n = fs.writeSync(fd, buf, done, buf.length - done, position === undefined ? null : position + done);
    if (n <= 0) {
      const e: NodeJS.ErrnoException = new Error(`ENOSPC: no space left on device, write (${done} of ${buf.length} bytes written)`);
      e.code = 'ENOSPC';
      throw e;
    }
    done += n;
  }
}

export function syncDirectory(dir: string): void {
  const dfd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(dfd);
  } finally {
    fs.closeSync(dfd);
  }
}

/**
 * Removes every temp file of `file`. Only call it holding the record's lock:
 * then no one else is writing `file`, so any temp file is an orphan of a killed
 * process, whatever its pid (which may belong to another PID namespace).
 */
export function removeTempFiles(file: string): void {
  const dir = path.dirname(file);
  const prefix = tempPrefix(file);
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith(prefix)) fs.rmSync(path.join(dir, name), { force: true });
  }
}
