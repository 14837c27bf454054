import { PolicyError } from '../../src/core/errors';
import { validate } from '../../src/core/lifecycle';
import type { ModelRecord, StandSpec } from '../../src/core/record';
import { recordRuleViolations } from '../../src/core/record-rules';
import { defaultPromotionStand, promoteInStand, rollbackInStand, switchInStand } from '../../src/core/stand-lifecycle';
import { deploymentsForStand, liveByStand, standDeployment, standView } from '../../src/core/stands';
import { blueGreen, D2, record, T0, version } from '../helpers/records';

const STANDS: StandSpec[] = [
  { name: 'dev', kubernetes: { namespace: 'taxi-dev' }, nomad: { namespace: 'dev', datacenters: ['lab'] }, replicas: 1, resources: { cpu: '250m', memory: '256Mi' } },
  { name: 'int', kubernetes: { namespace: 'taxi-int' }, nomad: { namespace: 'int' }, autoscaling: { min: 1, max: 2, targetCpuPercent: 70 } },
  { name: 'prod' },
];

const T1 = '2026-11-02T10:00:00Z';
const T2 = '2026-11-03T10:00:00Z';
const T3 = '2026-11-04T10:00:00Z';

function staged(overrides: Partial<ModelRecord> = {}): ModelRecord {
  return record({ stands: STANDS, versions: [version('1.0.0', 'validated'), version('1.1.0', 'validated')], ...overrides });
}

/** Promotes through the stands in order, checking each outcome keeps the record's rules. */
function through(r: ModelRecord, v: string, stands: string[], at = T1): ModelRecord {
  for (const s of stands) {
    r = promoteInStand(r, v, s, at).record;
    expect(recordRuleViolations(r)).toEqual([]);
  }
  return r;
}

