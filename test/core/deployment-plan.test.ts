import { DeploymentRole, planDeployments, plannedDeployments, runningVersionRefusal, roleRefusal } from '../../src/core/deployment-plan';
import { STAGES, type ModelRecord, type Stage, type VersionEntry } from '../../src/core/record';
import { blueGreen, D2, D3, record, version } from '../helpers/records';

const MiB = 1024 * 1024;
const roles = (p: ReturnType<typeof planDeployments>) => ({
  live: p.live && `${p.live.version.version}${p.live.slot ? `@${p.live.slot}` : ''}`,
  preview: p.preview && `${p.preview.version.version}@${p.preview.slot}`,
  candidate: p.candidate?.version.version,
});

describe('deployment plan', () => {
  it('rolling: production is live; the newest candidate runs as the candidate', () => {
    const r = record({ versions: [version('1.0.0', 'production'), version('1.1.0', 'candidate'), version('1.2.0-rc.0', 'candidate', { digest: D2 })] });
    expect(roles(planDeployments(r))).toEqual({ live: '1.0.0', preview: undefined, candidate: '1.2.0-rc.0' });
    expect(planDeployments(r).notes).toEqual([]);
  });

  it('a candidate needs no latency figure: that is what it runs to measure', () => {
    const r = record({ versions: [version('1.0.0', 'candidate', { latencyP95Ms: undefined })] });
    expect(roles(planDeployments(r))).toEqual({ live: undefined, preview: undefined, candidate: '1.0.0' });
  });

  it('a validated version awaiting promote stays the candidate; an older one than production does not', () => {
    expect(planDeployments(record({ versions: [version('1.0.0', 'production'), version('1.1.0', 'validated')] })).candidate?.version.version).toBe('1.1.0');
    expect(planDeployments(record({ versions: [version('1.0.0', 'validated'), version('1.1.0', 'production')] })).candidate).toBeUndefined();
  });

  it('rejected, production and retired versions are never the candidate', () => {
    const r = record({ versions: [version('1.0.0', 'retired'), version('1.1.0', 'production'), version('1.2.0', 'rejected')] });
    expect(planDeployments(r)).toEqual({ live: { role: 'live', version: r.versions[1] }, preview: undefined, candidate: undefined, notes: [] });
  });

  it('a newer candidate without a digest, without a size or over its size gate is skipped and named', () => {
    const r = record({
      gates: { maxSizeMiB: 512, maxLatencyP95Ms: 50 },
      versions: [
        version('1.0.0', 'candidate'),
        version('1.1.0', 'candidate', { digest: undefined }),
        version('1.2.0', 'candidate', { sizeBytes: undefined }),
        version('1.3.0', 'candidate', { sizeBytes: 600 * MiB }),
      ],
    });
    const plan = planDeployments(r);
    expect(plan.candidate?.version.version).toBe('1.0.0');
    expect(plan.notes).toEqual([
      'taxi-fare 1.3.0 is not deployed as the candidate: size 600 MiB exceeds maxSizeMiB 512 by 88 MiB (17.2%)',
      'taxi-fare 1.2.0 is not deployed as the candidate: it has no measured size to size its volume (run modelship measure --artifact)',
      'taxi-fare 1.1.0 is not deployed as the candidate: it has no digest for the init task to verify (run modelship measure --artifact)',
    ]);
  });

  it('blue-green: the active slot is live, the other the preview, and a candidate in no slot', () => {
    const r = blueGreen({
      versions: [version('1.0.0', 'production'), version('1.1.0', 'validated', { digest: D2 }), version('1.2.0-rc.0', 'candidate', { digest: D3 })],
      slots: { active: 'green', blue: '1.1.0', green: '1.0.0' },
    });
    expect(roles(planDeployments(r))).toEqual({ live: '1.0.0@green', preview: '1.1.0@blue', candidate: '1.2.0-rc.0' });
  });

  it('blue-green: a validated version already in a slot is the preview, not also the candidate', () => {
    const r = blueGreen({
      versions: [version('1.0.0', 'production'), version('1.1.0', 'validated')],
      slots: { active: 'blue', blue: '1.0.0', green: '1.1.0' },
    });
    expect(roles(planDeployments(r))).toEqual({ live: '1.0.0@blue', preview: '1.1.0@green', candidate: undefined });
  });

  it('blue-green before any promote: only a candidate', () => {
    const r = blueGreen({ versions: [version('1.0.0', 'candidate')] });
    expect(roles(planDeployments(r))).toEqual({ live: undefined, preview: undefined, candidate: '1.0.0' });
  });

  it('blue-green after a switch: the other slot holds the retired version as idle, not preview', () => {
    const r = blueGreen({
      versions: [version('1.0.0', 'retired'), version('1.1.0', 'production', { digest: D2 })],
      slots: { active: 'green', blue: '1.0.0', green: '1.1.0' },
    });
    expect(plannedDeployments(planDeployments(r)).map((p) => [p.role, p.version.version, p.slot])).toEqual([['live', '1.1.0', 'green'], ['idle', '1.0.0', 'blue']]);
  });
});

