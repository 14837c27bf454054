import { InputError, PolicyError } from '../../src/core/errors';
import { bump, promote, recordFigures, rollback, switchSlots, validate } from '../../src/core/lifecycle';
import type { HistoryEvent } from '../../src/core/history-event';
import { newestRetiredFirst, retirementOrder } from '../../src/core/retired-order';
import { ModelRecord, productionVersion, VersionEntry } from '../../src/core/record';
import { recordRuleViolations } from '../../src/core/record-rules';
import { blueGreen, D2, MEASURED_LATENCY, MEASURED_SIZE, record, version } from '../helpers/records';

const NOW = '2026-11-02T00:00:00Z';
const later = (n: number) => `2026-11-02T00:00:0${n}Z`;
const stageOf = (r: ModelRecord, v: string) => r.versions.find((x) => x.version === v)?.stage;

describe('lifecycle', () => {
  it('bump adds a candidate and an event', () => {
    const out = bump(record({ versions: [version('1.4.0', 'production')] }), 'minor', { now: NOW });
    expect(out.summary).toBe('1.5.0');
    expect(out.record.versions[1]).toEqual({ version: '1.5.0', stage: 'candidate', createdAt: NOW });
    expect(out.events).toEqual([{ action: 'bump', version: '1.5.0', from: null, to: 'candidate', details: { release: 'minor' } }]);
  });

  it('validate passes within the gates and rejects outside with a recorded reason', () => {
    const ok = validate(record({ versions: [version('1.0.0', 'candidate', { sizeBytes: 1024, latencyP95Ms: 10 })] }), '1.0.0', { now: NOW });
    expect(stageOf(ok.record, '1.0.0')).toBe('validated');
    expect(ok.refusal).toBeUndefined();
    const bad = validate(record({ versions: [version('1.0.0', 'candidate', { sizeBytes: 1024, latencyP95Ms: 80 })] }), '1.0.0', { now: NOW });
    expect(stageOf(bad.record, '1.0.0')).toBe('rejected');
    expect(bad.record.versions[0].reason).toMatch(/p95 latency 80 ms exceeds maxLatencyP95Ms 50 by 30 ms/);
    expect(bad.refusal).toBeInstanceOf(PolicyError);
  });

  it('validate refuses without a figure for every gate and records nothing', () => {
    const r = record({ versions: [version('1.0.0', 'candidate', { latencyP95Ms: undefined })] });
    expect(() => validate(r, '1.0.0', { now: NOW })).toThrow(/no p95 latency recorded/);
  });

  it('validate uses recorded figures when none are given', () => {
    const r = record({ versions: [version('1.0.0', 'candidate', { sizeBytes: 10, latencyP95Ms: 5 })] });
    expect(stageOf(validate(r, '1.0.0', { now: NOW }).record, '1.0.0')).toBe('validated');
  });

  it.each(['rejected', 'production', 'retired'] as const)('validate refuses a %s version', (stage) => {
    const r = record({ versions: [version('1.0.0', stage)] });
    expect(() => validate(r, '1.0.0', { now: NOW })).toThrow(PolicyError);
  });

  it.each(['candidate', 'rejected', 'production', 'retired'] as const)('promote refuses a %s version', (stage) => {
    const r = record({ versions: [version('1.0.0', stage)] });
    expect(() => promote(r, '1.0.0', NOW)).toThrow(PolicyError);
  });

  it('promote refuses unknown versions as bad input', () => {
    expect(() => promote(record(), '9.9.9', NOW)).toThrow(InputError);
  });

  it('promote re-checks gates that tightened after validation', () => {
    const r = record({ gates: { maxSizeMiB: 10, maxLatencyP95Ms: 50 }, versions: [version('1.0.0', 'validated')] });
    expect(() => promote(r, '1.0.0', NOW)).toThrow(/exceeds maxSizeMiB 10/);
  });

  it('promote refuses a version without a digest', () => {
    const r = record({ versions: [version('1.0.0', 'validated', { digest: undefined })] });
    expect(() => promote(r, '1.0.0', NOW)).toThrow(/without a digest/);
  });

  it('rolling: promote retires the old production; rollback undoes it', () => {
    let r = record({ versions: [version('1.0.0', 'production'), version('1.1.0', 'validated')] });
    r = promote(r, '1.1.0', later(1)).record;
    expect(stageOf(r, '1.0.0')).toBe('retired');
    expect(stageOf(r, '1.1.0')).toBe('production');
    const back = rollback(r, later(2));
    expect(stageOf(back.record, '1.0.0')).toBe('production');
    expect(stageOf(back.record, '1.1.0')).toBe('retired');
    expect(back.events.map((e) => e.action)).toEqual(['retire', 'rollback']);
    // A second rollback undoes the first, as helm rollback does.
    const again = rollback(back.record, later(3)).record;
    expect(productionVersion(again)?.version).toBe('1.1.0');
  });

  it.each([['rolling', record], ['blue-green', blueGreen]] as const)('%s: rollback with several retired versions goes to the most recent one, not the oldest', (_s, make) => {
    // Versions retired in an order that differs from both their semver order and their list order.
    let r = make({ versions: ['1.0.0', '1.1.0', '1.2.0', '1.3.0'].map((v) => version(v, 'validated')) });
    let t = 0;
    for (const v of ['1.1.0', '1.0.0', '1.2.0', '1.3.0']) {
      r = promote(r, v, later(++t)).record;
      if (r.deploy.strategy === 'blue-green' && productionVersion(r)?.version !== v) r = switchSlots(r, later(++t)).record;
      expect(productionVersion(r)?.version).toBe(v);
    }
    expect(r.versions.filter((v) => v.stage === 'retired').map((v) => v.version).sort()).toEqual(['1.0.0', '1.1.0', '1.2.0']);
    r = rollback(r, later(++t)).record;
    // 1.2.0 was live just before 1.3.0; 1.1.0 is the oldest retirement, 1.0.0 the lowest version.
    expect(productionVersion(r)?.version).toBe('1.2.0');
    expect(stageOf(r, '1.3.0')).toBe('retired');
    expect(recordRuleViolations(r)).toEqual([]);
    r = rollback(r, later(++t)).record;
    expect(productionVersion(r)?.version).toBe('1.3.0');
  });

  it("the history's order of retirements decides over retiredAt, unless it misses a retired version", () => {
    const r = record({ versions: [version('1.0.0', 'retired', { retiredAt: '2026-01-03T00:00:00Z' }), version('1.1.0', 'retired', { retiredAt: '2026-01-02T00:00:00Z' }), version('1.2.0', 'production')] });
    expect(newestRetiredFirst(r.versions).map((v) => v.version)).toEqual(['1.0.0', '1.1.0']);
    expect(newestRetiredFirst(r.versions, ['1.0.0', '1.1.0']).map((v) => v.version)).toEqual(['1.1.0', '1.0.0']);
    expect(newestRetiredFirst(r.versions, ['1.1.0']).map((v) => v.version)).toEqual(['1.0.0', '1.1.0']);
    expect(productionVersion(rollback(r, NOW, { retirements: ['1.0.0', '1.1.0'] }).record)?.version).toBe('1.1.0');
    const ev = (version: string, to: 'retired' | 'production', stand?: string): HistoryEvent =>
      ({ at: 'x', actor: 'a', action: 'retire', version, from: 'production', to, details: {}, ...(stand ? { stand } : {}) });
    // The last retirement counts; other stands' and other transitions' events do not.
    expect(retirementOrder([ev('1.0.0', 'retired'), ev('1.1.0', 'retired'), ev('1.0.0', 'retired'), ev('1.2.0', 'production'), ev('1.3.0', 'retired', 'dev')], 'prod', 'prod'))
      .toEqual(['1.1.0', '1.0.0']);
  });

  it('rollback with nothing retired is refused', () => {
    expect(() => rollback(record({ versions: [version('1.0.0', 'production')] }), NOW)).toThrow(/no retired version/);
  });

  it('blue-green: first promote goes live, the next is a preview, switch flips, rollback flips back', () => {
    let r = blueGreen({ versions: [version('1.0.0', 'validated'), version('1.1.0', 'validated', { digest: D2 })] });
    r = promote(r, '1.0.0', later(1)).record;
    expect(r.slots).toEqual({ active: 'blue', blue: '1.0.0', green: null });
    expect(stageOf(r, '1.0.0')).toBe('production');

    r = promote(r, '1.1.0', later(2)).record;
    expect(r.slots).toEqual({ active: 'blue', blue: '1.0.0', green: '1.1.0' });
    expect(stageOf(r, '1.1.0')).toBe('validated');
    expect(() => promote(r, '1.1.0', later(2))).toThrow(/already the preview/);

    r = switchSlots(r, later(3)).record;
    expect(r.slots).toEqual({ active: 'green', blue: '1.0.0', green: '1.1.0' });
    expect(stageOf(r, '1.1.0')).toBe('production');
    expect(stageOf(r, '1.0.0')).toBe('retired');
    expect(() => switchSlots(r, later(4))).toThrow(/use|rollback/);

    const back = rollback(r, later(4));
    r = back.record;
    expect(r.slots).toEqual({ active: 'blue', blue: '1.0.0', green: '1.1.0' });
    // The idle slot already held 1.0.0: nothing was displaced from it.
    expect(back.events.find((e) => e.action === 'rollback')?.details).toEqual({ slot: 'blue', from: '1.1.0', displaced: null });
    expect(stageOf(r, '1.0.0')).toBe('production');
    expect(stageOf(r, '1.1.0')).toBe('retired');
    expect(recordRuleViolations(r)).toEqual([]);
  });

  it('blue-green: switch says where the retired version stays; rollback says when its slot is not ready for the traffic', () => {
    const bg = (idleReplicas?: number) => blueGreen({
      deploy: { strategy: 'blue-green', kubernetes: { namespace: 'ml-serving' }, ...(idleReplicas === undefined ? {} : { blueGreen: { idleReplicas } }) },
      versions: [version('1.0.0', 'validated'), version('1.1.0', 'validated', { digest: D2 })],
    });
    const switched = (r: ReturnType<typeof bg>) => switchSlots(promote(promote(r, '1.0.0', later(1)).record, '1.1.0', later(2)).record, later(3));
    expect(switched(bg()).summary).toBe('fraud-detector: slot green (1.1.0) is live; 1.0.0 retired, still running in slot blue');
    expect(switched(bg(1)).summary).toBe('fraud-detector: slot green (1.1.0) is live; 1.0.0 retired, still running in slot blue at 1 replica (deploy.blueGreen.idleReplicas)');
    expect(switched(bg(0)).summary).toBe('fraud-detector: slot green (1.1.0) is live; 1.0.0 retired, kept in slot blue at 0 replicas (deploy.blueGreen.idleReplicas)');
    // Back into the slot idleReplicas shrank (3 replicas live): the traffic would land on 1.
    expect(rollback(switched(bg(1)).record, later(4)).summary).toBe('fraud-detector: rolled back to 1.0.0 in slot blue; 1.1.0 retired. '
      + 'Slot blue runs 1 of its 3 replicas (deploy.blueGreen.idleReplicas) and takes the live traffic at the next deploy: '
      + 'scale it to 3 first and wait until they are ready (README: "Rolling back into the idle slot")');
    // Autoscaled: the live count is the autoscaler's minimum.
    const scaled = { ...bg(1), serving: { ...bg(1).serving, autoscaling: { min: 2, max: 6, targetCpuPercent: 70 } } };
    expect(rollback(switched(scaled).record, later(4)).summary).toMatch(/Slot blue runs 1 of its 2 replicas/);
    // A full-size idle slot is ready: nothing to say.
    expect(rollback(switched(bg()).record, later(4)).summary).toBe('fraud-detector: rolled back to 1.0.0 in slot blue; 1.1.0 retired');
    expect(rollback(switched(bg(3)).record, later(4)).summary).toBe('fraud-detector: rolled back to 1.0.0 in slot blue; 1.1.0 retired');
    // A retired version in neither slot (the record turned blue-green after it retired) goes into the empty one.
    const empty = blueGreen({ versions: [version('1.0.0', 'retired'), version('1.1.0', 'production', { digest: D2 })], slots: { active: 'blue', blue: '1.1.0', green: null } });
    expect(rollback(empty, later(1)).summary).toBe('fraud-detector: rolled back to 1.0.0 in slot green; 1.1.0 retired. Slot green was empty: its 3 replicas start '
      + 'while the live traffic moves there; deploy that slot alone first and wait until it is ready (README: "Rolling back into the idle slot")');
  });

  it('blue-green rollback reloads the previous version when a newer preview took its slot', () => {
    let r = blueGreen({ versions: [version('1.0.0', 'validated'), version('1.1.0', 'validated'), version('1.2.0', 'validated')] });
    r = promote(r, '1.0.0', later(1)).record;
    r = promote(r, '1.1.0', later(2)).record;
    r = switchSlots(r, later(3)).record; // green 1.1.0 live, blue 1.0.0 retired
    r = promote(r, '1.2.0', later(4)).record; // blue now previews 1.2.0
    const back = rollback(r, later(5));
    r = back.record;
    expect(r.slots).toEqual({ active: 'blue', blue: '1.0.0', green: '1.1.0' });
    expect(back.events.find((e) => e.action === 'rollback')?.details).toEqual({ slot: 'blue', from: '1.1.0', displaced: '1.2.0' });
    // The Service moves onto pods still running the preview until they are replaced: said, with what to do.
    expect(back.summary).toBe('fraud-detector: rolled back to 1.0.0 in slot blue; 1.1.0 retired. Slot blue held the preview 1.2.0: its pods are replaced by '
      + '1.0.0\'s while the live traffic moves there; deploy that slot alone first and wait until it is ready (README: "Rolling back into the idle slot")');
    expect(productionVersion(r)?.version).toBe('1.0.0');
    expect(stageOf(r, '1.2.0')).toBe('validated');
  });

  it('a preview that fails re-validation is rejected and leaves its slot', () => {
    let r = blueGreen({ versions: [version('1.0.0', 'validated'), version('1.1.0', 'validated', { digest: D2 })] });
    r = promote(r, '1.0.0', later(1)).record;
    r = promote(r, '1.1.0', later(2)).record;
    r = recordFigures(r, '1.1.0', { group: 'latency', figures: { latencyP95Ms: 90, latencyP95LowMs: 85, latencyP95HighMs: 95 }, provenance: MEASURED_LATENCY }, later(3)).record;
    const out = validate(r, '1.1.0', { now: later(3) });
    expect(stageOf(out.record, '1.1.0')).toBe('rejected');
    expect(out.record.slots).toEqual({ active: 'blue', blue: '1.0.0', green: null });
    expect(out.refusal).toBeInstanceOf(PolicyError);
  });

  it('switch is for blue-green only and needs a preview', () => {
    expect(() => switchSlots(record(), NOW)).toThrow(InputError);
    const r = promote(blueGreen({ versions: [version('1.0.0', 'validated')] }), '1.0.0', NOW).record;
    expect(() => switchSlots(r, NOW)).toThrow(/slot green is empty/);
  });

  it('never stores two production versions', () => {
    const broken = record({ versions: [version('1.0.0', 'production'), version('1.1.0', 'production')] });
    expect(recordRuleViolations(broken)[0].message).toMatch(/at most one version is in production/);
  });

  it('recordFigures refuses a different artifact for a version past candidate', () => {
    const r = record({ versions: [version('1.0.0', 'validated')] });
    expect(() => recordFigures(r, '1.0.0', { group: 'size', figures: { digest: D2, sizeBytes: 1 }, provenance: MEASURED_SIZE }, NOW)).toThrow(/needs a new version/);
  });

  it('a new artifact for a candidate voids the latency and metrics measured on the old one', () => {
    const r = record({ versions: [version('1.0.0', 'candidate', { metrics: { auc: 0.9 }, datasetDigest: D2 })] });
    const measured = recordFigures(r, '1.0.0', { group: 'size', figures: { digest: D2, sizeBytes: 5 }, provenance: MEASURED_SIZE }, NOW);
    // Said, not done silently: the digest it had (from `bump --digest`, or an earlier tree) is replaced.
    expect(measured.summary).toBe(`taxi-fare 1.0.0: recorded digest, sizeBytes; replaces digest ${r.versions[0].digest}, a different tree, so the latency and metrics measured on it are dropped`);
    const out = measured.record.versions[0];
    expect(out).toMatchObject({ digest: D2, sizeBytes: 5 });
    expect(out.latencyP95Ms).toBeUndefined();
    expect(out.metrics).toBeUndefined();
    expect(out.provenance).toEqual({ size: MEASURED_SIZE });
    // The same artifact measured again keeps them.
    const again = recordFigures(r, '1.0.0', { group: 'size', figures: { digest: r.versions[0].digest, sizeBytes: 5 }, provenance: MEASURED_SIZE }, NOW);
    expect(again.summary).not.toMatch(/replaces/);
    expect(again.record.versions[0].latencyP95Ms).toBe(20);
  });

  describe('the gates again on the way to production', () => {
    const DS = `sha256:${'d'.repeat(64)}`;
    const measuredMetrics = { kind: 'measured' as const, at: NOW, actor: 'test', command: 'measure --metrics' };
    const scored = (v: string, stage: VersionEntry['stage'], rmse: number) =>
      version(v, stage, { metrics: { rmse }, datasetDigest: DS, provenance: { size: MEASURED_SIZE, latency: MEASURED_LATENCY, metrics: measuredMetrics } });
    const gates = { ...record().gates, beatProduction: { rmse: 'lower' as const } };

    it('promote: a challenger must beat the version live now, not only the one it beat at validate', () => {
      // 1.1.0 and 1.2.0 both beat 1.0.0 at validate; once 1.1.0 is live, 1.2.0 trails it.
      let r = record({ gates, versions: [scored('1.0.0', 'production', 4), scored('1.1.0', 'validated', 3), scored('1.2.0', 'validated', 3.5)] });
      r = promote(r, '1.1.0', later(1)).record;
      expect(() => promote(r, '1.2.0', later(2))).toThrow("taxi-fare 1.2.0 cannot reach production: rmse 3.5 trails by 0.5 production 1.1.0's 3 (lower is better)");
      expect(productionVersion(r)?.version).toBe('1.1.0');
    });

    it('switch: a preview that no longer beats the live version (gates changed since) stays the preview', () => {
      let r = blueGreen({ versions: [scored('1.0.0', 'validated', 3), scored('1.1.0', 'validated', 4)] });
      r = promote(r, '1.0.0', later(1)).record;
      r = promote(r, '1.1.0', later(2)).record;
      r = { ...r, gates };
      expect(() => switchSlots(r, later(3))).toThrow("1.1.0 cannot reach production: rmse 4 trails by 1 production 1.0.0's 3 (lower is better)");
    });

    it('rollback: refused to a version today\'s gates refuse (synth would have nothing to deploy), and not judged against the champion', () => {
      let r = record({ gates, versions: [scored('1.0.0', 'validated', 3), scored('1.1.0', 'validated', 2)] });
      r = promote(r, '1.0.0', later(1)).record;
      r = promote(r, '1.1.0', later(2)).record;
      // Going back to a worse model is what a rollback is for: beatProduction does not stop it.
      expect(productionVersion(rollback(r, later(3)).record)?.version).toBe('1.0.0');
      const tightened = { ...r, gates: { ...r.gates, maxSizeMiB: 0.0001 } };
      expect(() => rollback(tightened, later(3))).toThrow(/^taxi-fare 1\.0\.0 cannot reach production: .*exceeds maxSizeMiB/);
    });
  });

  it('a declared figure never replaces a measured one', () => {
    const r = record({ versions: [version('1.0.0', 'candidate')] });
    expect(() => recordFigures(r, '1.0.0', {
      group: 'latency', figures: { latencyP95Ms: 1 }, provenance: { kind: 'declared', at: NOW, actor: 'a', source: 'typed' },
    }, NOW)).toThrow(/its latency was measured .*a declared figure cannot replace a measured one/);
  });
});
