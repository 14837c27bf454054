import * as fs from 'node:fs';
import * as path from 'node:path';
import { bump } from '../../src/core/lifecycle';
import { ModelStore } from '../../src/registry/model-store';
import { withLock } from '../../src/registry/record-lock';
import { cliProcess, exampleModelsDir, ROOT, snapshotDir } from '../helpers/cli';

describe('model store', () => {
  it('says once that a .yml file is not read, rather than leaving it out in silence', () => {
    const dir = exampleModelsDir();
    fs.copyFileSync(path.join(dir, 'taxi-fare.yaml'), path.join(dir, 'churn.yml'));
    const said: string[] = [];
    const store = new ModelStore(dir, { notify: (line) => said.push(line) });
    expect(store.names()).toEqual(['fraud-detector', 'taxi-fare']);
    store.names();
    expect(said).toEqual([`${path.join(dir, 'churn.yml')}: ignored: records are read from <name>.yaml files; rename it to churn.yaml`]);
  });

  it('appends one history line per event, stamped with actor and time', () => {
    const dir = exampleModelsDir();
    const before = fs.readFileSync(path.join(dir, 'taxi-fare.history.jsonl'), 'utf8').split('\n').filter(Boolean).length;
    process.env.MODELSHIP_ACTOR = 'alice';
    new ModelStore(dir).update('taxi-fare', (r) => bump(r, 'major', { now: '2026-11-03T00:00:00Z' }));
    delete process.env.MODELSHIP_ACTOR;
    const lines = fs.readFileSync(path.join(dir, 'taxi-fare.history.jsonl'), 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(before + 1);
    const last = JSON.parse(lines[lines.length - 1]);
    expect(last).toMatchObject({ actor: 'alice', action: 'bump', version: '2.0.0', from: null, to: 'candidate' });
    expect(Object.keys(last)).toEqual(['at', 'actor', 'action', 'version', 'from', 'to', 'details']);
  });

  it('a process killed between writing and renaming leaves the old record intact, and the next command undoes its history line', () => {
    const dir = exampleModelsDir();
    const before = snapshotDir(dir);
    const historyBefore = fs.readFileSync(path.join(dir, 'taxi-fare.history.jsonl'), 'utf8');
    const killed = cliProcess(['bump', 'taxi-fare', 'patch', '--models-dir', dir], { nodeArgs: ['-r', path.join(ROOT, 'test/fixtures/kill-on-rename.js')] });
    expect(killed.code).toBe(-1); // killed by a signal
    const after = snapshotDir(dir);
    // The record is as it was; the history line went first, and the intent says how to take it back.
    expect(after['taxi-fare.yaml']).toBe(before['taxi-fare.yaml']);
    const leftovers = Object.keys(after).filter((n) => !(n in before)).sort();
    expect(leftovers).toEqual(['.taxi-fare.yaml.intent', expect.stringMatching(/^\.taxi-fare\.yaml\.tmp-\d+-/), 'taxi-fare.yaml.lock']);

    const next = cliProcess(['bump', 'taxi-fare', 'patch', '--models-dir', dir]);
    expect(next.stderr).toMatch(/^modelship: undid an interrupted change: removed its history lines from .*taxi-fare\.history\.jsonl\n$/);
    expect(next.stdout.trim()).toBe('1.2.0');
    expect(Object.keys(snapshotDir(dir)).filter((n) => !(n in before))).toEqual([]);
    const added = fs.readFileSync(path.join(dir, 'taxi-fare.history.jsonl'), 'utf8').slice(historyBefore.length).split('\n').filter(Boolean);
    expect(added.map((l) => JSON.parse(l).version)).toEqual(['1.2.0']);
  });

  it('a second process waits for the lock and times out with a clear message', () => {
    const dir = exampleModelsDir();
    const record = path.join(dir, 'taxi-fare.yaml');
    const before = snapshotDir(dir);
    withLock(record, () => {
      const r = cliProcess(['bump', 'taxi-fare', 'patch', '--models-dir', dir], { env: { MODELSHIP_LOCK_TIMEOUT_MS: '300' } });
      expect(r.code).toBe(1); // a refusal, as the README says
      expect(r.stderr).toMatch(new RegExp(`taxi-fare\\.yaml is locked by process ${process.pid} .*timed out after 300 ms`));
    });
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('takes over a lock whose owner is dead', () => {
    const dir = exampleModelsDir();
    fs.writeFileSync(path.join(dir, 'taxi-fare.yaml.lock'), JSON.stringify({ pid: 2 ** 22 + 17, host: require('node:os').hostname(), since: 'then' }));
    const r = cliProcess(['bump', 'taxi-fare', 'patch', '--models-dir', dir], { env: { MODELSHIP_LOCK_TIMEOUT_MS: '2000' } });
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'taxi-fare.yaml.lock'))).toBe(false);
  });

  it('reads a record through a symbolic link (a ConfigMap mount) but refuses to change one (a change would replace the link), exit 2, nothing changed', () => {
    for (const linked of ['taxi-fare.yaml', 'taxi-fare.history.jsonl']) {
      const dir = exampleModelsDir();
      const shared = path.join(path.dirname(dir), `shared-${linked}`);
      fs.renameSync(path.join(dir, linked), shared);
      fs.symlinkSync(shared, path.join(dir, linked));
      const before = fs.readFileSync(shared, 'utf8');
      const r = cliProcess(['bump', 'taxi-fare', 'patch', '--models-dir', dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`modelship: ${path.join(dir, linked)}: is a symbolic link; modelship replaces a record by renaming a new file over it, which would replace the link and leave its target behind: keep the file itself in the models dir\n`);
      expect(fs.readFileSync(shared, 'utf8')).toBe(before);
      expect(fs.lstatSync(path.join(dir, linked)).isSymbolicLink()).toBe(true);
      // Reading goes through the link: status, synth.
      expect(cliProcess(['status', 'taxi-fare', '--models-dir', dir]).code).toBe(0);
    }
  });
});
