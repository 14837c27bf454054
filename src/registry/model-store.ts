import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError, PolicyError } from '../core/errors';
import type { HistoryEvent } from '../core/history-event';
import type { Outcome } from '../core/lifecycle';
import { modelNameProblem } from '../core/names';
import type { ModelRecord } from '../core/record';
import { currentActor } from './actor';
import { removeOrphanTempFiles, writeFileAtomic } from './atomic-write';
import { appendHistory, readHistory } from './history-log';
import { applyManagedFields, parseRecordText, RecordDocument } from './record-document';
import { withLock } from './record-lock';

const RECORD_SUFFIX = '.yaml';

/**
 * The file store: `models/<name>.yaml` records and their
 * `<name>.history.jsonl`. Every change runs under the record's lock on a fresh
 * read, so concurrent commands serialize instead of overwriting each other.
 */
export class ModelStore {
  constructor(readonly dir: string) {}

  recordFile(name: string): string {
    return path.join(this.dir, `${name}${RECORD_SUFFIX}`);
  }

  historyFile(name: string): string {
    return path.join(this.dir, `${name}.history.jsonl`);
  }

  /** Names of all records, sorted, so output and synth order never depend on the file system. */
  names(): string[] {
    let entries: string[];
    try {
      entries = fs.readdirSync(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(`--models-dir: ${this.dir} does not exist`);
      throw e;
    }
    return entries
      .filter((f) => f.endsWith(RECORD_SUFFIX) && !f.startsWith('.'))
      .map((f) => f.slice(0, -RECORD_SUFFIX.length))
      .sort();
  }

  exists(name: string): boolean {
    return fs.existsSync(this.recordFile(name));
  }

  private readDocument(name: string): RecordDocument {
    const problem = modelNameProblem(name);
    if (problem) throw new InputError(`model name: ${problem}`);
    const file = this.recordFile(name);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        const known = fs.existsSync(this.dir) ? this.names() : [];
        throw new InputError(`unknown model "${name}": ${file} does not exist${known.length ? ` (models: ${known.join(', ')})` : ''}`);
      }
      throw e;
    }
    return parseRecordText(text, file, name);
  }

  load(name: string): ModelRecord {
    return this.readDocument(name).record;
  }

  loadAll(): ModelRecord[] {
    return this.names().map((n) => this.load(n));
  }

  history(name: string): HistoryEvent[] {
    this.load(name);
    return readHistory(this.historyFile(name));
  }

  /**
   * Creates a record from text. Refuses to overwrite: a record holds versions
   * that exist nowhere else.
   */
  create(name: string, text: string, event: Omit<HistoryEvent, 'at' | 'actor'>): void {
    const problem = modelNameProblem(name);
    if (problem) throw new InputError(`model name: ${problem}`);
    fs.mkdirSync(this.dir, { recursive: true });
    const file = this.recordFile(name);
    withLock(file, () => {
      if (fs.existsSync(file)) throw new PolicyError(`${file} already exists; modelship init never overwrites a record`);
      parseRecordText(text, file, name);
      writeFileAtomic(file, text);
      appendHistory(this.historyFile(name), [this.stamp(event)]);
    });
  }

  /**
   * Reads the record under its lock, lets `step` compute the change, writes the
   * record atomically and appends its events. When `step` throws nothing is
   * written; a recorded refusal (a rejection) is written, then thrown.
   */
  update(name: string, step: (record: ModelRecord) => Outcome): Outcome {
    const file = this.recordFile(name);
    // Refuse an unknown model before creating a lock file beside a record that does not exist.
    if (!fs.existsSync(file)) this.readDocument(name);
    const outcome = withLock(file, () => {
      removeOrphanTempFiles(file);
      const rd = this.readDocument(name);
      const result = step(rd.record);
      const text = applyAndCheck(rd, result.record);
      writeFileAtomic(file, text);
      appendHistory(this.historyFile(name), result.events.map((e) => this.stamp(e)));
      return result;
    });
    if (outcome.refusal) throw outcome.refusal;
    return outcome;
  }

  /**
   * Appends an observation that changes no record field (a drift check):
   * one O_APPEND write, so it needs no lock and never waits for one.
   */
  appendEvent(name: string, event: Omit<HistoryEvent, 'at' | 'actor'>): HistoryEvent {
    this.readDocument(name);
    const stamped = this.stamp(event);
    appendHistory(this.historyFile(name), [stamped]);
    return stamped;
  }

  private stamp(e: Omit<HistoryEvent, 'at' | 'actor'>): HistoryEvent {
    return { at: new Date().toISOString(), actor: currentActor(), ...e };
  }
}

/** The text to write, re-parsed first: a write that would not load back is a bug, not a record. */
function applyAndCheck(rd: RecordDocument, next: ModelRecord): string {
  const text = applyManagedFields(rd, next);
  parseRecordText(text, rd.file, next.name);
  return text;
}
