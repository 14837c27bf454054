import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { withLock } from '../../src/registry/record-lock';
import { cliProcess, cliProcessAsync, initModel, ROOT, tempDir } from '../helpers/cli';

const SLOW = path.join(ROOT, 'test/fixtures/slow-lock.js');
const DEAD_PID = 2 ** 22 + 41;

async function modelsDir(): Promise<string> {
  const dir = path.join(tempDir(), 'models');
  await initModel(dir, 'x', 'rolling');
  return dir;
}

function selfNs(): string {
  return fs.readlinkSync('/proc/self/ns/pid');
}

function bootId(): string {
  return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
}

function bumpLines(dir: string): string[] {
  return fs.readFileSync(path.join(dir, 'x.history.jsonl'), 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l)).filter((e) => e.action === 'bump').map((e) => e.version);
}

describe('the record lock', () => {
  it('releases only its own lock: a lock file that is not ours survives our release', async () => {
    const dir = await modelsDir();
    const record = path.join(dir, 'x.yaml');
    const theirs = JSON.stringify({ token: 'not-mine', pid: process.pid, host: os.hostname(), pidns: selfNs(), boot: bootId(), since: 'now' });
    withLock(record, () => fs.writeFileSync(`${record}.lock`, theirs));
    expect(fs.readFileSync(`${record}.lock`, 'utf8')).toBe(theirs);
  });

  it('never breaks a lock whose owner is in another PID namespace: waits, then exits 1 naming it', async () => {
    const dir = await modelsDir();
    fs.writeFileSync(path.join(dir, 'x.yaml.lock'), JSON.stringify({
      token: 't', pid: DEAD_PID, host: os.hostname(), pidns: 'pid:[1]', boot: bootId(), since: '2026-11-23T00:00:00Z',
    }));
    const r = cliProcess(['bump', 'x', 'patch', '--models-dir', dir], { env: { MODELSHIP_LOCK_TIMEOUT_MS: '400' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^modelship: .*x\\.yaml is locked by process ${DEAD_PID} on .* since 2026-11-23T00:00:00Z; timed out after 400 ms`));
    expect(bumpLines(dir)).toEqual([]);
  });

  it('takes over a lock left by a previous boot of this host', async () => {
    const dir = await modelsDir();
    fs.writeFileSync(path.join(dir, 'x.yaml.lock'), JSON.stringify({
      token: 't', pid: process.pid, host: os.hostname(), pidns: selfNs(), boot: 'another-boot', since: 'then',
    }));
    expect(cliProcess(['bump', 'x', 'patch', '--models-dir', dir], { env: { MODELSHIP_LOCK_TIMEOUT_MS: '1000' } }).code).toBe(0);
  });

  it.each([
    ['empty', ''],
    ['unreadable', '{"pid": '],
  ])('an %s lock file (a write that failed on a full disk) is taken over after a short grace, not waited on forever', async (_kind, content) => {
    const dir = await modelsDir();
    const lock = path.join(dir, 'x.yaml.lock');
    fs.writeFileSync(lock, content);
    // A grace shorter than the 2 s default, passed in: the take-over is the same, the wait is not the point.
    let ran = false;
    withLock(path.join(dir, 'x.yaml'), () => (ran = fs.readFileSync(lock, 'utf8') !== content), { timeoutMs: 10000, ownerlessGraceMs: 200 });
    expect(ran).toBe(true);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('an ownerless lock stamped hours in the future is taken over, not waited on until the clock catches up', async () => {
    const dir = await modelsDir();
    const lock = path.join(dir, 'x.yaml.lock');
    fs.writeFileSync(lock, '');
    const later = new Date(Date.now() + 2 * 3600_000);
    fs.utimesSync(lock, later, later);
    let ran = false;
    withLock(path.join(dir, 'x.yaml'), () => (ran = true), { timeoutMs: 3000, ownerlessGraceMs: 200 });
    expect(ran).toBe(true);
  });

  it('removes token files and take-over claims of killed processes once they are a minute old, not before', async () => {
    const dir = await modelsDir();
    const old = path.join(dir, `x.yaml.lock.${'a'.repeat(32)}`);
    const claim = path.join(dir, 'x.yaml.lock.takeover-token_dead');
    const young = path.join(dir, `x.yaml.lock.${'b'.repeat(32)}`);
    for (const f of [old, claim, young]) fs.writeFileSync(f, '{}');
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    fs.utimesSync(old, twoMinutesAgo, twoMinutesAgo);
    fs.utimesSync(claim, twoMinutesAgo, twoMinutesAgo);
    expect(cliProcess(['bump', 'x', 'patch', '--models-dir', dir])).toMatchObject({ code: 0, stderr: '' });
    expect(fs.readdirSync(dir).sort()).toEqual(['x.history.jsonl', 'x.yaml', path.basename(young)]);
  });

  it('concurrent take-overs of a dead owner\'s lock, with every lock step slowed at random, lose no update (4 runs of 6 processes)', async () => {
    // The runs are independent (a directory each): run them at once, so the cores work while processes sleep in the slowed steps.
    await Promise.all(Array.from({ length: 4 }, async () => {
      const dir = await modelsDir();
      fs.writeFileSync(path.join(dir, 'x.yaml.lock'), JSON.stringify({
        token: 'dead', pid: DEAD_PID, host: os.hostname(), pidns: selfNs(), boot: bootId(), since: 'then',
      }));
      const results = await Promise.all(Array.from({ length: 6 }, () => cliProcessAsync(['bump', 'x', 'patch', '--models-dir', dir], { nodeArgs: ['-r', SLOW], env: { SLOW_LOCK_MAX_MS: '100' } })));
      for (const r of results) expect(r).toMatchObject({ code: 0, stderr: '' });
      const versions = (parse(fs.readFileSync(path.join(dir, 'x.yaml'), 'utf8')) as { versions: { version: string }[] }).versions.map((v) => v.version);
      expect(versions).toHaveLength(6);
      expect(bumpLines(dir)).toEqual(versions);
      expect(fs.readdirSync(dir).sort()).toEqual(['x.history.jsonl', 'x.yaml']);
    }));
  }, 120_000);
});
