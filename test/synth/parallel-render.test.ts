import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliProcess, compiledCli, ROOT, snapshotDir, tempDir } from '../helpers/cli';

/**
 * Parallel synth against the one-thread path, byte for byte. Worker threads run
 * compiled JS, so these tests drive the built CLI (and lib/ for the thread
 * count); `npm test` builds lib/ first. MODELSHIP_SYNTH_JOBS=1 is the one-thread path.
 * The full comparison runs the bin as a user does; the others run the same
 * compiled CLI in this worker, so they pay the renders and no node starts.
 */

const SHAPES = path.join(__dirname, '..', 'fixtures', 'synth-shapes');

/** `copies` of every shape record, each under its own name, in one models dir. */
function shapeModels(copies: number, edit: (name: string, text: string) => string = (_, t) => t): string {
  const dir = path.join(tempDir('synth-parallel-'), 'models');
  fs.mkdirSync(dir);
  for (const file of fs.readdirSync(SHAPES)) {
    const shape = file.replace(/\.yaml$/, '');
    for (let i = 0; i < copies; i++) {
      const name = `${shape}-${String(i).padStart(2, '0')}`;
      const text = fs.readFileSync(path.join(SHAPES, file), 'utf8').replace(/^name: .*$/m, `name: ${name}`);
      fs.writeFileSync(path.join(dir, `${name}.yaml`), edit(name, text));
    }
  }
  return dir;
}

/** Every file under `dir`, relative path to bytes. */
function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out.set(path.relative(dir, path.join(entry.parentPath, entry.name)), fs.readFileSync(path.join(entry.parentPath, entry.name)));
  }
  return out;
}

const synth = (models: string, jobs: string, ...args: string[]) =>
  cliProcess(['synth', '--models-dir', models, ...args], { env: { MODELSHIP_SYNTH_JOBS: jobs } });
const synthInProcess = (models: string, jobs: string, ...args: string[]) =>
  compiledCli(['synth', '--models-dir', models, ...args], { env: { MODELSHIP_SYNTH_JOBS: jobs } });

