import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InputError } from './errors';

/** The marker the init script writes into a verified destination; never part of an artifact. */
export const READY_MARKER = '.modelship-ready';

export interface TreeFile {
  /** `./`-prefixed path relative to the root, as `find .` prints it. */
  readonly relPath: string;
  readonly absPath: string;
  readonly size: number;
}

export interface TreeDigestResult {
  readonly digest: string;
  readonly sizeBytes: number;
  readonly files: number;
}

export interface TreeDigestOptions {
  /** Called as bytes are hashed, for a progress bar. */
  readonly onProgress?: (doneBytes: number, totalBytes: number) => void;
}

/**
 * Lists the regular files under `root` the way `find . -type f | LC_ALL=C sort`
 * does, and refuses what the init script refuses (src/core/init-script.ts):
 * any symlink (the digest covers bytes, not where a link points, so a link
 * retargeted after measuring would still verify) and any special file. Empty
 * directories are not in the digest; the script leaves them out of the copy.
 */
export async function listTree(root: string): Promise<TreeFile[]> {
  const rootReal = await fs.realpath(root).catch(() => {
    throw new InputError(`--artifact: ${root} does not exist`);
  });
  const st = await fs.stat(rootReal);
  if (!st.isDirectory()) throw new InputError(`--artifact: ${root} is not a directory`);
  const files: TreeFile[] = [];

  async function walk(dir: string, rel: string): Promise<void> {
    const entries = await fs.readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    for (const e of entries) {
      const raw = e.name as unknown as Buffer;
      const name = raw.toString('utf8');
      const relPath = `${rel}/${name}`;
      // A name that is not UTF-8 cannot be named back to the file system from a JS string.
      if (!Buffer.from(name, 'utf8').equals(raw)) {
        throw new InputError(`--artifact: ${rel}/${raw.toString('latin1')}: file name is not valid UTF-8; rename it`);
      }
      if (/[\n\\]/.test(name)) {
        throw new InputError(`--artifact: ${relPath}: file names with a newline or backslash are not supported (sha256sum escapes them)`);
      }
      const abs = path.join(dir, name);
      if (e.isDirectory()) {
        await walk(abs, relPath);
      } else if (e.isFile()) {
        if (relPath === `./${READY_MARKER}`) {
          throw new InputError(`--artifact: ${relPath}: ${READY_MARKER} is reserved for the init script's ready marker`);
        }
        const s = await fs.stat(abs);
        files.push({ relPath, absPath: abs, size: s.size });
      } else if (e.isSymbolicLink()) {
        throw new InputError(`--artifact: ${relPath} is a symlink (to ${await fs.readlink(abs)}); an artifact holds only regular files and directories: copy the target in its place`);
      } else {
        throw new InputError(`--artifact: ${relPath} is a special file (device, FIFO or socket); an artifact holds only regular files and directories`);
      }
    }
  }
  await walk(rootReal, '.');
  files.sort((a, b) => Buffer.compare(Buffer.from(a.relPath), Buffer.from(b.relPath)));
  return files;
}

async function sha256File(file: string, onBytes: (n: number) => void): Promise<string> {
  const hash = createHash('sha256');
  // Streamed in 1 MiB chunks: a 5 GB model must not need 5 GB of memory.
  const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    onBytes((chunk as Buffer).length);
  }
  return hash.digest('hex');
}

/**
 * The tree digest of DESIGN.md: sha256 of the lines `<sha256>  ./<path>\n`,
 * one per regular file in bytewise path order, exactly what
 * `find . -type f | LC_ALL=C sort | while read f; do sha256sum "$f"; done | sha256sum` hashes.
 */
export async function treeDigest(root: string, opts: TreeDigestOptions = {}): Promise<TreeDigestResult> {
  const files = await listTree(root);
  // For the progress bar only.
  const total = files.reduce((n, f) => n + f.size, 0);
  let done = 0;
  const tree = createHash('sha256');
  for (const f of files) {
    const hex = await sha256File(f.absPath, (n) => {
      done += n;
      opts.onProgress?.(done, total);
    });
    tree.update(`${hex}  ${f.relPath}\n`);
  }
  // The size is the bytes hashed, not the listing's stat: a file that changed in
  // between cannot give a size that disagrees with the digest it is recorded with.
  return { digest: `sha256:${tree.digest('hex')}`, sizeBytes: done, files: files.length };
}

export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;
