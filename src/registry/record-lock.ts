import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PolicyError } from '../core/errors';
import { fileProblem } from './file-errors';

export interface LockOptions {
  /** How long to wait for another process's lock. @default 15000 ms, or $MODELSHIP_LOCK_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /**
   * How old a lock file that names no owner (empty or unreadable) must be
   * before it is taken over. Ours are never empty (written whole, then linked
   * into place), so such a file is debris from elsewhere.
   * @default 2000 ms
   */
  readonly ownerlessGraceMs?: number;
}

/** What a lock file says. `token` is unique per acquisition: ownership is by token, never by pid. */
export interface LockOwner {
  readonly token: string;
  readonly pid: number;
  readonly host: string;
  /** The PID namespace and boot the pid belongs to: a pid means nothing outside them. */
  readonly pidns: string;
  readonly boot: string;
  readonly since: string;
}

function readLink(p: string): string {
  try {
    return fs.readlinkSync(p);
  } catch {
    return 'unknown';
  }
}

function bootId(): string {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

function newOwner(): LockOwner {
  return {
    token: randomBytes(16).toString('hex'),
    pid: process.pid,
    host: os.hostname(),
    pidns: readLink('/proc/self/ns/pid'),
    boot: bootId(),
    since: new Date().toISOString(),
  };
}

/** The lock file's owner, or a key for an ownerless (empty, unreadable) file, or undefined if there is none. */
type Seen = { owner: LockOwner; key: string } | { owner?: undefined; key: string; ageMs: number } | undefined;

function look(file: string): Seen {
  let text: string;
  let st: fs.Stats;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      st = fs.fstatSync(fd);
      text = fs.readFileSync(fd, 'utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // Unreadable: judge it by its inode and age, as an empty one.
    try {
      st = fs.statSync(file);
    } catch {
      return undefined;
    }
    return { key: `ownerless:${st.ino}:${st.mtimeMs}`, ageMs: Date.now() - st.mtimeMs };
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    if (typeof owner.pid === 'number') {
      // Locks from before tokens name a pid and a time; together they name that acquisition.
      const token = typeof owner.token === 'string' ? owner.token : `legacy-${owner.pid}-${String(owner.since)}`;
      return { owner: { ...owner, token }, key: `token:${token}` };
    }
  } catch {
    /* ownerless below */
  }
  return { key: `ownerless:${st.ino}:${st.mtimeMs}`, ageMs: Date.now() - st.mtimeMs };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Dead only when provably so: the same host, and either another boot, or the
 * same PID namespace with no such process. A pid from another namespace or host
 * says nothing here, so that owner is waited for, never broken.
 */
function ownerDead(o: LockOwner, me: LockOwner): boolean {
  if (o.host !== me.host) return false;
  if (o.boot !== 'unknown' && me.boot !== 'unknown' && o.boot !== me.boot) return true;
  // A lock from before namespaces were recorded: judged by its pid, as it was written to be.
  if (o.pidns === undefined) return !processAlive(o.pid);
  if (o.pidns !== me.pidns || o.pidns === 'unknown') return false;
  return !processAlive(o.pid);
}

const sleepBuffer = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleepBuffer, 0, 0, ms);
}

/**
 * Creates `file` holding `me`, whole, or fails with EEXIST: the content is
 * written to a private temp file first and hard-linked into place, so a lock
 * file never exists half-written (a full disk fails the temp file, not the lock).
 */
