import { reportRecord } from '../helpers/report-record';
import { deployedVersionsOf } from '../../src/core/deployed-versions';

const record = reportRecord;

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
