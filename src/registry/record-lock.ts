import * as fs from 'node:fs';
import * as os from 'node:os';
import { InputError } from '../core/errors';
import { processAlive } from './atomic-write';

export interface LockOptions {
  /** How long to wait for another process's lock. @default 15000 ms, or $MODELSHIP_LOCK_TIMEOUT_MS */
  readonly timeoutMs?: number;
}

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

function readOwner(lockFile: string): LockOwner | undefined {
  try {
    return JSON.parse(fs.readFileSync(lockFile, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

const sleepBuffer = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleepBuffer, 0, 0, ms);
}

/**
 * Runs `fn` holding `<record>.lock`, an exclusive-create file naming its owner.
 * A second process waits for it; a lock whose owner died on this host (a killed
 * CLI) is taken over at once instead of blocking everyone until a timeout.
 */
export function withLock<T>(recordFile: string, fn: () => T, opts: LockOptions = {}): T {
  const lockFile = `${recordFile}.lock`;
  const timeoutMs = opts.timeoutMs ?? (Number(process.env.MODELSHIP_LOCK_TIMEOUT_MS) || 15000);
  const deadline = Date.now() + timeoutMs;
  const me: LockOwner = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  let wait = 2;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, JSON.stringify(me), { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = readOwner(lockFile);
    if (owner && owner.host === me.host && !processAlive(owner.pid)) {
      breakStaleLock(lockFile, owner);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = owner ? `process ${owner.pid} on ${owner.host} since ${owner.since}` : 'another process';
      throw new InputError(
        `${recordFile} is locked by ${who}; timed out after ${timeoutMs} ms. If that process is gone, delete ${lockFile}`,
      );
    }
    sleep(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 50);
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}

/**
 * Moves the stale lock aside before deleting it, and only if it still names
 * the dead owner: two processes breaking the same stale lock must not delete a
 * fresh one the faster of them has just created.
 */
function breakStaleLock(lockFile: string, dead: LockOwner): void {
  const aside = `${lockFile}.stale-${process.pid}`;
  try {
    fs.renameSync(lockFile, aside);
  } catch {
    return;
  }
  const moved = readOwner(aside);
  if (moved && (moved.pid !== dead.pid || moved.since !== dead.since)) {
    // We moved a live lock: put it back unless someone created one meanwhile.
    try {
      fs.linkSync(aside, lockFile);
    } catch {
      /* a newer lock exists; ours was already superseded */
    }
  }
  fs.rmSync(aside, { force: true });
}
