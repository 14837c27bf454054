import * as fs from 'node:fs';
import type { HistoryEvent } from '../core/history-event';
import { InputError } from '../core/errors';
import { writeDurably } from './atomic-write';

/**
 * Appends events as JSON lines with one write(2) on an O_APPEND descriptor,
 * then fdatasync: lines from concurrent writers never interleave and survive a crash.
 */
export function appendHistory(file: string, events: readonly HistoryEvent[]): void {
  if (events.length === 0) return;
  writeDurably(file, 'a', events.map((e) => JSON.stringify(e)).join('\n') + '\n');
}

export function readHistory(file: string): HistoryEvent[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return text.split('\n').filter((l) => l.trim()).map((line, i) => {
    try {
      return JSON.parse(line) as HistoryEvent;
    } catch {
      throw new InputError(`${file}: line ${i + 1}: not a JSON object`);
    }
  });
}