describe('parallel synth', () => {
  // 7 shapes x 2 copies: 14 records, 16 folder-and-record units per target; MODELSHIP_SYNTH_JOBS=2 asks for two threads.
  const models = shapeModels(2);

  it('writes the same bytes and prints the same lines as one thread, for every record shape and both targets', () => {
    const one = path.join(tempDir(), 'out');
    const two = path.join(tempDir(), 'out');
    const a = synth(models, '1', '--out', one);
    const b = synth(models, '2', '--out', two);
    expect(a.stderr).toBe('');
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(b.stderr).toBe(a.stderr);
    expect(b.stdout.split(two).join('OUT')).toBe(a.stdout.split(one).join('OUT'));
    const [ta, tb] = [tree(one), tree(two)];
    expect([...tb.keys()].sort()).toEqual([...ta.keys()].sort());
    for (const [file, bytes] of ta) expect({ file, same: bytes.equals(tb.get(file)!) }).toEqual({ file, same: true });
    // Every shape rendered what it is about, so the comparison covered it.
    const names = [...ta.keys()];
    expect(names).toEqual(expect.arrayContaining([
      'kubernetes/rolling-00.k8s.yaml', 'kubernetes/blue-green-01.k8s.yaml', 'nomad/candidate-01-candidate.nomad.hcl',
      'nomad/retraining-01-retrain.nomad.json', 'dev/kubernetes/stands-01.k8s.yaml', 'prod/nomad/stands-01.nomad.hcl',
    ]));
    expect(ta.get('kubernetes/autoscaling-00.k8s.yaml')!.toString()).toContain('kind: HorizontalPodAutoscaler');
    expect(ta.get('kubernetes/gpu-00.k8s.yaml')!.toString()).toContain('nvidia.com/gpu: "1"');
    expect(ta.get('kubernetes/candidate-00.k8s.yaml')!.toString()).toContain('name: candidate-00-candidate');
    expect(ta.get('kubernetes/retraining-00.k8s.yaml')!.toString()).toContain('kind: CronJob');
  });

  it('prints the same stream with --stdout', async () => {
    const a = await synthInProcess(models, '1', '--stdout', '--target', 'kubernetes', '--stand', 'prod');
    const b = await synthInProcess(models, '2', '--stdout', '--target', 'kubernetes', '--stand', 'prod');
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(b.stdout).toBe(a.stdout);
  });

  it('really renders on two threads, to the same files as the one-thread renderers', async () => {
    // The compiled modules, as the CLI runs them: from TypeScript source there is no worker to start.
    const { renderTasks } = await import(path.join(ROOT, 'lib', 'src', 'synth', 'parallel-render.js'));
    const { ModelStore } = await import(path.join(ROOT, 'lib', 'src', 'registry', 'model-store.js'));
    const { renderManifests } = await import(path.join(ROOT, 'lib', 'src', 'kubernetes', 'render-manifests.js'));
    const { renderJobs } = await import(path.join(ROOT, 'lib', 'src', 'nomad', 'render-jobs.js'));
    // 2 copies of the six shapes without stands: 12 Kubernetes units, two threads asked for.
    const records = new ModelStore(shapeModels(2)).loadAll().filter((r: { stands?: unknown }) => !r.stands);
    const tasks = [{ records, target: 'kubernetes' }, { records, target: 'nomad' }];
    const two = await renderTasks(tasks, { jobs: 2 });
    const one = await renderTasks(tasks, { jobs: 1 });
    expect([two.threads, one.threads]).toEqual([2, 1]);
    // Not asked for, 12 units stay below the threshold: one thread. Asked for more threads than units: one per unit.
    expect((await renderTasks(tasks, {})).threads).toBe(1);
    expect((await renderTasks([{ records: records.slice(0, 1), target: 'kubernetes' }], { jobs: 4 })).threads).toBe(1);
    expect([...two.outputs[0]()]).toEqual([...renderManifests(records)]);
    expect([...two.outputs[1]()]).toEqual([...renderJobs(records)]);
    expect([...one.outputs[0]()]).toEqual([...renderManifests(records)]);
  });

  it('holds the records outside their gates as one thread does: the same lines, the same files, exit 1', async () => {
    // Production over its size gate in a record that has its files from an earlier synth.
    const refused = shapeModels(2, (name, text) => (name === 'rolling-01' ? text.replace('sizeBytes: 400000000', 'sizeBytes: 900000000') : text));
    const results = [];
    for (const jobs of ['1', '2']) {
      const out = path.join(tempDir(), 'out');
      expect((await synthInProcess(models, jobs, '--out', out)).code).toBe(0);
      const before = fs.readFileSync(path.join(out, 'kubernetes', 'rolling-01.k8s.yaml'), 'utf8');
      const run = await synthInProcess(refused, jobs, '--out', out);
      expect(fs.readFileSync(path.join(out, 'kubernetes', 'rolling-01.k8s.yaml'), 'utf8')).toBe(before);
      results.push({ ...run, stdout: run.stdout.split(out).join('<out>'), files: snapshotDir(path.join(out, 'kubernetes')) });
    }
    expect(results[0].stderr).toMatch(/^modelship: synth refused: rolling-01 1\.0\.0 cannot be deployed as production: size .* exceeds maxSizeMiB 512.*; held: its files are left as they were/);
    expect(results[1]).toEqual(results[0]);
    expect(results[0].code).toBe(1);
    expect(results[0].stdout).toContain('wrote <out>/kubernetes/rolling-00.k8s.yaml');
    expect(results[0].stdout).not.toContain('rolling-01');
  });

  it('finds two Nomad jobs with one name across threads, as one thread does', async () => {
    // `candidate-00`'s candidate job is `candidate-00-candidate`: a model of that name clashes with it.
    const clash = shapeModels(2);
    // In another Kubernetes namespace, so the manifests do not clash first: Nomad-only synth renders on one thread.
    fs.writeFileSync(path.join(clash, 'candidate-00-candidate.yaml'), fs.readFileSync(path.join(clash, 'rolling-01.yaml'), 'utf8')
      .replace(/^name: .*$/m, 'name: candidate-00-candidate').replace('namespace: ml-serving', 'namespace: other'));
    const a = await synthInProcess(clash, '1', '--out', path.join(tempDir(), 'out'));
    const b = await synthInProcess(clash, '2', '--out', path.join(tempDir(), 'out'));
    expect(a.stderr).toBe("modelship: synth refused: two jobs would be named candidate-00-candidate (a model named like another model's candidate or retraining job)\n");
    expect(b).toEqual(a);
    expect(a.code).toBe(1);
  });

  it('refuses a MODELSHIP_SYNTH_JOBS that is not a whole number of threads', async () => {
    const r = await synthInProcess(models, 'two', '--out', path.join(tempDir(), 'out'));
    expect(r).toEqual({ code: 2, stdout: '', stderr: "modelship: MODELSHIP_SYNTH_JOBS: must be a whole number of threads, at least 1 (got 'two')\n" });
  });
});
