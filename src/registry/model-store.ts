import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError, PolicyError } from '../core/errors';
import type { HistoryEvent } from '../core/history-event';
import type { Outcome } from '../core/lifecycle';
import { modelNameProblem } from '../core/names';
import type { ModelRecord } from '../core/record';
import { currentActor } from './actor';
import { withEnvSnapshot } from './env-snapshot';
import { removeTempFiles } from './atomic-write';
import { fileProblem } from './file-errors';
import { appendHistory, readHistory } from './history-log';
import { applyManagedFields, parseRecordText, RecordDocument } from './record-document';
import { decodeRecordBytes } from './literal-text';
import { LockOptions, removeLockDebris, withLock, withLockAsync } from './record-lock';
import { commitChange, hasIntent, intentFile, recoverIntent } from './write-intent';

const RECORD_SUFFIX = '.yaml';

/**
 * The file store: `models/<name>.yaml` records and their
 * `<name>.history.jsonl`. Every change runs under the record's lock on a fresh
 * read, so concurrent commands serialize instead of overwriting each other.
 */
/** What a store takes from its caller instead of reading the process's environment. */
export interface ModelStoreOptions {
  /** Who makes the changes, for history. @default currentActor() ($MODELSHIP_ACTOR, git user, $USER) */
  readonly actor?: () => string;
  /** The clock that stamps history events. @default the system clock */
  readonly now?: () => Date;
  /** How long a change waits for another process's lock. @default $MODELSHIP_LOCK_TIMEOUT_MS, else 15000 ms */
  readonly lockTimeoutMs?: number;
  /** Where a line about a recovered interrupted change goes. @default `modelship: LINE` on stderr */
  readonly notify?: (line: string) => void;
}

export class ModelStore {
  private readonly warnedYml = new Set<string>();

  constructor(readonly dir: string, private readonly opts: ModelStoreOptions = {}) {}

