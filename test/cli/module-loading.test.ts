import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { exampleModelsDir, ROOT } from '../helpers/cli';

/**
 * Modules a command loaded, by running it in a fresh process that reports
 * require.cache after. The processes run side by side (it.concurrent): each
 * is its own process, so they cannot see each other's modules.
 */
async function loadedBy(args: string[]): Promise<string[]> {
  const script = `require(${JSON.stringify(path.join(ROOT, 'lib/src/cli/main.js'))}).run(['node', 'modelship', ...${JSON.stringify(args)}])
    .then(() => process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(require.cache))))`;
  const r = await promisify(execFile)(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, MODELSHIP_ACTOR: 't' } })
    .then(({ stderr }) => ({ status: 0, stderr }), (e: { code?: number; stderr?: string }) => ({ status: e.code, stderr: e.stderr ?? '' }));
  expect(r.status).toBe(0);
  return JSON.parse(r.stderr.split('\nLOADED ')[1]);
}

const HEAVY = /node_modules\/(cdk8s|cdk8s-plus-27|cdktf|@cdktf\/[^/]+|constructs|undici|jstat|mime-types|mime-db)\//;

describe('what commands load', () => {
  it.concurrent.each([
    ['status'], ['history', 'taxi-fare'], ['bump', 'taxi-fare', 'patch'], ['validate', 'taxi-fare', '1.2.0-rc.1'],
    // A dry-run prune and a promote within one repository need no registry, so not the HTTP client either.
    ['prune', 'taxi-fare'], ['promote', 'taxi-fare', '1.2.0-rc.1'], ['alias', 'list', 'taxi-fare'],
  ])('`%s` loads neither cdk8s nor cdktf (nor the HTTP client or the statistics library)', async (...args) => {
    const loaded = await loadedBy([...args, '--models-dir', exampleModelsDir()]);
    expect(loaded.filter((m) => HEAVY.test(m))).toEqual([]);
    expect(loaded.some((m) => m.includes('node_modules/yaml/'))).toBe(true);
  });

  it.concurrent('`report` draws with vega but loads neither cdk8s nor cdktf', async () => {
    const out = require('node:fs').mkdtempSync(path.join(require('node:os').tmpdir(), 'report-'));
    const loaded = await loadedBy(['report', '--out', out, '--models-dir', exampleModelsDir()]);
    expect(loaded.filter((m) => HEAVY.test(m))).toEqual([]);
    expect(loaded.some((m) => /node_modules\/vega-lite\//.test(m))).toBe(true);
  });

  it.concurrent('`drift` loads neither cdk8s nor cdktf (nor the HTTP client)', async () => {
    const dir = exampleModelsDir();
    require('node:fs').appendFileSync(path.join(dir, 'taxi-fare.yaml'), 'monitoring:\n  features: { numeric: [trip_distance] }\n');
    const fixtures = path.join(ROOT, 'test', 'fixtures', 'drift');
    const loaded = await loadedBy(['drift', 'taxi-fare', '--reference', path.join(fixtures, 'reference.csv'),
      '--current', path.join(fixtures, 'current-same.csv'), '--models-dir', dir]);
    expect(loaded.filter((m) => HEAVY.test(m))).toEqual([]);
    expect(loaded.some((m) => m.includes('node_modules/csv-parse/'))).toBe(true);
  });

  it.concurrent('`synth --target nomad` renders jobs without loading cdktf or cdk8s', async () => {
    const out = require('node:fs').mkdtempSync(path.join(require('node:os').tmpdir(), 'nomad-only-'));
    const loaded = await loadedBy(['synth', '--target', 'nomad', '--out', out, '--models-dir', exampleModelsDir()]);
    expect(loaded.filter((m) => HEAVY.test(m))).toEqual([]);
  });

  it.concurrent('(the check sees cdk8s when it is loaded: `synth --target kubernetes`)', async () => {
    const out = require('node:fs').mkdtempSync(path.join(require('node:os').tmpdir(), 'k8s-only-'));
    const loaded = await loadedBy(['synth', '--target', 'kubernetes', '--out', out, '--models-dir', exampleModelsDir()]);
    expect(loaded.some((m) => /node_modules\/cdk8s-plus-27\//.test(m))).toBe(true);
  });

  it('cdktf is imported only behind the modelship/nomad/stack entry point', () => {
    const fs = require('node:fs') as typeof import('node:fs');
    const src = path.join(ROOT, 'src');
    const files = (fs.readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    const importers = files.filter((f) => /from '(cdktf|@cdktf\/[^']+)'/.test(fs.readFileSync(path.join(src, f), 'utf8')));
    expect(importers.sort()).toEqual(['nomad/nomad-model-job.ts', 'nomad/nomad-model-stack.ts']);
  });
});