describe('roleRefusal: whether a version may run in a role, for both targets', () => {
  const may = (role: DeploymentRole, stage: Stage, r: ModelRecord = record()) =>
    roleRefusal(r, { role, version: version('1.0.0', stage) }) === undefined;

  it.each(STAGES.map((s) => [s]))('%s: the roles its stage allows', (stage) => {
    const allowed = (['live', 'preview', 'idle', 'candidate'] as const).filter((role) => may(role, stage));
    expect(allowed).toEqual({
      candidate: ['candidate'],
      validated: ['preview', 'candidate'],
      rejected: [],
      production: ['live'],
      retired: ['idle'],
    }[stage]);
  });

  it('live and preview must be within every gate; idle keeps the version a rollback returns to; a candidate only needs its size to fit', () => {
    const tight = record({ gates: { maxSizeMiB: 512, maxLatencyP95Ms: 10 } });
    expect(may('live', 'production', tight)).toBe(false);
    expect(roleRefusal(tight, { role: 'live', version: version('1.0.0', 'production') })).toBe(
      'taxi-fare 1.0.0 cannot be deployed as production: p95 latency 20 ms exceeds maxLatencyP95Ms 10 by 10 ms (100.0%); even the 95% CI 20-20 ms is over it');
    expect(may('preview', 'validated', tight)).toBe(false);
    expect(may('idle', 'retired', tight)).toBe(true);
    expect(may('candidate', 'candidate', tight)).toBe(true);
    expect(roleRefusal(record(), { role: 'idle', version: version('1.0.0', 'retired', { digest: undefined }) })).toMatch(/has no digest/);
  });

  it('every role the plan gives a record built by the lifecycle is one roleRefusal allows', () => {
    const records = [
      record({ versions: [version('1.0.0', 'retired'), version('1.1.0', 'production'), version('1.2.0', 'validated'), version('1.3.0', 'candidate')] }),
      blueGreen({ versions: [version('1.0.0', 'production'), version('1.1.0', 'validated')], slots: { active: 'blue', blue: '1.0.0', green: '1.1.0' } }),
      blueGreen({ versions: [version('1.0.0', 'retired'), version('1.1.0', 'production')], slots: { active: 'green', blue: '1.0.0', green: '1.1.0' } }),
    ];
    for (const r of records) {
      for (const p of plannedDeployments(planDeployments(r))) expect(roleRefusal(r, p)).toBeUndefined();
    }
  });
});

describe('runningVersionRefusal: what makes synth hold a model', () => {
  it('a live or preview version outside its gates, in slot order; an idle retired one or a candidate never', () => {
    const slow = { latencyP95Ms: 80, latencyP95LowMs: 80, latencyP95HighMs: 80 };
    expect(runningVersionRefusal(record({ versions: [version('1.0.0', 'production')] }))).toBeUndefined();
    expect(runningVersionRefusal(record({ versions: [version('1.0.0', 'production', slow)] }))).toMatch(/^taxi-fare 1\.0\.0 cannot be deployed as production: p95 latency/);
    // A candidate is deployed to measure its latency: a slow one is no reason to hold the model.
    expect(runningVersionRefusal(record({ versions: [version('1.0.0', 'production'), version('1.1.0', 'candidate', slow)] }))).toBeUndefined();
    const bg = (blue: Partial<VersionEntry>, green: Partial<VersionEntry>, greenStage: VersionEntry['stage']) => blueGreen({
      versions: [version('1.0.0', 'production', blue), version('1.1.0', greenStage, green)],
      slots: { active: 'blue', blue: '1.0.0', green: '1.1.0' },
    });
    expect(runningVersionRefusal(bg({}, slow, 'validated'))).toMatch(/^fraud-detector 1\.1\.0 cannot be deployed as preview/);
    expect(runningVersionRefusal(bg({}, slow, 'retired'))).toBeUndefined();
    expect(runningVersionRefusal(bg(slow, slow, 'validated'))).toMatch(/^fraud-detector 1\.0\.0 cannot be deployed as production/);
  });
});
