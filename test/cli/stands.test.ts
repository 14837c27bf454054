import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { deleteCommand } from '../../src/kubernetes/apply-set';
import { renderManifests } from '../../src/kubernetes/render-manifests';
import { renderJobs } from '../../src/nomad/render-jobs';
import { ModelStore } from '../../src/registry/model-store';
import { cli, exampleModelsDir, initModel, snapshotDir, tempDir, validatedVersion } from '../helpers/cli';
import { parseManifest, validateAll } from '../helpers/kube';
import { expectNomadValid } from '../helpers/nomad-validate';

const STANDS = `stands:
  - name: dev
    kubernetes: { namespace: taxi-dev }
    nomad: { namespace: dev, datacenters: [lab] }
    replicas: 1
    resources: { cpu: 250m, memory: 256Mi }
  - name: int
    kubernetes: { namespace: taxi-int }
    nomad: { namespace: int }
    autoscaling: { min: 1, max: 3, targetCpuPercent: 70 }
  - name: prod
    kubernetes: { namespace: taxi-prod }
`;

/** A model with three stands, declared above `versions` as a user would. */
async function stagedModel(strategy: 'rolling' | 'blue-green' = 'rolling'): Promise<string> {
  const dir = path.join(tempDir(), 'models');
  await initModel(dir, 'taxi', strategy);
  const file = path.join(dir, 'taxi.yaml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^versions:/m, `${STANDS}versions:`));
  return dir;
}

const run = async (dir: string, ...args: string[]) => await cli([...args, '--models-dir', dir]);
const json = async (dir: string, ...args: string[]) => JSON.parse((await run(dir, ...args, '--json')).stdout);

describe('stands on the command line', () => {
  it('promote goes stand by stand; a skipped stand is refused and leaves every file whole', async () => {
    const dir = await stagedModel();
    const v1 = await validatedVersion(dir, 'taxi', 'major');
    const before = snapshotDir(dir);
    const skip = await run(dir, 'promote', 'taxi', v1, '--stand', 'prod');
    expect(skip.code).toBe(1);
    expect(skip.stderr).toBe(`modelship: taxi ${v1} cannot reach stand prod: it has not been live in int yet (promote it there first: \`modelship promote taxi ${v1} --stand int\`)\n`);
    expect(snapshotDir(dir)).toEqual(before);
    expect((await run(dir, 'promote', 'taxi', v1)).stdout).toBe(`[dev] taxi ${v1} is live in dev\n`);
    expect((await run(dir, 'promote', 'taxi', v1)).stdout).toBe(`[int] taxi ${v1} is live in int\n`);
    expect((await run(dir, 'promote', 'taxi', v1)).stdout).toBe(`[prod] taxi ${v1} is in production\n`);
    const unknown = await run(dir, 'promote', 'taxi', v1, '--stand', 'qa');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('modelship: taxi: no stand qa (stands: dev, int, prod)\n');
    expect((await json(dir, 'status', 'taxi')).stands).toEqual({ dev: v1, int: v1, prod: v1 });
  });

  it('rollback per stand; history records the stand of every event', async () => {
    const dir = await stagedModel();
    const v1 = await validatedVersion(dir, 'taxi', 'major');
    for (const s of ['dev', 'int']) expect((await run(dir, 'promote', 'taxi', v1, '--stand', s)).code).toBe(0);
    const v2 = await validatedVersion(dir, 'taxi', 'minor', 'b');
    for (const s of ['dev', 'int']) expect((await run(dir, 'promote', 'taxi', v2, '--stand', s)).code).toBe(0);
    expect((await run(dir, 'rollback', 'taxi', '--stand', 'int')).stdout).toBe(`[int] taxi: rolled back to ${v1}; ${v2} retired\n`);
    expect((await json(dir, 'status', 'taxi')).stands).toEqual({ dev: v2, int: v1, prod: null });
    expect(await json(dir, 'status', 'taxi', '--stand', 'int')).toMatchObject({
      stand: 'int', production: v1, versions: [{ version: v1, stage: 'production' }, { version: v2, stage: 'retired' }],
    });
    // Every model, in a stand none declares: bad input, as for history and synth, not an empty table.
    expect(await run(dir, 'status', '--stand', 'qa')).toEqual({ code: 2, stdout: '', stderr: 'modelship: --stand qa: no model declares that stand (stands: dev, int, prod)\n' });
    expect((await run(dir, 'status', '--stand', 'int')).code).toBe(0);
    // Without --stand: the last stand, as synth deploys it (its candidate runs in dev, not here).
    expect(await json(dir, 'status', 'taxi')).toMatchObject({
      production: null, deployments: [], versions: [{ version: v1, stage: 'validated' }, { version: v2, stage: 'validated' }],
    });
    // Production has nothing to roll back to; the stands before it are untouched by that refusal.
    expect((await run(dir, 'rollback', 'taxi')).stderr).toBe('modelship: taxi: no retired version to roll back to\n');
    const inInt = await json(dir, 'history', 'taxi', '--stand', 'int');
    expect(inInt.map((e: { action: string; version: string }) => `${e.action} ${e.version}`)).toEqual([
      `promote ${v1}`, `retire ${v1}`, `promote ${v2}`, `retire ${v2}`, `rollback ${v1}`,
    ]);
    const all = await json(dir, 'history', 'taxi');
    for (const e of all) {
      if (['promote', 'retire', 'rollback'].includes(e.action)) expect(['dev', 'int']).toContain(e.stand);
      else expect(e.stand).toBeUndefined();
    }
    expect((await run(dir, 'history', 'taxi')).stdout.split('\n')[0]).toMatch(/^AT \(UTC\) +ACTOR +ACTION +STAND +VERSION/);
    // The stand's state is in the record, below the hand-written spec.
    const rec = parse(fs.readFileSync(path.join(dir, 'taxi.yaml'), 'utf8'));
    expect(rec.standStates.int.versions.map((v: { version: string; stage: string }) => `${v.version} ${v.stage}`)).toEqual([`${v1} production`, `${v2} retired`]);
    expect(rec.stands[2]).toEqual({ name: 'prod', kubernetes: { namespace: 'taxi-prod' } });
  });

  it('aliases: set, move, list with the stands, history --alias and --at', async () => {
    const dir = await stagedModel();
    const v1 = await validatedVersion(dir, 'taxi', 'major');
    const v2 = await validatedVersion(dir, 'taxi', 'minor', 'b');
    expect((await run(dir, 'promote', 'taxi', v1)).code).toBe(0);
    expect((await run(dir, 'alias', 'set', 'taxi', 'champion', v1)).stdout).toBe(`taxi@champion -> ${v1}\n`);
    const between = new Date().toISOString();
    expect((await run(dir, 'alias', 'set', 'taxi', 'champion', v2)).stdout).toBe(`taxi@champion -> ${v2} (was ${v1})\n`);
    for (const [name, code, message] of [['latest', 2, 'reserved'], ['v3', 2, 'looks like a version'], ['int', 2, 'is a stand'], ['a/b', 2, 'letters, digits']] as const) {
      const r = await run(dir, 'alias', 'set', 'taxi', name, v1);
      expect(r.code).toBe(code);
      expect(r.stderr).toContain(message);
    }
    expect(await json(dir, 'alias', 'list', 'taxi')).toEqual([
      { alias: 'dev', version: v1, kind: 'stand' },
      { alias: 'int', version: null, kind: 'stand' },
      { alias: 'prod', version: null, kind: 'stand' },
      { alias: 'champion', version: v2, kind: 'alias' },
    ]);
    expect((await run(dir, 'history', 'taxi', '--alias', 'champion', '--at', between)).stdout).toBe(`${v1}\n`);
    expect((await run(dir, 'history', 'taxi', '--alias', 'champion', '--at', new Date().toISOString())).stdout).toBe(`${v2}\n`);
    expect((await run(dir, 'history', 'taxi', '--alias', 'champion', '--at', '2020-01-01')).stdout).toBe('-\n');
    expect((await run(dir, 'history', 'taxi', '--alias', 'dev', '--at', new Date().toISOString())).stdout).toBe(`${v1}\n`);
    const periods = await json(dir, 'history', 'taxi', '--alias', 'champion');
    expect(periods.map((p: { version: string }) => p.version)).toEqual([v1, v2]);
    // The same keys in every period: the open one ends `null`, the closed one when the next began.
    expect(periods.map((p: object) => Object.keys(p).sort())).toEqual([['action', 'actor', 'from', 'until', 'version'], ['action', 'actor', 'from', 'until', 'version']]);
    expect([periods[0].until, periods[1].until]).toEqual([periods[1].from, null]);
    expect((await run(dir, 'alias', 'rm', 'taxi', 'champion')).stdout).toBe(`taxi@champion removed (was ${v2})\n`);
    expect(parse(fs.readFileSync(path.join(dir, 'taxi.yaml'), 'utf8')).aliases).toBeUndefined();
    expect((await run(dir, 'history', 'taxi', '--at', '2020-01-01')).code).toBe(2);
  });

  it('synth writes each stand to its own folder with its overrides, valid on both targets', async () => {
    const dir = await stagedModel('blue-green');
    const v1 = await validatedVersion(dir, 'taxi', 'major');
    const v2 = await validatedVersion(dir, 'taxi', 'minor', 'b');
    for (const s of ['dev', 'int']) expect((await run(dir, 'promote', 'taxi', v1, '--stand', s)).code).toBe(0);
    expect((await run(dir, 'promote', 'taxi', v2, '--stand', 'dev')).code).toBe(0);
    expect((await run(dir, 'switch', 'taxi', '--stand', 'dev')).code).toBe(0);
    const out = tempDir();
    const r = await run(dir, 'synth', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      `wrote ${out}/dev/kubernetes/taxi.k8s.yaml`, `wrote ${out}/dev/nomad/taxi.nomad.hcl`, `wrote ${out}/dev/nomad/taxi.nomad.json`,
      `wrote ${out}/int/kubernetes/taxi.k8s.yaml`, `wrote ${out}/int/nomad/taxi.nomad.hcl`, `wrote ${out}/int/nomad/taxi.nomad.json`,
      `apply: KUBECTL_APPLYSET=true kubectl apply -n taxi-dev --server-side --force-conflicts --prune --applyset=modelship-applyset-dev -f ${out}/dev/kubernetes/`,
      `apply: KUBECTL_APPLYSET=true kubectl apply -n taxi-int --server-side --force-conflicts --prune --applyset=modelship-applyset-int -f ${out}/int/kubernetes/`,
    ]);
    const dev = parseManifest(fs.readFileSync(path.join(out, 'dev/kubernetes/taxi.k8s.yaml'), 'utf8'));
    const int = parseManifest(fs.readFileSync(path.join(out, 'int/kubernetes/taxi.k8s.yaml'), 'utf8'));
    validateAll(dev);
    validateAll(int);
    expect(new Set(dev.map((o) => o.metadata.namespace))).toEqual(new Set(['taxi-dev']));
    expect(new Set(int.map((o) => o.metadata.namespace))).toEqual(new Set(['taxi-int']));
    // Object names are those of a model without stands; the namespace tells the stands apart.
    expect(dev.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['Deployment/taxi-blue', 'Deployment/taxi-green', 'PodDisruptionBudget/taxi', 'Service/taxi', 'Service/taxi-preview']);
    expect(int.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['Deployment/taxi-blue', 'HorizontalPodAutoscaler/taxi-blue', 'PodDisruptionBudget/taxi', 'Service/taxi']);
    const version = (objs: typeof dev, slot: string) =>
      objs.find((o) => o.kind === 'Deployment' && o.metadata.name.endsWith(slot))?.spec.template.metadata.labels['app.kubernetes.io/version'];
    expect(version(dev, 'green')).toBe(v2);
    expect(version(int, 'blue')).toBe(v1);
    const devLive = dev.find((o) => o.kind === 'Deployment' && o.metadata.name.endsWith('green'));
    expect(devLive.spec.replicas).toBe(1);
    expect(devLive.spec.template.spec.containers[0].resources.limits).toMatchObject({ cpu: '250m', memory: '256Mi' });
    expect(int.some((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.maxReplicas === 3)).toBe(true);
    const devHcl = fs.readFileSync(path.join(out, 'dev/nomad/taxi.nomad.hcl'), 'utf8');
    const intHcl = fs.readFileSync(path.join(out, 'int/nomad/taxi.nomad.hcl'), 'utf8');
    expect(devHcl).toMatch(/namespace += "dev"/);
    expect(devHcl).toMatch(/datacenters += \["lab"\]/);
    expect(intHcl).toMatch(/namespace += "int"/);
    expectNomadValid({ 'dev.nomad.hcl': devHcl, 'int.nomad.hcl': intHcl });
    // --stand: one stand only; --stdout prints it.
    const only = tempDir();
    expect((await run(dir, 'synth', '--out', only, '--stand', 'int')).stdout).toBe(`wrote ${only}/int/kubernetes/taxi.k8s.yaml\nwrote ${only}/int/nomad/taxi.nomad.hcl\nwrote ${only}/int/nomad/taxi.nomad.json\n` +
      `apply: KUBECTL_APPLYSET=true kubectl apply -n taxi-int --server-side --force-conflicts --prune --applyset=modelship-applyset-int -f ${only}/int/kubernetes/\n`);
    expect((await run(dir, 'synth', '--stdout', '--target', 'nomad', '--stand', 'dev')).stdout).toBe(devHcl);
    expect((await run(dir, 'synth', '--out', only, '--stand', 'qa')).stderr).toBe('modelship: --stand qa: no model declares that stand\n');
    // Gates tightened since: the refusal names the stand, and the model's files there stay as they were.
    const file = path.join(dir, 'taxi.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('maxSizeMiB: 100', 'maxSizeMiB: 0.0001'));
    const before = snapshotDir(path.join(out, 'dev', 'kubernetes'));
    const refused = await run(dir, 'synth', '--out', out);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^modelship: synth refused: stand dev: taxi \S+ cannot be deployed as /);
    expect(snapshotDir(path.join(out, 'dev', 'kubernetes'))).toEqual(before);
    // The record removed: every stand's folder is emptied, and each stand's set is deleted by its label.
    fs.rmSync(file);
    const gone = await run(dir, 'synth', '--out', out);
    expect(gone.code).toBe(0);
    expect(gone.stdout.split('\n').filter((l) => /^(removed .*k8s|delete)/.test(l))).toEqual([
      `removed ${out}/dev/kubernetes/taxi.k8s.yaml`, `removed ${out}/int/kubernetes/taxi.k8s.yaml`,
      `delete: ${deleteCommand('taxi-dev', 'dev')}`, `delete: ${deleteCommand('taxi-int', 'int')}`,
    ]);
    for (const s of ['dev', 'int']) for (const t of ['kubernetes', 'nomad']) expect(fs.readdirSync(path.join(out, s, t))).toEqual([]);
  });

  it('records without stands synthesize exactly as the renderers render them, where they always went', async () => {
    const dir = exampleModelsDir();
    const out = tempDir();
    expect((await cli(['synth', '--out', out, '--models-dir', dir])).code).toBe(0);
    const records = new ModelStore(dir).loadAll();
    expect(records.every((r) => r.stands === undefined)).toBe(true);
    const expected = new Map([
      ...[...renderManifests(records)].map(([f, t]) => [path.join('kubernetes', f), t] as const),
      ...[...renderJobs(records)].map(([f, t]) => [path.join('nomad', f), t] as const),
    ]);
    const written = new Map(['kubernetes', 'nomad'].flatMap((t) => fs.readdirSync(path.join(out, t)).map((f) => [path.join(t, f), fs.readFileSync(path.join(out, t, f), 'utf8')] as const)));
    expect(written).toEqual(expected);
  });

  it('one declared stand renders the same objects as no stands, in its own folder', async () => {
    const dir = exampleModelsDir();
    const plain = tempDir();
    expect((await cli(['synth', 'taxi-fare', '--out', plain, '--models-dir', dir])).code).toBe(0);
    const file = path.join(dir, 'taxi-fare.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^versions:/m, 'stands: [prod]\nversions:'));
    const staged = tempDir();
    expect((await cli(['synth', 'taxi-fare', '--out', staged, '--models-dir', dir])).code).toBe(0);
    for (const f of ['kubernetes/taxi-fare.k8s.yaml', 'nomad/taxi-fare.nomad.hcl', 'nomad/taxi-fare.nomad.json']) {
      // The same bytes but the ApplySet's name: a stand's folder is a set of its own.
      const text = fs.readFileSync(path.join(staged, 'prod', f), 'utf8');
      if (f.endsWith('.k8s.yaml')) expect(text).toMatch(/^# ApplySet: modelship-applyset-prod, namespace ml-serving\./m);
      expect(text.replace('modelship-applyset-prod,', 'modelship-applyset,')).toBe(fs.readFileSync(path.join(plain, f), 'utf8'));
    }
  });

  it('bad stands: one line naming the file, the field and the rule, exit 2', async () => {
    const dir = await stagedModel();
    const file = path.join(dir, 'taxi.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('kubernetes: { namespace: taxi-int }', 'kubernetes: { namespace: taxi-dev }'));
    const r = await run(dir, 'status', 'taxi');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`modelship: ${file}: stands[1].kubernetes.namespace: stands dev and int share the Kubernetes namespace taxi-dev; give each stand its own\n`);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('- name: int', '- name: Int_1'));
    expect((await run(dir, 'status', 'taxi')).stderr).toMatch(new RegExp(`^modelship: ${file}: stands\\[1\\]\\.name: must be a DNS-1123 label, not "Int_1"\n$`));
  });
});

describe('stands in the report', () => {
  it('shows where versions stand in every stand, first to last', async () => {
    const dir = await stagedModel();
    const v1 = await validatedVersion(dir, 'taxi', 'major');
    expect((await run(dir, 'promote', 'taxi', v1, '--stand', 'dev')).code).toBe(0);
    const v2 = await validatedVersion(dir, 'taxi', 'minor');
    expect((await run(dir, 'promote', 'taxi', v2, '--stand', 'dev')).code).toBe(0);
    expect((await run(dir, 'promote', 'taxi', v1, '--stand', 'int')).code).toBe(0);
    const out = tempDir('report-');
    expect((await run(dir, 'report', '--out', out)).code).toBe(0);
    const html = fs.readFileSync(path.join(out, 'models', 'taxi.html'), 'utf8');
    const rows = [...html.matchAll(/<tr><td>(dev|int|prod)<\/td><td>(\w+)<\/td><td>[^<]*<\/td><td>([^<]+)<\/td>/g)].map((m) => [m[1], m[2], m[3]]);
    expect(rows).toEqual(expect.arrayContaining([['dev', 'live', v2], ['int', 'live', v1]]));
    expect(rows.some(([stand]) => stand === 'prod')).toBe(false);
  });

  it('report: live means the last stand, and the timeline says which stand each event happened in', async () => {
    const dir = await stagedModel();
    const v1 = await validatedVersion(dir, 'taxi', 'major', 'r1');
    const v2 = await validatedVersion(dir, 'taxi', 'minor', 'r2');
    for (const [v, times] of [[v1, 3], [v2, 2]] as const) for (let i = 0; i < times; i++) expect((await run(dir, 'promote', 'taxi', v)).code).toBe(0);
    const out = tempDir('report-');
    expect((await run(dir, 'report', '--out', out)).code).toBe(0);
    const html = fs.readFileSync(path.join(out, 'models', 'taxi.html'), 'utf8');
    // v2 went through dev and int; prod still runs v1, its only live version.
    const live = /<figure class="chart" id="live-timeline"><figcaption>([^<]*)<\/figcaption>([\s\S]*?)<\/figure>/.exec(html)!;
    expect(live[1]).toBe('Which version was live when (in prod, the last stand)');
    expect(live[2]).toContain(v1);
    expect(live[2]).not.toContain(v2);
    expect(html).toContain('<th>actor</th><th>stand</th><th>action</th>');
    const rows = [...html.matchAll(/<tr><td>[^<]*<\/td><td>[^<]*<\/td><td>(dev|int|prod)<\/td><td>promote<\/td><td>([^<]*)<\/td>/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(rows).toEqual([`dev ${v1}`, `int ${v1}`, `prod ${v1}`, `dev ${v2}`, `int ${v2}`]);
  });
});

describe('the retraining contract with stands', () => {
  it('the last stand\'s job pushes the next rc after every version cut, not after the versions that run there', async () => {
    const dir = await stagedModel();
    const file = path.join(dir, 'taxi.yaml');
    fs.appendFileSync(file, 'retraining: { schedule: "0 3 * * 1", image: registry.example.com/train/taxi:1.0.0 }\n');
    const v1 = await validatedVersion(dir, 'taxi', 'major');
    for (let i = 0; i < 3; i++) expect((await run(dir, 'promote', 'taxi', v1)).code).toBe(0);
    // Two candidates cut since, neither live in prod: the job must push rc.2, as bump would print.
    expect((await run(dir, 'bump', 'taxi', 'preminor', '--preid', 'rc')).stdout).toContain('1.1.0-rc.0');
    expect((await run(dir, 'bump', 'taxi', 'prerelease', '--preid', 'rc')).stdout).toContain('1.1.0-rc.1');
    const out = tempDir();
    expect((await run(dir, 'synth', '--out', out)).code).toBe(0);
    const cron = parseManifest(fs.readFileSync(path.join(out, 'prod', 'kubernetes', 'taxi.k8s.yaml'), 'utf8')).find((o) => o.kind === 'CronJob');
    const env = Object.fromEntries(cron.spec.jobTemplate.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect([env.MODELSHIP_NEXT_VERSION, env.MODELSHIP_NEXT_RELEASE, env.MODELSHIP_PRODUCTION_VERSION]).toEqual(['1.1.0-rc.2', 'prerelease', v1]);
    const nomad = JSON.parse(fs.readFileSync(path.join(out, 'prod', 'nomad', 'taxi-retrain.nomad.json'), 'utf8')).Job;
    expect(nomad.TaskGroups[0].Tasks[0].Env).toMatchObject({ MODELSHIP_NEXT_VERSION: '1.1.0-rc.2', MODELSHIP_NEXT_RELEASE: 'prerelease', MODELSHIP_PRODUCTION_VERSION: v1 });
    // And what the job pushes is what bump cuts next.
    expect((await run(dir, 'bump', 'taxi', 'prerelease', '--preid', 'rc')).stdout).toContain('1.1.0-rc.2');
  });
});
