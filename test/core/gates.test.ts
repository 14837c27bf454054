import { evaluateGates } from '../../src/core/gates';

const gates = { maxSizeMiB: 512, maxLatencyP95Ms: 50 };
const MiB = 1024 * 1024;

describe('gates', () => {
  it('passes at the limit', () => {
    expect(evaluateGates(gates, { sizeBytes: 512 * MiB, latencyP95Ms: 50 }).passed).toBe(true);
  });

  it('says which gate failed and by how much', () => {
    const v = evaluateGates(gates, { sizeBytes: 612 * MiB, latencyP95Ms: 40 });
    expect(v.passed).toBe(false);
    expect(v.reason).toBe('size 612 MiB exceeds maxSizeMiB 512 by 100 MiB (19.5%)');
    const l = evaluateGates(gates, { sizeBytes: MiB, latencyP95Ms: 75 });
    expect(l.reason).toBe('p95 latency 75 ms exceeds maxLatencyP95Ms 50 by 25 ms (50.0%)');
  });

  it('fails a gate that has no figure', () => {
    const v = evaluateGates(gates, { sizeBytes: MiB });
    expect(v.passed).toBe(false);
    expect(v.reason).toMatch(/maxLatencyP95Ms: no p95 latency recorded/);
  });
});
