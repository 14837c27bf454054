import * as fs from 'node:fs';
import type { HistoryEvent } from '../core/history-event';
import { InputError } from '../core/errors';
import { writeAll } from './atomic-write';
import { fileProblem } from './file-errors';

/** What an append wrote, so a failed command can take it back. */
export interface HistoryAppend {
  /** Size of the history before the append. */
  readonly offset: number;
  /** The bytes appended at `offset`. */
  readonly text: string;
}

/** Refuses a history path that is not a regular file before anything is written. */
export function checkHistoryPath(file: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw fileProblem(e, file, 'history');
  }
  if (!st.isFile()) throw new InputError(`${file}: history: must be a regular file, not ${st.isDirectory() ? 'a directory' : 'a special file'}`);
}

/**
 * Appends events as JSON lines and fdatasyncs. Only the record's lock holder
 * appends, so the size read first is where the lines land. A last line left
 * without its newline (a crash, a hand edit) gets one first, so it cannot
 * swallow the next event. A failed write (a full disk) truncates back to
 * the old size: the history never keeps half an event.
 */
export function appendHistory(file: string, events: readonly HistoryEvent[]): HistoryAppend | undefined {
  if (events.length === 0) return undefined;
  checkHistoryPath(file);
  const fd = fs.openSync(file, 'a+', 0o644);
  try {
    const offset = fs.fstatSync(fd).size;
    let text = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
    if (offset > 0) {
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, offset - 1);
      if (last[0] !== 0x0a) text = `\n${text}`;
    }
    try {
      writeAll(fd, text);
      fs.fdatasyncSync(fd);
    } catch (e) {
      fs.ftruncateSync(fd, offset);
      throw e;
    }
    return { offset, text };
  } finally {
    fs.closeSync(fd);
  }
}

/** Cuts the history back to `offset`, undoing an append whose command did not complete. */
export function truncateHistory(file: string, offset: number): void {
  const fd = fs.openSync(file, 'r+');
  try {
    if (fs.fstatSync(fd).size > offset) {
      fs.ftruncateSync(fd, offset);
      fs.fdatasyncSync(fd);
    }
  } finally {
    fs.closeSync(fd);
  }
}

export function readHistory(file: string): HistoryEvent[] {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw fileProblem(e, file, 'history');
  }
  const events: HistoryEvent[] = [];
  let lineNumber = 0;
  const take = (bytes: Buffer): void => {
    lineNumber++;
    const line = bytes.toString('utf8');
    if (!line.trim()) return;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      event = undefined;
    }
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
      throw new InputError(`${file}: line ${lineNumber}: not a JSON object (a line cut off by a crash or an edit; remove it to read the history)`);
    }
    events.push(event as HistoryEvent);
  };
  try {
    // Line by line from 1 MiB reads: a history grows without bound, and one string of it all stops at about 512 MiB.
    const chunk = Buffer.alloc(1 << 20);
    let rest = Buffer.alloc(0);
    for (let n = fs.readSync(fd, chunk); n > 0; n = fs.readSync(fd, chunk)) {
      let data = Buffer.concat([rest, chunk.subarray(0, n)]);
      for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a)) {
        take(data.subarray(0, nl));
        data = data.subarray(nl + 1);
      }
      rest = Buffer.from(data);
    }
    if (rest.length) take(rest);
  } catch (e) {
    throw fileProblem(e, file, 'history');
  } finally {
    fs.closeSync(fd);
  }
  return events;
}