function createWhole(file: string, me: LockOwner): boolean {
  const tmp = `${file}.${me.token}`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(me), { flag: 'wx' });
    try {
      fs.linkSync(tmp, file);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Replaces `file`, which held the stale owner `staleKey`, by a lock of `me`.
 * Only the process that creates `<file>.takeover-<staleKey>` may do it, so of
 * all the processes that saw the same dead owner exactly one acts, and it acts
 * only if the file still holds that owner: nobody else can have changed it
 * meanwhile (its owner is dead; other breakers lost the claim). The swap is a
 * rename over the old file, so there is never a moment without a lock for a
 * third process to take. A claimant that dies is itself taken over the same way.
 */
function takeOver(file: string, staleKey: string, me: LockOwner, graceMs: number, depth = 0): boolean {
  if (depth > 4) return false;
  const claim = `${file}.takeover-${staleKey.replace(/[^A-Za-z0-9]/g, '_')}`;
  if (!createWhole(claim, me)) {
    const holder = look(claim);
    if (!holder || !isStale(holder, me, graceMs) || !takeOver(claim, holder.key, me, graceMs, depth + 1)) return false;
  }
  try {
    const now = look(file);
    if (!now || now.key !== staleKey) return false;
    const tmp = `${file}.${me.token}`;
    fs.writeFileSync(tmp, JSON.stringify(me), { flag: 'wx' });
    try {
      fs.renameSync(tmp, file);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    return true;
  } finally {
    releaseIfMine(claim, me);
  }
}

function isStale(seen: NonNullable<Seen>, me: LockOwner, graceMs: number): boolean {
  // An ownerless lock stamped in the future (a clock set back, a file copied from another machine) counts by how far
  // off it is: waiting for the clock to catch up would block every command for that long.
  return seen.owner ? ownerDead(seen.owner, me) : Math.abs(seen.ageMs) >= graceMs;
}

/** Deletes `file` only if it names `me`: a lock that is not ours is never ours to delete. */
function releaseIfMine(file: string, me: LockOwner): void {
  const seen = look(file);
  if (seen?.owner?.token === me.token) fs.rmSync(file, { force: true });
}

/** A live process keeps its token file or take-over claim for microseconds; one this old is a killed process's. */
const DEBRIS_AGE_MS = 60_000;

/**
 * Removes token files and take-over claims left by killed processes. Safe only
 * by age: a young one may belong to a process between two system calls.
 */
export function removeLockDebris(recordFile: string): void {
  const dir = path.dirname(recordFile);
  const prefix = `${path.basename(recordFile)}.lock.`;
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const file = path.join(dir, name);
    try {
      if (Date.now() - fs.statSync(file).mtimeMs > DEBRIS_AGE_MS) fs.rmSync(file, { force: true });
    } catch {
      /* gone meanwhile */
    }
  }
}

/**
 * Runs `fn` holding `<record>.lock`, a file naming its owner by a fresh token.
 * A second process waits for it; a lock whose owner provably died (a killed
 * CLI on this host) is taken over at once, atomically; one that names no owner
 * is taken over after a short grace. Waiting longer than the timeout is a
 * refusal (exit 1) naming the holder.
 */
/** The wait for a lock: $MODELSHIP_LOCK_TIMEOUT_MS, else 15 s. */
export function lockTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  return Number(env.MODELSHIP_LOCK_TIMEOUT_MS) || 15000;
}

export function withLock<T>(recordFile: string, fn: () => T, opts: LockOptions = {}): T {
  const { lockFile, me } = acquire(recordFile, opts);
  try {
    return fn();
  } finally {
    releaseIfMine(lockFile, me);
  }
}

/**
 * `withLock` around work that waits on the network (prune deleting images): the
 * lock is held until `fn` settles, so no other command changes the record
 * between the decision and what is done on it. Others wait up to their timeout
 * and are refused (exit 1) past it, as for any held lock.
 */
export async function withLockAsync<T>(recordFile: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const { lockFile, me } = acquire(recordFile, opts);
  try {
    return await fn();
  } finally {
    releaseIfMine(lockFile, me);
  }
}

function acquire(recordFile: string, opts: LockOptions): { lockFile: string; me: LockOwner } {
  const lockFile = `${recordFile}.lock`;
  const timeoutMs = opts.timeoutMs ?? lockTimeoutMs();
  const graceMs = opts.ownerlessGraceMs ?? 2000;
  const deadline = Date.now() + timeoutMs;
  const me = newOwner();
  let wait = 2;
  try {
    for (;;) {
      if (createWhole(lockFile, me)) break;
      const seen = look(lockFile);
      if (seen && isStale(seen, me, graceMs) && takeOver(lockFile, seen.key, me, graceMs)) break;
      if (Date.now() >= deadline) {
        const o = seen?.owner;
        const who = o ? `process ${o.pid} on ${o.host} since ${o.since}` : 'a lock file that names no owner';
        throw new PolicyError(
          `${recordFile} is locked by ${who}; timed out after ${timeoutMs} ms. If that process is gone, delete ${lockFile}`,
        );
      }
      sleep(wait + Math.random() * wait);
      wait = Math.min(wait * 2, 50);
    }
  } catch (e) {
    if (e instanceof PolicyError) throw e;
    throw fileProblem(e, lockFile, 'lock');
  }
  return { lockFile, me };
}
