import type { ModelRecord } from '../../src/core/record';
import { deployedVersionsOf } from '../../src/core/deployed-versions';

const MIB = 1024 * 1024;

function record(over: Partial<ModelRecord> = {}): ModelRecord {
  return {
    name: 'm', artifact: { image: 'r/m', path: '/model' },
    serving: { image: 's:1', port: 8080, modelDir: '/models', replicas: 1, resources: { cpu: '1', memory: '1Gi' }, health: { path: '/h' } },
    gates: { maxSizeMiB: 100, maxLatencyP95Ms: 50 }, deploy: { strategy: 'rolling' },
    versions: [
      { version: '1.10.0', stage: 'validated', createdAt: 't3', sizeBytes: 90 * MIB, latencyP95Ms: 40 },
      { version: '1.2.0', stage: 'production', createdAt: 't2', sizeBytes: 60 * MIB, latencyP95Ms: 30, promotedAt: '2026-01-02T00:00:00Z' },
      { version: '1.0.0', stage: 'retired', createdAt: 't1', sizeBytes: 50 * MIB, promotedAt: '2026-01-01T00:00:00Z', retiredAt: '2026-01-02T00:00:00Z' },
    ],
    ...over,
  };
}

describe('deployedVersionsOf', () => {
  it('rolling: the live version and the newest validated one above it as the candidate (with a digest)', () => {
    const r = record();
    const withDigest = { ...r, versions: r.versions.map((v) => ({ ...v, digest: `sha256:${'a'.repeat(64)}` })) };
    expect(deployedVersionsOf(withDigest).map((s) => [s.role, s.version, s.image])).toEqual([['live', '1.2.0', 'r/m:1.2.0'], ['candidate', '1.10.0', 'r/m:1.10.0']]);
    expect(deployedVersionsOf(r).map((s) => s.role)).toEqual(['live']);
  });

  it('blue-green: per slot, the idle one a preview when it holds a validated version', () => {
    const r = record({ deploy: { strategy: 'blue-green' }, slots: { active: 'green', blue: '1.10.0', green: '1.2.0' } });
    expect(deployedVersionsOf(r).map((s) => [s.role, s.slot, s.version, s.since])).toEqual([
      ['live', 'green', '1.2.0', '2026-01-02T00:00:00Z'], ['preview', 'blue', '1.10.0', undefined],
    ]);
  });
});
