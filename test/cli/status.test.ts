import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, cliProcess, exampleModelsDir, initModel, ROOT, tempDir, validatedVersion } from '../helpers/cli';


const LONG_NAME = `m${"x".repeat(36)}-long-model-name`; // 53 characters, the most a name may have

/** The example models, one over its p95 gate, plus a model with the longest name a record allows. */
async function crowdedDir(): Promise<string> {
  const dir = exampleModelsDir();
  const taxi = path.join(dir, 'taxi-fare.yaml');
  fs.writeFileSync(taxi, fs.readFileSync(taxi, 'utf8').replace('latencyP95Ms: 29.8', 'latencyP95Ms: 79.8'));
  await initModel(dir, LONG_NAME, 'blue-green');
  const v = await validatedVersion(dir, LONG_NAME, 'major');
  expect((await cli(['promote', LONG_NAME, v, '--models-dir', dir])).code).toBe(0);
  return dir;
}

const widest = (text: string) => Math.max(...text.split('\n').map((l) => l.length));

describe('status on 80 columns', () => {
  it('fits 80 columns, names the version of every figure and marks the one outside its gate with a symbol', async () => {
    const dir = exampleModelsDir();
    const taxi = path.join(dir, 'taxi-fare.yaml');
    fs.writeFileSync(taxi, fs.readFileSync(taxi, 'utf8').replace('latencyP95Ms: 29.8', 'latencyP95Ms: 79.8'));
    const r = await cli(['status', '--models-dir', dir]);
    expect(r.code).toBe(0);
    expect(widest(r.stdout)).toBeLessThanOrEqual(80);
    expect(r.stdout).toMatch(/^taxi-fare\s+1\.1\.0\s+live\s+412\/512 ✔\s+31\.5\/50 ✔ \*$/m);
    expect(r.stdout).toMatch(/^\s+1\.2\.0-rc\.1\s+candidate\s+433\/512 ✔\s+79\.8\/50 ✘ \*$/m);
  });

  it('stacks models under their names when a long name would not fit', async () => {
    const r = await cli(['status', '--models-dir', await crowdedDir()]);
    expect(r.code).toBe(0);
    expect(widest(r.stdout)).toBeLessThanOrEqual(80);
    expect(r.stdout).toContain(`\n${LONG_NAME} (blue-green)\n  1.0.0`);
    expect(r.stdout).toMatch(/^taxi-fare \(rolling\)\n\s+1\.1\.0\s+live/m);
  });

  it('uses the terminal width it is given ($COLUMNS off a terminal)', async () => {
    const r = await cli(['status', '--models-dir', exampleModelsDir()], { env: { COLUMNS: '60' } });
    expect(widest(r.stdout)).toBeLessThanOrEqual(60);
    expect(r.stdout).toMatch(/^fraud-detector \(blue-green\)$/m);
  });

  it('a model with no version yet still has its line', async () => {
    const dir = tempDir();
    await initModel(dir, 'fresh', 'rolling');
    expect((await cli(['status', '--models-dir', dir])).stdout.split('\n')[1]).toMatch(/^fresh\s+-\s+-\s+-\s+-$/);
    expect((await cli(['status', '--wide', '--models-dir', dir])).stdout.split('\n')[1]).toMatch(/^fresh\s+rolling\s+-/);
  });

  it('--wide shows every column: stage, abbreviated digest, p50/p99, since', async () => {
    const r = await cli(['status', '--wide', '--models-dir', exampleModelsDir()]);
    expect(r.stdout.split('\n')[0]).toMatch(/^MODEL\s+STRATEGY\s+VERSION\s+ROLE\s+STAGE\s+DIGEST\s+SIZE MiB\s+P50 ms\s+P95 ms\s+P95 95% CI\s+P99 ms\s+LIVE SINCE$/);
    expect(r.stdout).toMatch(/^fraud-detector\s+blue-green\s+1\.1\.0\s+live \(green\)\s+production\s+sha256:729911cd420b\s+1264\/2048 ✔\s+-\s+16\.9\/25 ✔ \*\s+-\s+-\s+2026-11-23T09:39:37Z$/m);
  });

  it('--json: each row and each figure says whose version it is', async () => {
    const s = JSON.parse((await cli(['status', 'taxi-fare', '--json', '--models-dir', exampleModelsDir()])).stdout);
    expect(s.size).toEqual({ version: '1.2.0-rc.1', mib: expect.any(Number), maxMiB: 512 });
    expect(s.latencyP95).toEqual({ version: '1.2.0-rc.1', ms: 29.8, maxMs: 50, source: 'declared', ci95: null });
    expect(s.rows.map((r: { version: string; role: string }) => [r.version, r.role])).toEqual([['1.1.0', 'live'], ['1.2.0-rc.1', 'candidate']]);
    expect(s.rows[0].withinGates).toEqual({ size: true, latencyP95: true });
  });

  it('a p95 under its gate whose interval reaches over it is inconclusive, as validate says, not within', async () => {
    const dir = exampleModelsDir();
    const taxi = path.join(dir, 'taxi-fare.yaml');
    // 1.2.0-rc.1 measured at p95 49.8 ms, 95% CI 49.3-55.8, against a 50 ms gate.
    fs.writeFileSync(taxi, fs.readFileSync(taxi, 'utf8')
      .replace('    latencyP95Ms: 29.8\n', '    latencyP95Ms: 49.8\n    latencyP95LowMs: 49.3\n    latencyP95HighMs: 55.8\n    latencyRequests: 400\n')
      .replace(/( {6}latency:\n {8}kind: )declared(\n {8}at: 2026-11-23T09:39:26Z\n {8}actor: ml-platform-ci\n) {8}source: .*\n/, '$1measured$2        command: measure --endpoint\n'));
    const validate = await cli(['validate', 'taxi-fare', '1.2.0-rc.1', '--models-dir', dir]);
    expect(validate.stdout + validate.stderr).toMatch(/inconclusive/);
    const r = await cli(['status', 'taxi-fare', '--models-dir', dir]);
    expect(r.stdout).toMatch(/^\s+1\.2\.0-rc\.1\s+candidate\s+\d+\/512 ✔\s+49\.8\/50 \?$/m);
    expect(r.stdout).toContain('? inconclusive: validate neither passes nor rejects it (measure more requests)\n');
    expect(Math.max(...r.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
    const s = JSON.parse((await cli(['status', 'taxi-fare', '--json', '--models-dir', dir])).stdout);
    expect(s.rows[1]).toMatchObject({ version: '1.2.0-rc.1', withinGates: { latencyP95: false }, latencyP95Verdict: 'inconclusive' });
    expect(s.rows[0]).toMatchObject({ version: '1.1.0', withinGates: { latencyP95: true }, latencyP95Verdict: 'pass' });
    // The report says the same, and counts it.
    const out = tempDir('report-');
    expect((await cli(['report', '--out', out, '--models-dir', dir])).code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'models', 'taxi-fare.html'), 'utf8'))
      .toMatch(/<td class="num unsure">49\.8 \(CI 49\.3–55\.8\) <span class="verdict">\? inconclusive<\/span><\/td>/);
  });

  it('a broken record does not hide the others: they are shown, it is named, exit 2', async () => {
    const dir = exampleModelsDir();
    fs.writeFileSync(path.join(dir, 'taxi-fare.yaml'), 'name: taxi-fare\nversions: [\n');
    const r = await cli(['status', '--models-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^fraud-detector\s+1\.1\.0\s+live/m);
    expect(r.stdout).not.toContain('taxi-fare');
    expect(r.stderr).toMatch(new RegExp(`^modelship: ${path.join(dir, 'taxi-fare.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    const j = await cli(['status', '--json', '--models-dir', dir]);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout).map((s: { name: string }) => s.name)).toEqual(['fraud-detector']);
  });
});

describe('status on a real terminal', () => {
  const hasScript = spawnSync('script', ['--version']).status === 0;
  (hasScript ? it : it.skip)("fits the terminal's own width (a 60-column pty)", () => {
    const dir = exampleModelsDir();
    const cmd = `stty cols 60; ${process.execPath} ${path.join(ROOT, 'bin', 'modelship.js')} status --models-dir ${dir}`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', COLUMNS: '' } });
    expect(r.status).toBe(0);
    const lines = r.stdout.replace(/\r/g, '').split('\n').filter(Boolean);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(60);
    expect(lines).toContain('fraud-detector (blue-green)');
  });
});

describe('the CLI around the commands', () => {
  it('honours $MODELSHIP_MODELS_DIR; --models-dir still wins', async () => {
    const dir = exampleModelsDir();
    const r = cliProcess(['status', '--json'], { cwd: tempDir(), env: { MODELSHIP_MODELS_DIR: dir } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((s: { name: string }) => s.name)).toEqual(['fraud-detector', 'taxi-fare']);
    const empty = tempDir();
    expect(JSON.parse((await cli(['status', '--json', '--models-dir', empty], { env: { MODELSHIP_MODELS_DIR: dir } })).stdout)).toEqual([]);
  });

  it('-v and --version print the package version', async () => {
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    expect((await cli(['-v'])).stdout).toBe(`${version}\n`);
    expect((await cli(['--version'])).stdout).toBe(`${version}\n`);
  });

  it('one error prefix for usage errors too', async () => {
    const r = await cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^modelship: unknown command 'frobnicate'/);
    expect((await cli(['status', '--nope'])).stderr).toMatch(/^modelship: unknown option '--nope'/);
  });

  it('names the model in an error about a version: a transition, a bump that cannot apply', async () => {
    const dir = tempDir();
    await initModel(dir, 'taxi', 'rolling');
    await cli(['bump', 'taxi', 'major', '--models-dir', dir]);
    const r = await cli(['promote', 'taxi', '1.0.0', '--models-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^modelship: taxi 1\.0\.0 is candidate: promote cannot move it to production/);
    const pre = await cli(['bump', 'taxi', 'patch', '--preid', 'b@d', '--models-dir', dir]);
    expect(pre.stderr).toMatch(/^modelship: taxi: --preid: "b@d"/);
  });

  it('names the model and version when a measurement fails', async () => {
    const dir = tempDir();
    await initModel(dir, 'taxi', 'rolling');
    await cli(['bump', 'taxi', 'major', '--models-dir', dir]);
    const r = await cli(['measure', 'taxi', '1.0.0', '--artifact', path.join(dir, 'nope'), '--models-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`modelship: taxi 1.0.0: --artifact: ${path.join(dir, 'nope')} does not exist\n`);
  });
});