describe('stands', () => {
  it('a version reaches a stand only after it has been live in the one before', () => {
    const r = staged();
    expect(() => promoteInStand(r, '1.0.0', 'int', T1)).toThrow(PolicyError);
    expect(() => promoteInStand(r, '1.0.0', 'int', T1)).toThrow('1.0.0 cannot reach stand int: it has not been live in dev yet');
    const inDev = promoteInStand(r, '1.0.0', 'dev', T1).record;
    expect(() => promoteInStand(inDev, '1.0.0', 'prod', T1)).toThrow('it has not been live in int yet');
    const all = through(inDev, '1.0.0', ['int', 'prod']);
    expect(liveByStand(all)).toEqual({ dev: '1.0.0', int: '1.0.0', prod: '1.0.0' });
    // The last stand is production: versions[].stage, as for a record without stands.
    expect(all.versions.find((v) => v.version === '1.0.0')?.stage).toBe('production');
    expect(Object.keys(all.standStates ?? {})).toEqual(['dev', 'int']);
  });

  it('the default stand is the next one the version has not been live in', () => {
    let r = staged();
    expect(defaultPromotionStand(r, '1.0.0')).toBe('dev');
    r = through(r, '1.0.0', ['dev']);
    expect(defaultPromotionStand(r, '1.0.0')).toBe('int');
    r = through(r, '1.0.0', ['int', 'prod']);
    expect(() => defaultPromotionStand(r, '1.0.0')).toThrow('has been live in every stand');
    // A record without stands: production, as before.
    expect(defaultPromotionStand(record({ versions: [version('1.0.0', 'validated')] }), '1.0.0')).toBe('production');
  });

  it('champion/challenger is production\'s: a stand before the last does not compare with its own live version', () => {
    const metrics = (rmse: number) => ({ metrics: { rmse }, datasetDigest: D2 });
    let r = staged({
      gates: { ...record().gates, acceptDeclared: true, beatProduction: { rmse: 'lower' } },
      versions: [version('1.0.0', 'validated', metrics(5)), version('1.1.0', 'validated', metrics(3)), version('1.2.0', 'validated', metrics(4))],
    });
    r = through(r, '1.0.0', ['dev', 'int', 'prod']);
    r = through(r, '1.1.0', ['dev', 'int']);
    // dev and int run 1.1.0 (rmse 3); production is still 1.0.0 (rmse 5), which 1.2.0 (rmse 4) beats.
    r = through(r, '1.2.0', ['dev', 'int']);
    expect(liveByStand(r)).toEqual({ dev: '1.2.0', int: '1.2.0', prod: '1.0.0' });
    // Entering production compares with production: 1.2.0 beats 1.0.0.
    expect(liveByStand(through(r, '1.2.0', ['prod']))).toEqual({ dev: '1.2.0', int: '1.2.0', prod: '1.2.0' });
    // And one that does not beat production is refused there, by production's figures.
    const worse = through(staged({ gates: { ...record().gates, acceptDeclared: true, beatProduction: { rmse: 'lower' } },
      versions: [version('1.0.0', 'validated', metrics(5)), version('1.3.0', 'validated', metrics(6))] }), '1.0.0', ['dev', 'int', 'prod']);
    const inInt = through(worse, '1.3.0', ['dev', 'int']);
    expect(() => promoteInStand(inInt, '1.3.0', 'prod', T1)).toThrow(/rmse 6 trails by 1 production 1\.0\.0's 5/);
  });

  it('the last stand keeps every gate; stands before it accept declared figures', () => {
    const declared = version('1.0.0', 'validated', { provenance: { size: { kind: 'measured', at: T0, actor: 't' }, latency: { kind: 'declared', at: T0, actor: 't', source: 'typed' } } });
    const r = through(staged({ versions: [declared] }), '1.0.0', ['dev', 'int']);
    expect(() => promoteInStand(r, '1.0.0', 'prod', T1)).toThrow(/cannot reach production: .*declared/);
    // Gates tightened since validation: production re-checks them at its door.
    const tight = { ...r, gates: { ...r.gates, maxSizeMiB: 50 }, versions: [version('1.0.0', 'validated')] };
    expect(() => promoteInStand(tight, '1.0.0', 'prod', T1)).toThrow(/cannot reach production: size/);
  });

  it('with candidate storage, a stand before the last runs the pinned candidate image, so it needs one', () => {
    const artifact = { image: 'registry.example.com/models/taxi-fare', candidateImage: 'registry.example.com/models-rc/taxi-fare', path: '/model' };
    const pin = `registry.example.com/models-rc/taxi-fare:1.0.0@sha256:${'e'.repeat(64)}`;
    expect(() => promoteInStand(staged({ artifact }), '1.0.0', 'dev', T1)).toThrow('1.0.0 has no pinned image in registry.example.com/models-rc/taxi-fare for stand dev to run');
    const r = through(staged({ artifact, versions: [version('1.0.0', 'validated', { image: pin })] }), '1.0.0', ['dev', 'int']);
    expect(standDeployment(r, 'int').versions[0].image).toBe(pin);
  });

  it('each stand has its own live version and rolls back on its own', () => {
    let r = through(staged(), '1.0.0', ['dev', 'int', 'prod'], T1);
    r = through(r, '1.1.0', ['dev', 'int'], T2);
    expect(liveByStand(r)).toEqual({ dev: '1.1.0', int: '1.1.0', prod: '1.0.0' });
    r = rollbackInStand(r, 'int', T3).record;
    expect(recordRuleViolations(r)).toEqual([]);
    expect(liveByStand(r)).toEqual({ dev: '1.1.0', int: '1.0.0', prod: '1.0.0' });
    // Production's versions[].stage did not move: 1.1.0 is still merely validated there.
    expect(r.versions.map((v) => v.stage)).toEqual(['production', 'validated']);
    const o = rollbackInStand(r, 'dev', T3);
    expect(o.events.map((e) => [e.action, e.stand, e.version])).toEqual([['retire', 'dev', '1.1.0'], ['rollback', 'dev', '1.0.0']]);
    expect(o.summary).toBe('[dev] taxi-fare: rolled back to 1.0.0; 1.1.0 retired');
    expect(() => rollbackInStand(staged(), 'dev', T1)).toThrow('no retired version to roll back to');
  });

  it('blue-green: each stand has its own slots, and switch works per stand', () => {
    let r = blueGreen({ stands: STANDS, versions: [version('1.0.0', 'validated'), version('1.1.0', 'validated')] });
    r = through(r, '1.0.0', ['dev', 'int', 'prod'], T1);
    const preview = promoteInStand(r, '1.1.0', 'dev', T2);
    r = preview.record;
    expect(r.standStates?.dev.slots).toEqual({ active: 'blue', blue: '1.0.0', green: '1.1.0' });
    // The command it suggests is the one for dev: a bare `switch` acts on the last stand.
    expect(preview.summary).toBe(`[dev] ${r.name} 1.1.0 is the preview in slot green; \`modelship switch ${r.name} --stand dev\` makes it live`);
    // A preview is not live: int still refuses it.
    expect(() => promoteInStand(r, '1.1.0', 'int', T2)).toThrow('has not been live in dev yet');
    r = switchInStand(r, 'dev', T2).record;
    expect(r.standStates?.dev.slots).toEqual({ active: 'green', blue: '1.0.0', green: '1.1.0' });
    expect(promoteInStand(blueGreen({ stands: STANDS, versions: [version('1.0.0', 'validated'), version('1.1.0', 'validated')] }), '1.0.0', 'dev', T2).summary).not.toMatch(/--stand/);
    expect(r.standStates?.int.slots).toEqual({ active: 'blue', blue: '1.0.0', green: null });
    expect(r.slots).toEqual({ active: 'blue', blue: '1.0.0', green: null });
    expect(recordRuleViolations(r)).toEqual([]);
  });

  it('a version rejected on re-validation leaves the preview slot it waited in, in every stand', () => {
    let r = blueGreen({ stands: STANDS, versions: [version('1.0.0', 'validated'), version('1.1.0', 'validated')] });
    r = through(r, '1.0.0', ['dev']);
    r = promoteInStand(r, '1.1.0', 'dev', T2).record;
    const tight = { ...r, gates: { ...r.gates, maxSizeMiB: 50 } };
    const o = validate(tight, '1.1.0', { now: T3 });
    expect(o.refusal?.message).toMatch(/1\.1\.0 rejected/);
    expect(o.record.standStates?.dev.slots).toEqual({ active: 'blue', blue: '1.0.0', green: null });
    expect(recordRuleViolations(o.record)).toEqual([]);
  });

  it('a stand deploys its own versions with its overrides; the candidate runs in the first stand only', () => {
    const r = through(staged({ versions: [version('1.0.0', 'validated'), version('1.1.0-rc.0', 'candidate')] }), '1.0.0', ['dev']);
    const dev = standDeployment(r, 'dev');
    expect(dev.deploy.kubernetes).toEqual({ namespace: 'taxi-dev' });
    expect(dev.deploy.nomad).toEqual({ namespace: 'dev', datacenters: ['lab'] });
    expect(dev.serving.replicas).toBe(1);
    expect(dev.serving.resources).toEqual({ cpu: '250m', memory: '256Mi' });
    expect(dev.versions.map((v) => [v.version, v.stage])).toEqual([['1.0.0', 'production'], ['1.1.0-rc.0', 'candidate']]);
    const int = standDeployment(r, 'int');
    expect(int.versions).toEqual([]);
    expect(int.serving.autoscaling).toEqual({ min: 1, max: 2, targetCpuPercent: 70 });
    // Unset fields come from the record.
    expect(int.deploy.nomad).toEqual({ namespace: 'int', datacenters: ['dc1'] });
    expect(standDeployment(r, 'prod').versions).toEqual([]);
  });

  it('the retraining job is the last stand\'s only', () => {
    const retraining = { schedule: '0 3 * * *' } as unknown as ModelRecord['retraining'];
    const r = staged({ retraining });
    expect(standDeployment(r, 'dev').retraining).toBeUndefined();
    expect(standDeployment(r, 'int').retraining).toBeUndefined();
    expect(standDeployment(r, 'prod').retraining).toMatchObject(retraining!);
  });

  it('a record without stands is its own one stand, unchanged', () => {
    const r = record({ versions: [version('1.0.0', 'production', { promotedAt: T0 })] });
    expect(standDeployment(r, 'production')).toBe(r);
    expect(standView(r, 'production')).toBe(r);
    expect(deploymentsForStand([r])[0]).toBe(r);
    expect(liveByStand(r)).toEqual({ production: '1.0.0' });
    expect(() => standView(r, 'dev')).toThrow('no stand dev (stands: production; the record declares no `stands`)');
  });

  it('record rules: stands have distinct names and namespaces, and their state refers to known versions', () => {
    const shared = record({ stands: [{ name: 'dev' }, { name: 'dev' }] });
    expect(recordRuleViolations(shared).map((v) => `${v.path}: ${v.message}`)).toEqual([
      'stands[1].name: dev is listed twice',
      'stands[1].kubernetes.namespace: stands dev and dev share the Kubernetes namespace ml-serving; give each stand its own',
      'stands[1].nomad.namespace: stands dev and dev share the Nomad region/namespace global/default; give each stand its own',
    ]);
    const bad = staged({ standStates: { dev: { versions: [{ version: '9.9.9', stage: 'production' }] }, prod: { versions: [] } } });
    expect(recordRuleViolations(bad).map((v) => `${v.path}: ${v.message}`)).toEqual([
      'standStates.dev.versions[0].version: 9.9.9 is not in versions',
      'standStates.prod: prod is the last stand; its state is versions[].stage and slots',
    ]);
    const two = staged({ standStates: { dev: { versions: [{ version: '1.0.0', stage: 'production' }, { version: '1.1.0', stage: 'production' }] } } });
    expect(recordRuleViolations(two).map((v) => v.path)).toEqual(['standStates.dev.versions[1].stage']);
    expect(recordRuleViolations(record({ standStates: { dev: { versions: [] } } })).map((v) => v.path)).toEqual(['standStates']);
  });
});
