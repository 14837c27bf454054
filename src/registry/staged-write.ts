import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commitTemps, tempPrefix } from './atomic-write';

export interface StagedWriteOptions {
  /** Files in flight at once. @default 16 */
  readonly concurrency?: number;
  /** Create missing folders (`mkdir -p`); `abort` removes those it created. @default false: a missing folder fails the write */
  readonly createFolders?: boolean;
}

/**
 * Files written to temp files beside their targets as they become known, then
 * made visible together (`commit`) or not at all (`abort`). Up to
 * `concurrency` files are in flight on libuv's threads: many small files are
 * bound by fsync latency, not CPU, and the file system commits concurrent
 * fsyncs together. Staging while the rest is still being computed hides that
 * latency behind the computing; nothing a reader can see changes before
 * `commit`, and `abort` takes back even the folders staging had to create.
 */
export class StagedWrite {
  /** Temp file of each staged file, once its open succeeded. */
  private readonly temps = new Map<string, string>();
  /** What each staged file holds. */
  private readonly staged = new Map<string, string | Buffer>();
  private readonly queue: [file: string, content: string | Buffer][] = [];
  private readonly lanes = new Set<Promise<void>>();
  /** The first folder each `mkdir -p` created, to take back on abort. */
  private readonly created: string[] = [];
  private readonly dirs = new Set<string>();
  private failure?: { error: unknown };

  constructor(private readonly options: StagedWriteOptions = {}) {}

  /** Starts writing `file`'s temp file; a file staged twice keeps the first content (commit writes the final one). */
  stage(file: string, content: string | Buffer): void {
    if (this.failure || this.staged.has(file)) return;
    this.staged.set(file, content);
    this.queue.push([file, content]);
    this.pump();
  }

  /**
   * Makes exactly `files` visible: waits for what is in flight, writes what
   * was not staged (or staged with other bytes), renames every temp file onto
   * its file and syncs the folders. Temp files staged for files not in
   * `files` are removed. Any failure removes every temp file and rethrows it.
   */
  async commit(files: ReadonlyMap<string, string | Buffer>): Promise<void> {
    for (const [file, content] of files) {
      const before = this.staged.get(file);
      if (before === undefined) this.stage(file, content);
      else if (!same(before, content)) this.failure ??= { error: new Error(`staged ${file} with other bytes than it commits`) };
    }
    await this.settle();
    for (const [file, tmp] of [...this.temps]) {
      if (!files.has(file)) {
        fs.rmSync(tmp, { force: true });
        this.temps.delete(file);
      }
    }
    const unwritten = [...files.keys()].find((f) => !this.temps.has(f));
    if (!this.failure && unwritten !== undefined) this.failure = { error: new Error(`staged write: ${unwritten} has no temp file`) };
    commitTemps(files, this.temps, this.failure);
  }

  /** Takes everything back: waits for what is in flight, removes every temp file and the folders staging created (if still empty). */
  async abort(): Promise<void> {
    this.failure ??= { error: new Error('aborted') };
    await this.settle();
    for (const tmp of this.temps.values()) fs.rmSync(tmp, { force: true });
    this.temps.clear();
    for (const first of this.created.reverse()) removeEmptyUpTo(first, [...this.dirs]);
  }

  private async settle(): Promise<void> {
    while (this.lanes.size) await Promise.allSettled([...this.lanes]);
  }

  /** Starts lanes for queued files, up to the concurrency; a lane that ends calls it again. */
  private pump(): void {
    // A lane takes its first file before its first await, so the queue shrinks as lanes start.
    while (!this.failure && this.queue.length && this.lanes.size < (this.options.concurrency ?? 16)) {
      const lane: Promise<void> = this.lane().finally(() => {
        this.lanes.delete(lane);
        this.pump();
      });
      this.lanes.add(lane);
    }
  }

  private async lane(): Promise<void> {
    for (let next = this.queue.shift(); next && !this.failure; next = this.queue.shift()) {
      try {
        await this.writeTemp(...next);
      } catch (error) {
        // The other lanes stop too: nothing more is written once one write failed.
        this.failure ??= { error };
      }
    }
  }

  private async writeTemp(file: string, content: string | Buffer): Promise<void> {
    const dir = path.dirname(file);
    if (this.options.createFolders && !this.dirs.has(dir)) {
      // Noted before mkdir: a full disk can fail it after it created the upper folders.
      const first = firstMissing(dir);
      if (first !== undefined) this.created.push(first);
      this.dirs.add(dir);
      fs.mkdirSync(dir, { recursive: true });
    }
    const tmp = path.join(dir, `${tempPrefix(file)}${process.pid}-${randomBytes(6).toString('hex')}`);
    const fh = await fs.promises.open(tmp, 'wx', 0o644);
    this.temps.set(file, tmp);
    try {
      await fh.writeFile(content);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
}

/**
 * `files` made visible together, each through a temp file, fsync and rename,
 * up to `concurrency` in flight (see StagedWrite): every temp file is removed
 * on any failure, and no file changes unless all were written.
 */
export async function writeFilesAtomicConcurrently(files: ReadonlyMap<string, string | Buffer>, concurrency = 16, options: Omit<StagedWriteOptions, 'concurrency'> = {}): Promise<void> {
  const staged = new StagedWrite({ ...options, concurrency });
  try {
    await staged.commit(files);
  } catch (e) {
    // The folders staging created go too (commit already removed the temp files).
    await staged.abort();
    throw e;
  }
}

function same(a: string | Buffer, b: string | Buffer): boolean {
  return a === b || Buffer.from(a as string).equals(Buffer.from(b as string));
}

/** The uppermost folder of `dir`'s path that does not exist, or undefined when `dir` exists. */
function firstMissing(dir: string): string | undefined {
  let missing: string | undefined;
  for (let d = dir; !fs.existsSync(d); d = path.dirname(d)) {
    missing = d;
    if (path.dirname(d) === d) break;
  }
  return missing;
}

/** Removes the empty folders from each of `dirs` up to `top` (created by one `mkdir -p`), deepest first. */
function removeEmptyUpTo(top: string, dirs: readonly string[]): void {
  const chain = new Set<string>();
  for (const dir of dirs) {
    for (let d = dir; d === top || d.startsWith(top + path.sep); d = path.dirname(d)) chain.add(d);
  }
  for (const d of [...chain].sort((a, b) => b.length - a.length)) {
    try {
      fs.rmdirSync(d);
    } catch {
      // Not empty (something else lives there now) or already gone: leave it.
    }
  }
}
