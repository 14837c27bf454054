import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../src/core/errors';
import type { HistoryEvent } from '../../src/core/history-event';
import { commitChange, intentFile, recoverIntent } from '../../src/registry/write-intent';
import { ROOT, tempDir } from '../helpers/cli';
import { SCRATCH_ROOT } from '../helpers/scratch-root';

const event = (version: string): HistoryEvent => ({ at: '2026-11-05T00:00:00Z', actor: 't', action: 'bump', version, from: null, to: 'candidate', details: {} });

/** A record and history after one committed change, and the intent a second change writes first. */
function interrupted() {
  const dir = tempDir();
  const record = path.join(dir, 'x.yaml');
  const history = path.join(dir, 'x.history.jsonl');
  commitChange(record, history, 'v: 1\n', [event('1.0.0')]);
  const old = { record: fs.readFileSync(record, 'utf8'), history: fs.readFileSync(history, 'utf8') };
  // What commitChange does for `v: 2`, stopped right after writing the new record (the intent not yet removed).
  const intent = intentFile(record);
  const lines = `${JSON.stringify(event('1.0.1'))}\n`;
  const sha = (t: string) => require('node:crypto').createHash('sha256').update(t).digest('hex');
  fs.writeFileSync(intent, JSON.stringify({ before: sha(old.record), after: sha('v: 2\n'), offset: old.history.length, lines }));
  return { record, history, intent, old, lines };
}

describe('write-ahead intent', () => {
  it('leaves no intent behind after a change', () => {
    const dir = tempDir();
    commitChange(path.join(dir, 'x.yaml'), path.join(dir, 'x.history.jsonl'), 'v: 1\n', [event('1.0.0')]);
    expect(fs.readdirSync(dir).sort()).toEqual(['x.history.jsonl', 'x.yaml']);
  });

  it('killed after the history append, before the record: the lines are cut off', () => {
    const t = interrupted();
    fs.appendFileSync(t.history, t.lines);
    expect(recoverIntent(t.record, t.history)).toMatch(/^undid an interrupted change/);
    expect(fs.readFileSync(t.history, 'utf8')).toBe(t.old.history);
    expect(fs.existsSync(t.intent)).toBe(false);
  });

  it('killed after the record, before removing the intent: nothing to do but remove it', () => {
    const t = interrupted();
    fs.appendFileSync(t.history, t.lines);
    fs.writeFileSync(t.record, 'v: 2\n');
    expect(recoverIntent(t.record, t.history)).toBeUndefined();
    expect(fs.readFileSync(t.history, 'utf8')).toBe(t.old.history + t.lines);
    expect(fs.existsSync(t.intent)).toBe(false);
  });

  it('a new record whose history lines were lost or cut: the lines are written again', () => {
    const t = interrupted();
    fs.appendFileSync(t.history, t.lines.slice(0, 20));
    fs.writeFileSync(t.record, 'v: 2\n');
    expect(recoverIntent(t.record, t.history)).toMatch(/^completed an interrupted change/);
    expect(fs.readFileSync(t.history, 'utf8')).toBe(t.old.history + t.lines);
  });

  it('a record edited by hand since: refuses, naming the intent and the history offset to check', () => {
    const t = interrupted();
    fs.writeFileSync(t.record, 'v: edited\n');
    expect(() => recoverIntent(t.record, t.history)).toThrow(InputError);
    expect(() => recoverIntent(t.record, t.history)).toThrow(new RegExp(`changed by hand after an interrupted change .*from byte ${t.old.history.length}.*then delete .*\\.x\\.yaml\\.intent`));
    expect(fs.existsSync(t.intent)).toBe(true);
  });

  // The short version of bench/kill-loop.sh (run that for hundreds of kills).
  it('record and history agree after every one of 12 SIGKILLs at random instants of bump', () => {
    // Its models dir goes where the suite's temp dirs go (tmpfs when there is one): the kills, not the disk, are the point.
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bench/kill-loop.js'), '12'], { encoding: 'utf8', env: { ...process.env, TMPDIR: SCRATCH_ROOT } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^12 runs, \d+ killed .* record and history agreed after every one\n$/);
    expect(r.status).toBe(0);
  }, 60_000);
});
