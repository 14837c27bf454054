import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compiledCli, tempDir } from '../helpers/cli';
import { fillDisk, mountTmpfs, tmpfsSkipReason, unmountAll } from '../helpers/tmpfs';

/**
 * The render threads read their share of the records too (record i on thread
 * i mod jobs). What a user sees must not depend on which thread read what:
 * these run the built CLI (in this process, with real worker threads) with two threads and with one, on the same records.
 * MODELSHIP_SYNTH_JOBS=2 asks for two threads whatever the count, so a handful of records exercise them.
 */

const ROLLING = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'synth-shapes', 'rolling.yaml'), 'utf8');
/** Records per models dir: four per thread. */
const COUNT = 8;
const nameOf = (i: number) => `model-${String(i).padStart(2, '0')}`;

function models(edit: (i: number, text: string) => string = (_, t) => t): string {
  const dir = path.join(tempDir('synth-threads-'), 'models');
  fs.mkdirSync(dir);
  for (let i = 0; i < COUNT; i++) fs.writeFileSync(path.join(dir, `${nameOf(i)}.yaml`), edit(i, ROLLING.replace(/^name: .*$/m, `name: ${nameOf(i)}`)));
  return dir;
}

/** A copy of `dir` at another path, so two runs can change their own files. */
function copy(dir: string): string {
  const other = path.join(tempDir('synth-threads-'), 'models');
  fs.cpSync(dir, other, { recursive: true });
  return other;
}

/** The compiled CLI in this process (worker threads run compiled JS), so no node start per run. */
const synth = async (dir: string, jobs: string, ...args: string[]) => {
  const r = await compiledCli(['synth', '--models-dir', dir, '--out', path.join(path.dirname(dir), 'out'), ...args], { env: { MODELSHIP_SYNTH_JOBS: jobs } });
  // The same records at two paths: compare what is said, not where.
  const rel = (s: string) => s.split(path.dirname(dir)).join('<dir>');
  return { code: r.code, stdout: rel(r.stdout), stderr: rel(r.stderr), written: fs.existsSync(path.join(path.dirname(dir), 'out')) };
};

