import { planDeployments } from '../../src/core/deployment-plan';
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
});
