import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { cli, exampleModelsDir, initModel, smallArtifact, snapshotDir, tempDir, validatedVersion } from '../helpers/cli';

const stageOf = (dir: string, name: string, version: string) =>
  (parse(fs.readFileSync(path.join(dir, `${name}.yaml`), 'utf8')).versions as { version: string; stage: string }[])
    .find((v) => v.version === version)?.stage;

function newDir(): string {
  return path.join(tempDir(), 'models');
}

describe('lifecycle commands', () => {
  it('init writes a record that loads, with default gates, and never overwrites', async () => {
    const dir = newDir();
    const r = await cli(['init', 'churn', '--image', 'registry.example.com/models/churn', '--serving-image', 'registry.example.com/apps/churn:1.0.0', '--models-dir', dir]);
    expect(r.code).toBe(0);
    const rec = parse(fs.readFileSync(path.join(dir, 'churn.yaml'), 'utf8'));
    expect(rec.gates).toEqual({ maxSizeMiB: 1024, maxLatencyP95Ms: 100 });
    expect(rec.deploy.strategy).toBe('rolling');
    const before = snapshotDir(dir);
    const again = await cli(['init', 'churn', '--image', 'registry.example.com/models/x', '--serving-image', 'x:1', '--models-dir', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('init refuses a name whose removed record left its history: the new model would inherit its versions and aliases', async () => {
    const dir = newDir();
    await initModel(dir, 'churn', 'rolling');
    expect((await cli(['alias', 'set', 'churn', 'champion', await validatedVersion(dir, 'churn', 'major'), '--models-dir', dir])).code).toBe(0);
    fs.rmSync(path.join(dir, 'churn.yaml'));
    const before = snapshotDir(dir);
    const r = await cli(['init', 'churn', '--image', 'registry.example.com/models/churn', '--serving-image', 'x:1', '--models-dir', dir]);
    expect([r.code, r.stderr]).toEqual([1, `modelship: ${path.join(dir, 'churn.history.jsonl')} already exists, the history of an earlier model churn; move it away (or restore ${path.join(dir, 'churn.yaml')}) before modelship init\n`]);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('bump --origin keeps where a version came from, in the record (as written, quoted as YAML needs) and in its bump event', async () => {
    const dir = newDir();
    await initModel(dir, 'churn', 'rolling');
    const r = await cli(['bump', 'churn', 'major', '--origin', 'commit=1234567', '--origin', 'run=mlflow:7f3e', '--origin', 'source=https://git.example.com/ml/churn', '--json', '--models-dir', dir]);
    expect(r.code).toBe(0);
    const origin = { commit: '1234567', run: 'mlflow:7f3e', source: 'https://git.example.com/ml/churn' };
    expect(JSON.parse(r.stdout).details).toEqual({ release: 'major', preid: null, origin });
    const entry = parse(fs.readFileSync(path.join(dir, 'churn.yaml'), 'utf8')).versions[0];
    expect(entry.origin).toEqual(origin);
    const events = fs.readFileSync(path.join(dir, 'churn.history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.at(-1)).toMatchObject({ action: 'bump', version: '1.0.0', details: { release: 'major', origin } });
    expect((await cli(['history', 'churn', '--models-dir', dir])).stdout).toContain('origin.commit=1234567 origin.run=mlflow:7f3e');
    const before = snapshotDir(dir);
    for (const [arg, message] of [
      ['Commit=x', '"Commit" must start with a lower-case letter'],
      ['commit', '"commit" is not KEY=VALUE'],
      ['commit=', 'commit: the value must not be empty'],
      ['constructor=x', '"constructor" cannot be a key'],
      ['note=two\nlines', 'note: the value must be one line of printable characters'],
    ]) {
      const bad = await cli(['bump', 'churn', 'minor', '--origin', arg, '--models-dir', dir]);
      expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining(message)]);
    }
    const twice = await cli(['bump', 'churn', 'minor', '--origin', 'run=a', '--origin', 'run=b', '--models-dir', dir]);
    expect([twice.code, twice.stderr]).toEqual([2, expect.stringContaining('run is given twice')]);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('rolling: bump, validate, promote, rollback with exit codes and history', async () => {
    const dir = newDir();
    await initModel(dir, 'taxi', 'rolling');
    expect((await cli(['bump', 'taxi', 'premajor', '--preid', 'rc', '--models-dir', dir])).stdout).toBe('1.0.0-rc.0\n');
    const v1 = await validatedVersion(dir, 'taxi', 'major');
    expect(v1).toBe('1.0.0');
    expect((await cli(['promote', 'taxi', v1, '--models-dir', dir])).code).toBe(0);
    const v2 = await validatedVersion(dir, 'taxi', 'minor', 'b');
    expect((await cli(['promote', 'taxi', v2, '--models-dir', dir])).code).toBe(0);
    expect(stageOf(dir, 'taxi', v1)).toBe('retired');
    expect(stageOf(dir, 'taxi', v2)).toBe('production');
    expect((await cli(['rollback', 'taxi', '--models-dir', dir])).code).toBe(0);
    expect(stageOf(dir, 'taxi', v1)).toBe('production');
    expect(stageOf(dir, 'taxi', v2)).toBe('retired');
    const history = JSON.parse((await cli(['history', 'taxi', '--json', '--models-dir', dir])).stdout);
    expect(history.map((e: { action: string }) => e.action)).toEqual([
      'init', 'bump', 'bump', 'measure', 'declare', 'validate', 'promote', 'bump', 'measure', 'declare', 'validate', 'retire', 'promote', 'retire', 'rollback',
    ]);
    expect(history.every((e: { actor: string }) => e.actor === 'test-suite')).toBe(true);
  });

  it('validate rejects outside the gates: exit 1, says which gate and by how much, records the rejection', async () => {
    const dir = newDir();
    await initModel(dir, 'taxi', 'rolling');
    await cli(['bump', 'taxi', 'major', '--models-dir', dir]);
    const art = smallArtifact('big');
    fs.truncateSync(path.join(art, 'weights.bin'), 150 * 1024 * 1024 - 3); // + the 3-byte SEED file
    expect((await cli(['measure', 'taxi', '1.0.0', '--artifact', art, '--models-dir', dir])).code).toBe(0);
    const r = await cli(['validate', 'taxi', '1.0.0', '--declared-latency-p95-ms', '20', '--models-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe([
      'modelship: taxi 1.0.0 rejected: size 150 MiB exceeds maxSizeMiB 100 by 50 MiB (50.0%)',
      '  maxSizeMiB: fail: size 150 MiB exceeds maxSizeMiB 100 by 50 MiB (50.0%)',
      '  maxLatencyP95Ms: pass: p95 latency (declared) 20 ms within maxLatencyP95Ms 50', '',
    ].join('\n'));
    expect(stageOf(dir, 'taxi', '1.0.0')).toBe('rejected');
    const p = await cli(['promote', 'taxi', '1.0.0', '--models-dir', dir]);
    expect(p.code).toBe(1);
    expect(p.stderr).toMatch(/rejected version never reaches production/);
  });

  it.each([
    ['a candidate', async (dir: string) => { await cli(['bump', 'taxi', 'major', '--models-dir', dir]); return ['promote', 'taxi', '1.0.0']; }, 1, /1\.0\.0 is candidate/],
    ['a rejected version', async (dir: string) => {
      await cli(['bump', 'taxi', 'major', '--models-dir', dir]);
      await cli(['measure', 'taxi', '1.0.0', '--artifact', smallArtifact('r'), '--models-dir', dir]);
      await cli(['validate', 'taxi', '1.0.0', '--declared-latency-p95-ms', '999', '--models-dir', dir]);
      return ['promote', 'taxi', '1.0.0'];
    }, 1, /rejected/],
    ['validate without any latency figure', async (dir: string) => {
      await cli(['bump', 'taxi', 'major', '--models-dir', dir]);
      await cli(['measure', 'taxi', '1.0.0', '--artifact', smallArtifact('l'), '--models-dir', dir]);
      return ['validate', 'taxi', '1.0.0'];
    }, 1, /no p95 latency recorded/],
    ['validate --size-bytes, which no longer exists', async (dir: string) => { await cli(['bump', 'taxi', 'major', '--models-dir', dir]); return ['validate', 'taxi', '1.0.0', '--size-bytes', '10']; }, 2, /--size-bytes is gone: size and digest come only from `modelship measure taxi 1\.0\.0 --artifact DIR`/],
    ['a declared latency over a measured one', async (dir: string) => {
      await cli(['bump', 'taxi', 'major', '--models-dir', dir]);
      const file = path.join(dir, 'taxi.yaml');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('stage: candidate', `stage: candidate
    latencyP95Ms: 30
    latencyP95LowMs: 28
    latencyP95HighMs: 33
    provenance: { latency: { kind: measured, at: 2026-11-01T00:00:00Z, actor: ci, command: measure --endpoint } }`));
      return ['validate', 'taxi', '1.0.0', '--declared-latency-p95-ms', '5'];
    }, 1, /its latency was measured \(measure --endpoint, 2026-11-01T00:00:00Z\); a declared figure cannot replace a measured one/],
    ['switch on a rolling model', () => ['switch', 'taxi'], 2, /switch is for blue-green models/],
    ['rollback with nothing retired', () => ['rollback', 'taxi'], 1, /no retired version/],
    ['an unknown model', () => ['bump', 'nope', 'patch'], 2, /unknown model "nope"/],
    ['an unknown version', () => ['promote', 'taxi', '9.9.9'], 2, /no version 9\.9\.9/],
    ['an invalid name', () => ['bump', 'Bad_Name', 'patch'], 2, /"Bad_Name" is not a DNS-1123 label/],
    ['a non-numeric --declared-latency-p95-ms', async (dir: string) => { await cli(['bump', 'taxi', 'major', '--models-dir', dir]); return ['validate', 'taxi', '1.0.0', '--declared-latency-p95-ms', '12abc']; }, 2, /--declared-latency-p95-ms.*"12abc" is not a non-negative number/],
    ['an unknown release type', () => ['bump', 'taxi', 'huge'], 2, /^modelship: .*'huge' is invalid for argument 'release'\. Allowed choices are major, minor, patch, premajor/],
    ['a missing release type', () => ['bump', 'taxi'], 2, /^modelship: bump: missing required argument 'release': one of major, minor, patch, premajor, preminor, prepatch, prerelease\n$/],
    ['a malformed digest', () => ['bump', 'taxi', 'patch', '--digest', 'md5:abc'], 2, /--digest: "md5:abc"/],
    ['an unknown flag', () => ['bump', 'taxi', 'patch', '--frobnicate'], 2, /unknown option '--frobnicate'/],
  ])('%s: exit %s, a message naming the culprit, every file unchanged', async (_what, arrange, code, message) => {
    const dir = newDir();
    await initModel(dir, 'taxi', 'rolling');
    const args = await arrange(dir);
    const before = snapshotDir(dir);
    const r = await cli([...args, '--models-dir', dir]);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('a record that is not YAML or breaks a rule: exit 2 naming file and field, nothing written', async () => {
    const dir = exampleModelsDir();
    const file = path.join(dir, 'taxi-fare.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('version: 1.2.0-rc.1', 'version: "1.5"'));
    const before = snapshotDir(dir);
    const r = await cli(['bump', 'taxi-fare', 'patch', '--models-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`modelship: ${file}: versions[3].version: "1.5" is not a semver version\n`);
    fs.writeFileSync(file, 'name: taxi-fare\nartifact: [\n');
    const before2 = snapshotDir(dir);
    const r2 = await cli(['status', '--models-dir', dir]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line \\d+, column \\d+: not valid YAML`));
    expect(snapshotDir(dir)).toEqual(before2);
    expect(before).not.toEqual(before2);
  });

  it('blue-green through the CLI: preview, switch, rollback', async () => {
    const dir = newDir();
    await initModel(dir, 'fraud', 'blue-green');
    const v1 = await validatedVersion(dir, 'fraud', 'major');
    expect((await cli(['promote', 'fraud', v1, '--models-dir', dir])).stdout).toMatch(/1\.0\.0 is in production in slot blue/);
    const v2 = await validatedVersion(dir, 'fraud', 'minor', 'b');
    expect((await cli(['promote', 'fraud', v2, '--models-dir', dir])).stdout).toMatch(/preview in slot green/);
    const status = JSON.parse((await cli(['status', 'fraud', '--json', '--models-dir', dir])).stdout);
    expect(status).toMatchObject({ production: '1.0.0', next: { version: '1.1.0', role: 'preview' }, activeSlot: 'blue' });
    // The same plan synth renders: which version runs where, in which role.
    expect(status.deployments).toEqual([{ role: 'live', version: '1.0.0', slot: 'blue' }, { role: 'preview', version: '1.1.0', slot: 'green' }]);
    expect((await cli(['switch', 'fraud', '--models-dir', dir])).code).toBe(0);
    const switched = JSON.parse((await cli(['status', 'fraud', '--json', '--models-dir', dir])).stdout);
    expect(switched).toMatchObject({ production: '1.1.0', activeSlot: 'green' });
    expect(switched.deployments).toEqual([{ role: 'live', version: '1.1.0', slot: 'green' }, { role: 'idle', version: '1.0.0', slot: 'blue' }]);
    const sw = await cli(['switch', 'fraud', '--models-dir', dir]);
    expect(sw.code).toBe(1);
    expect(sw.stderr).toMatch(/modelship rollback fraud/);
    expect((await cli(['rollback', 'fraud', '--models-dir', dir])).code).toBe(0);
    expect(JSON.parse((await cli(['status', 'fraud', '--json', '--models-dir', dir])).stdout)).toMatchObject({ production: '1.0.0', activeSlot: 'blue' });
  });

  it('status prints a table of figures against gates; history a table', async () => {
    const dir = exampleModelsDir();
    const s = await cli(['status', '--models-dir', dir]);
    expect(s.code).toBe(0);
    const lines = s.stdout.trim().split('\n');
    expect(lines).toEqual([
      'MODEL           VERSION     ROLE            SIZE MiB     P95 ms',
      'fraud-detector  1.1.0       live (green)    1264/2048 ✔  16.9/25 ✔ *',
      '                1.2.0       preview (blue)  1302/2048 ✔  15.2/25 ✔ *',
      '                1.3.0-rc.0  candidate       1326/2048 ✔  -/25',
      'taxi-fare       1.1.0       live            412/512 ✔    31.5/50 ✔ *',
      '                1.2.0-rc.1  candidate       433/512 ✔    29.8/50 ✔ *',
      '* declared: typed or imported, not measured by modelship',
    ]);
    expect(s.stdout).not.toMatch(/\u001b\[/); // no colours off a terminal
    const h = await cli(['history', 'taxi-fare', '--models-dir', dir]);
    expect(h.stdout.split('\n')[0]).toMatch(/^AT \(UTC\)\s+ACTOR\s+ACTION\s+VERSION\s+FROM\s+TO\s+DETAILS$/);
    // Digests abbreviated like git's, in full with --json.
    expect(h.stdout).toContain('digest=sha256:39aa9e01bc2c\n');
    expect(h.stdout).not.toMatch(/sha256:[0-9a-f]{13}/);
    expect((await cli(['history', 'taxi-fare', '--json', '--models-dir', dir])).stdout).toContain('"digest": "sha256:39aa9e01bc2cba7ed12b713004b7f3851ee85aa5bab44728da09bfd3651f3712"');
  });
});

describe('status on a terminal', () => {
  const hasScript = require('node:child_process').spawnSync('script', ['--version']).status === 0;
  (hasScript ? it : it.skip)('colours figures against their gates only on a TTY', () => {
    const dir = exampleModelsDir();
    const { spawnSync } = require('node:child_process');
    const cmd = `${process.execPath} ${path.join(__dirname, '../../bin/modelship.js')} status --models-dir ${dir}`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('\u001b[32m1302/2048 ✔\u001b[39m');
    expect(r.stdout).toContain('\u001b[1mMODEL');
  });

  it("rollback and prune go by the history's order of retirements, not by a skewed clock's times", async () => {
    const dir = newDir();
    await initModel(dir, 'taxi', 'rolling');
    const versions: string[] = [];
    for (const seed of ['a', 'b', 'c', 'd']) versions.push(await validatedVersion(dir, 'taxi', 'minor', seed));
    const at = (minutes: number) => new Date(Date.now() + minutes * 60_000);
    for (const [i, v] of versions.slice(0, 3).entries()) expect((await cli(['promote', 'taxi', v, '--models-dir', dir], { now: at(i) })).code).toBe(0);
    // The last promote runs on a machine whose clock is two hours behind: it retires versions[2] "before" versions[1] was.
    expect((await cli(['promote', 'taxi', versions[3], '--models-dir', dir], { now: at(-120) })).code).toBe(0);
    const retiredAt = (v: string) => (parse(fs.readFileSync(path.join(dir, 'taxi.yaml'), 'utf8')).versions as { version: string; retiredAt?: string }[]).find((e) => e.version === v)?.retiredAt as string;
    expect(retiredAt(versions[2]) < retiredAt(versions[1])).toBe(true);
    // prune keeps the newest retirement (versions[2]), not the newest time.
    const plan = await cli(['prune', 'taxi', '--keep', '1', '--models-dir', dir], { now: at(5) });
    expect(plan.stdout.split('\n').filter((l) => l.includes('\t')).map((l) => l.split('\t')[0])).toEqual([versions[0], versions[1]]);
    const r = await cli(['rollback', 'taxi', '--models-dir', dir], { now: at(5) });
    expect(r.stdout).toBe(`taxi: rolled back to ${versions[2]}; ${versions[3]} retired\n`);
  });

  it('a history line that cannot be read does not stop a rollback: it is said, and retiredAt decides', async () => {
    const dir = exampleModelsDir();
    const history = path.join(dir, 'taxi-fare.history.jsonl');
    const lines = fs.readFileSync(history, 'utf8').split('\n');
    lines[1] = `<<<<<<< HEAD ${lines[1]}`;
    fs.writeFileSync(history, lines.join('\n'));
    const r = await cli(['rollback', 'taxi-fare', '--models-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`modelship: ${history}: line 2: not a JSON object (a line cut off by a crash or an edit; remove it to read the history); going by the versions' retiredAt times instead\n`);
    expect(r.stdout).toMatch(/^taxi-fare: rolled back to /);
  });
});