describe('records read on the render threads', () => {
  it('reports the first broken record in name order, whichever thread read it, as one thread does', async () => {
    // model-03 is read by the worker (odd), model-06 by the main thread (even); model-03 comes first.
    const broken = models((i, t) => (i === 3 ? t.replace(/replicas: \d+/, 'replicas: many') : i === 6 ? `${t}\n: [unclosed\n` : t));
    const [one, two] = await Promise.all(['1', '2'].map((jobs) => synth(copy(broken), jobs)));
    expect(two).toEqual(one);
    expect(one).toMatchObject({ code: 2, stdout: '', written: false });
    expect(one.stderr).toMatch(/^modelship: <dir>\/models\/model-03\.yaml: serving\.replicas: /);
    expect(one.stderr.split('\n')).toHaveLength(2);

    // And the other way round: the main thread's record is the first.
    const first = models((i, t) => (i === 2 ? t.replace(/replicas: \d+/, 'replicas: many') : i === 5 ? `${t}\n: [unclosed\n` : t));
    const [a, b] = await Promise.all(['1', '2'].map((jobs) => synth(copy(first), jobs)));
    expect(b).toEqual(a);
    expect(a.stderr).toMatch(/^modelship: <dir>\/models\/model-02\.yaml: serving\.replicas: /);
  });

  it('settles an interrupted change a worker meets, says so once, and renders what one thread renders', async () => {
    const dir = models();
    // model-01 (the worker's) was being changed when its command was killed: the history line landed, the record did not.
    const record = path.join(dir, 'model-01.yaml');
    const history = path.join(dir, 'model-01.history.jsonl');
    const line = `${JSON.stringify({ at: '2026-11-23T10:00:00Z', actor: 'ci', action: 'bump', version: '1.1.0' })}\n`;
    fs.writeFileSync(history, line);
    const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
    fs.writeFileSync(path.join(dir, '.model-01.yaml.intent'), JSON.stringify({ before: sha(fs.readFileSync(record)), after: sha('never written'), offset: 0, lines: line }));
    const dirs = [copy(dir), copy(dir)];
    const [one, two] = await Promise.all(['1', '2'].map((jobs, k) => synth(dirs[k], jobs)));
    expect(two).toEqual(one);
    expect(one.code).toBe(0);
    expect(one.stderr).toBe('modelship: undid an interrupted change: removed its history lines from <dir>/models/model-01.history.jsonl\n');
    for (const d of dirs) {
      expect(fs.readFileSync(path.join(d, 'model-01.history.jsonl'), 'utf8')).toBe('');
      expect(fs.existsSync(path.join(d, '.model-01.yaml.intent'))).toBe(false);
    }
    const out = (d: string) => path.join(path.dirname(d), 'out', 'kubernetes', 'model-01.k8s.yaml');
    expect(fs.readFileSync(out(dirs[1]), 'utf8')).toBe(fs.readFileSync(out(dirs[0]), 'utf8'));
  });

  it('reads named records on the threads too: an unknown name is the same error', async () => {
    const dir = models();
    const names = Array.from({ length: COUNT }, (_, i) => nameOf(i)).filter((_, i) => i !== 7).concat('model-07x');
    const one = await synth(dir, '1', ...names);
    const two = await synth(dir, '2', ...names);
    expect(two).toEqual(one);
    expect(one).toMatchObject({ code: 2, stdout: '', written: false });
    expect(one.stderr).toMatch(/^modelship: unknown model "model-07x": <dir>\/models\/model-07x\.yaml does not exist/);
    const all = Array.from({ length: COUNT }, (_, i) => nameOf(i));
    const ok = [await synth(dir, '1', ...all), await synth(dir, '2', ...all)];
    expect(ok[1]).toEqual(ok[0]);
    expect(ok[0].code).toBe(0);
    expect(ok[0].stdout.split('\n').filter((l) => l.startsWith('wrote ')).length).toBe(COUNT * 3);
  });

  afterAll(unmountAll);

  (tmpfsSkipReason ? it.skip : it)('a disk that fills while files are staged: exit 74, old outputs whole, no temp file, no new folder', async () => {
    const dir = models();
    const fresh = path.join(mountTmpfs(4096), 'fresh');
    // A first synth into an empty place, on a disk that cannot hold it: nothing must be left.
    fs.mkdirSync(fresh);
    const disk = fillDisk(fresh, 40);
    const first = await compiledCli(['synth', '--models-dir', dir, '--out', path.join(fresh, 'dist')], { env: { MODELSHIP_SYNTH_JOBS: '2' } });
    expect(first.stderr).toMatch(/^modelship: .*: --out: cannot write: no space left on the device \(ENOSPC\)\n$/);
    expect(first.code).toBe(74);
    disk.release();
    expect(fs.readdirSync(fresh)).toEqual([]);

    // Then over old outputs that differ from what synth writes now, so a half-done synth would show.
    const out = path.join(fresh, 'dist');
    expect((await compiledCli(['synth', '--models-dir', dir, '--out', out], { env: { MODELSHIP_SYNTH_JOBS: '2' } })).code).toBe(0);
    const files = fs.readdirSync(out, { recursive: true }).map(String).filter((f) => f.includes('.'));
    for (const f of files) fs.appendFileSync(path.join(out, f), '# old\n');
    const before = files.map((f) => fs.readFileSync(path.join(out, f), 'utf8'));
    const full = fillDisk(out, 20);
    const r = await compiledCli(['synth', '--models-dir', dir, '--out', out], { env: { MODELSHIP_SYNTH_JOBS: '2' } });
    full.release();
    expect(r.code).toBe(74);
    expect(files.map((f) => fs.readFileSync(path.join(out, f), 'utf8'))).toEqual(before);
    expect(fs.readdirSync(out, { recursive: true }).map(String).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });
});