  /** A line for the user on stderr (or the caller's `notify`), not an error. */
  private say(line: string): void {
    (this.opts.notify ?? ((l: string) => process.stderr.write(`modelship: ${l}\n`)))(line);
  }

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
      throw fileProblem(e, this.dir, '--models-dir');
    }
    // A record saved as .yml would otherwise vanish from status and synth without a word.
    for (const f of entries.filter((e) => e.endsWith('.yml') && !e.startsWith('.') && !this.warnedYml.has(e))) {
      this.warnedYml.add(f);
      this.say(`${path.join(this.dir, f)}: ignored: records are read from <name>.yaml files; rename it to ${f.slice(0, -4)}.yaml`);
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
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        const known = fs.existsSync(this.dir) ? this.names() : [];
        throw new InputError(`unknown model "${name}": ${file} does not exist${known.length ? ` (models: ${known.join(', ')})` : ''}`);
      }
      throw fileProblem(e, file, 'record');
    }
    return parseRecordText(decodeRecordBytes(bytes, file), file, name);
  }

  /**
   * A change writes a new record and renames it over the old one: over a
   * symbolic link that replaces the link, while the history is appended
   * through its link, and the two real files no longer agree. Changes are
   * refused, named; reading through a link (a ConfigMap mount) is fine.
   */
  private refuseLinks(name: string): void {
    for (const file of [this.recordFile(name), this.historyFile(name)]) {
      let link = false;
      try {
        link = fs.lstatSync(file).isSymbolicLink();
      } catch {
        // Absent (a history not yet written): nothing to refuse.
      }
      if (link) {
        throw new InputError(`${file}: is a symbolic link; modelship replaces a record by renaming a new file over it, which would replace the link and leave its target behind: keep the file itself in the models dir`);
      }
    }
  }

  /**
   * Finishes or undoes a change a killed command left half-done, so that what
   * is read next agrees with the history. Call it holding the lock.
   */
  private recover(name: string): void {
    const file = this.recordFile(name);
    removeTempFiles(file);
    removeTempFiles(intentFile(file));
    removeLockDebris(file);
    const done = recoverIntent(file, this.historyFile(name));
    if (done) this.say(done);
  }

  /** Readers settle an interrupted change first (it is rare: a file's existence is the whole cost). */
  private settle(name: string): void {
    const file = this.recordFile(name);
    if (modelNameProblem(name) === undefined && hasIntent(file)) withLock(file, () => this.recover(name), this.lockOptions());
  }

  load(name: string): ModelRecord {
    this.settle(name);
    return this.readDocument(name).record;
  }

  loadAll(): ModelRecord[] {
    return this.loadMany(this.names());
  }

  /** The named records, in the order given; the first that cannot be read throws. */
  loadMany(names: readonly string[]): ModelRecord[] {
    return withEnvSnapshot(() => names.map((n) => this.load(n)));
  }

  /**
   * Each named record, or what reading it threw, in the order given: for a
   * reader that decides itself which failure to report (synth reads a share of
   * the records on each thread and reports the first in name order).
   */
  readEach(names: readonly string[]): ({ readonly record: ModelRecord } | { readonly error: unknown })[] {
    return withEnvSnapshot(() => names.map((n) => {
      try {
        return { record: this.load(n) };
      } catch (error) {
        return { error };
      }
    }));
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
    try {
      fs.mkdirSync(this.dir, { recursive: true });
    } catch (e) {
      throw fileProblem(e, this.dir, '--models-dir');
    }
    const file = this.recordFile(name);
    withLock(file, () => {
      this.recover(name);
      if (fs.existsSync(file)) throw new PolicyError(`${file} already exists; modelship init never overwrites a record`);
      // A removed model's history would become the new one's: its aliases and versions, in `history --alias`.
      const history = this.historyFile(name);
      if (fs.existsSync(history)) {
        throw new PolicyError(`${history} already exists, the history of an earlier model ${name}; move it away (or restore ${file}) before modelship init`);
      }
      parseRecordText(text, file, name);
      this.commit(file, this.historyFile(name), text, [this.stamp(event)]);
    }, this.lockOptions());
  }

  /**
   * Reads the record under its lock, lets `step` compute the change, writes the
   * record atomically and appends its events. When `step` throws nothing is
   * written; a recorded refusal (a rejection) is written, then thrown.
   */
  update(name: string, step: (record: ModelRecord) => Outcome): Outcome {
    const file = this.lockable(name);
    const outcome = withLock(file, () => {
      const rd = this.readToChange(name);
      return this.write(name, rd, step(rd.record));
    }, this.lockOptions());
    if (outcome.refusal) throw outcome.refusal;
    return outcome;
  }

  /**
   * `update` whose step waits (on a registry): the lock is held from the read
   * to the write, so what the step decided is still true when it is recorded.
   */
  async updateAsync(name: string, step: (record: ModelRecord) => Promise<Outcome>): Promise<Outcome> {
    const file = this.lockable(name);
    const outcome = await withLockAsync(file, async () => {
      const rd = this.readToChange(name);
      return this.write(name, rd, await step(rd.record));
    }, this.lockOptions());
    if (outcome.refusal) throw outcome.refusal;
    return outcome;
  }

  /** The record file to lock, once an interrupted change is settled; an unknown model is refused before a lock file is made beside nothing. */
  private lockable(name: string): string {
    const file = this.recordFile(name);
    this.settle(name);
    if (!fs.existsSync(file)) this.readDocument(name);
    this.refuseLinks(name);
    return file;
  }

  /** Under the lock: what a killed command left is finished or undone first, then the record is read. */
  private readToChange(name: string): RecordDocument {
    this.recover(name);
    return this.readDocument(name);
  }

  /** Under the lock: the record written atomically with its events, checked to load back. */
  private write(name: string, rd: RecordDocument, result: Outcome): Outcome {
    const text = applyAndCheck(rd, result.record);
    this.commit(this.recordFile(name), this.historyFile(name), text, result.events.map((e) => this.stamp(e)));
    return result;
  }

  /**
   * Appends an observation that changes no record field (a drift check). It
   * takes the lock like any change, so it never lands inside another
   * command's half-written change that recovery would then undo.
   */
  appendEvent(name: string, event: Omit<HistoryEvent, 'at' | 'actor'>): HistoryEvent {
    const file = this.recordFile(name);
    this.settle(name);
    this.readDocument(name);
    this.refuseLinks(name);
    return withLock(file, () => {
      this.recover(name);
      const stamped = this.stamp(event);
      try {
        appendHistory(this.historyFile(name), [stamped]);
      } catch (e) {
        throw fileProblem(e, this.historyFile(name));
      }
      return stamped;
    }, this.lockOptions());
  }

  private commit(file: string, historyFile: string, text: string, events: HistoryEvent[]): void {
    try {
      commitChange(file, historyFile, text, events);
    } catch (e) {
      throw fileProblem(e, (e as NodeJS.ErrnoException).path === historyFile ? historyFile : file);
    }
  }

  private stamp(e: Omit<HistoryEvent, 'at' | 'actor'>): HistoryEvent {
    return { at: (this.opts.now?.() ?? new Date()).toISOString(), actor: (this.opts.actor ?? currentActor)(), ...e };
  }

  private lockOptions(): LockOptions {
    return this.opts.lockTimeoutMs === undefined ? {} : { timeoutMs: this.opts.lockTimeoutMs };
  }
}

/** The text to write, re-parsed first: a write that would not load back is a bug, not a record. */
function applyAndCheck(rd: RecordDocument, next: ModelRecord): string {
  const text = applyManagedFields(rd, next);
  parseRecordText(text, rd.file, next.name);
  return text;
}
