import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../core/errors';
import { writeFileAtomic } from './atomic-write';
import { appendHistory, checkHistoryPath, truncateHistory } from './history-log';
import type { HistoryEvent } from '../core/history-event';

/**
 * The write-ahead intent of one change to a record and its history, written
 * before either: which record bytes were there, which will be, and where the
 * history lines go. A command killed at any instant leaves the intent behind,
 * and the next command under the lock finishes the change (the record was
 * replaced: make sure its lines are there) or undoes it (it was not: cut the
 * lines off), so the record and its history always agree.
 */
interface Intent {
  /** sha256 of the record before, or null when the change creates it. */
  readonly before: string | null;
  /** sha256 of the record after. */
  readonly after: string;
  /** Size of the history before the change. */
  readonly offset: number;
  /** The lines to append. */
  readonly lines: string;
}

export function intentFile(recordFile: string): string {
  return path.join(path.dirname(recordFile), `.${path.basename(recordFile)}.intent`);
}

function sha(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

function readOrNull(file: string): Buffer | null {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

function historySize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
}

/**
 * Replaces the record by `text` and appends `events`, all or nothing. Call it
 * holding the record's lock, after `recoverIntent`. Order: intent, history,
 * record, intent removed. The history goes first because taking lines back is
 * a truncate, which needs no space, while putting an old record back would.
 */
export function commitChange(recordFile: string, historyFile: string, text: string, events: readonly HistoryEvent[]): void {
  checkHistoryPath(historyFile);
  const before = readOrNull(recordFile);
  const offset = historySize(historyFile);
  const intent = intentFile(recordFile);
  const lines = events.length ? events.map((e) => JSON.stringify(e)).join('\n') + '\n' : '';
  writeFileAtomic(intent, JSON.stringify({ before: before ? sha(before) : null, after: sha(text), offset, lines } satisfies Intent));
  let appended = false;
  try {
    appended = appendHistory(historyFile, events) !== undefined;
    writeFileAtomic(recordFile, text);
  } catch (e) {
    if (appended) truncateHistory(historyFile, offset);
    fs.rmSync(intent, { force: true });
    throw e;
  }
  fs.rmSync(intent, { force: true });
}

/** True when a change was interrupted and `recoverIntent` has work to do. */
export function hasIntent(recordFile: string): boolean {
  return fs.existsSync(intentFile(recordFile));
}

/**
 * Finishes or undoes an interrupted change; returns what it did, for stderr.
 * Call it holding the record's lock.
 */
export function recoverIntent(recordFile: string, historyFile: string): string | undefined {
  const file = intentFile(recordFile);
  const raw = readOrNull(file);
  if (raw === null) return undefined;
  let intent: Intent;
  try {
    intent = JSON.parse(raw.toString('utf8')) as Intent;
  } catch {
    // Intents are written atomically: an unreadable one was never ours.
    throw new InputError(`${file}: not a modelship intent; check ${recordFile} against ${historyFile}, then delete it`);
  }
  const record = readOrNull(recordFile);
  const now = record ? sha(record) : null;
  const size = historySize(historyFile);
  let done: string;
  if (now === intent.after) {
    const tail = size >= intent.offset ? readRange(historyFile, intent.offset, size - intent.offset) : '';
    if (!tail.endsWith(intent.lines) || tail.length - intent.lines.length > 1) {
      // The record changed but its lines did not all land: write them again.
      if (size > intent.offset) truncateHistory(historyFile, intent.offset);
      fs.appendFileSync(historyFile, intent.lines);
      done = `completed an interrupted change: ${historyFile} now has its history lines`;
    } else {
      done = '';
    }
  } else if (now === intent.before) {
    if (size > intent.offset) truncateHistory(historyFile, intent.offset);
    done = size > intent.offset ? `undid an interrupted change: removed its history lines from ${historyFile}` : '';
  } else {
    throw new InputError(
      `${recordFile}: changed by hand after an interrupted change (${file}); ${historyFile} from byte ${intent.offset} ` +
        `may hold lines of a change that did not happen: check them, then delete ${file}`,
    );
  }
  fs.rmSync(file, { force: true });
  return done || undefined;
}

function readRange(file: string, offset: number, length: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    fs.readSync(fd, buf, 0, length, offset);
    return buf.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}
