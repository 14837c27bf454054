import { evaluateGates, GateFigures } from '../../src/core/gates';
import { MEASURED_LATENCY, MEASURED_SIZE } from '../helpers/records';

const gates = { maxSizeMiB: 512, maxLatencyP95Ms: 50 };
const MiB = 1024 * 1024;
const measured = (p95: number, low: number, high: number, requests = 200): GateFigures => ({
  sizeBytes: MiB, latencyP95Ms: p95, latencyP95LowMs: low, latencyP95HighMs: high, latencyRequests: requests,
  provenance: { size: MEASURED_SIZE, latency: MEASURED_LATENCY },
});
const latency = (f: GateFigures, g = gates) => evaluateGates(g, f).results.find((r) => r.gate === 'maxLatencyP95Ms')!;

describe('gates', () => {
  it('passes at the limit', () => {
    expect(evaluateGates(gates, { ...measured(50, 45, 50), sizeBytes: 512 * MiB }).passed).toBe(true);
  });

  it('says which gate failed and by how much', () => {
    const v = evaluateGates(gates, { ...measured(40, 38, 42), sizeBytes: 612 * MiB });
    expect(v.passed).toBe(false);
    expect(v.reason).toBe('size 612 MiB exceeds maxSizeMiB 512 by 100 MiB (19.5%)');
    expect(latency(measured(75, 70, 80)).message).toBe('p95 latency 75 ms exceeds maxLatencyP95Ms 50 by 25 ms (50.0%); even the 95% CI 70-80 ms is over it');
  });

  it('fails a gate that has no figure', () => {
    const v = evaluateGates(gates, { sizeBytes: MiB });
    expect(v.passed).toBe(false);
    expect(v.results.find((r) => r.gate === 'maxLatencyP95Ms')!.outcome).toBe('missing');
    expect(v.reason).toMatch(/maxLatencyP95Ms: no p95 latency recorded/);
  });

  describe('latency with confidence', () => {
    it('passes only when the whole interval is within the gate', () => {
      expect(latency(measured(44, 40, 49.9)).outcome).toBe('pass');
      expect(latency(measured(44, 40, 49.9)).message).toBe('p95 latency 44 ms (95% CI 40-49.9 ms) within maxLatencyP95Ms 50');
    });

    it('fails only when the whole interval is over it', () => {
      expect(latency(measured(60, 50.1, 70)).outcome).toBe('fail');
    });

    it('is inconclusive when the interval straddles the gate, saying how many more requests would settle it more often than not', () => {
      const r = latency(measured(45, 40, 55, 200));
      expect(r.outcome).toBe('inconclusive');
      expect(r.passed).toBe(false);
      // Upper half-width 10 ms against a 5 ms gap: four times the sample, 600 more.
      expect(r.moreRequests).toBe(600);
      expect(r.message).toBe('p95 latency 45 ms: its 95% CI 40-55 ms straddles maxLatencyP95Ms 50; about 600 more requests (measure --endpoint --requests 800) would settle it more often than not');
      // Over the gate with the lower bound under it: the same rule from the other side.
      expect(latency(measured(55, 45, 60)).outcome).toBe('inconclusive');
    });

    it('a sample too small for an upper bound is inconclusive, not a pass', () => {
      const f = { ...measured(10, 9, 10, 30), latencyP95HighMs: undefined };
      expect(latency(f).outcome).toBe('inconclusive');
      expect(latency(f).message).toMatch(/30 requests are too few .* --requests 72 or more/);
    });

    it('a declared p95 has no interval and is compared as given, marked declared', () => {
      const declared: GateFigures = { sizeBytes: MiB, latencyP95Ms: 49, provenance: { size: MEASURED_SIZE, latency: { kind: 'declared', at: 'x', actor: 'alice', source: 'typed' } } };
      expect(latency(declared)).toMatchObject({ outcome: 'pass', message: 'p95 latency (declared) 49 ms within maxLatencyP95Ms 50' });
    });
  });

  describe('declared figures at the door to production', () => {
    const declaredLatency: GateFigures = {
      sizeBytes: MiB, latencyP95Ms: 10, provenance: { size: MEASURED_SIZE, latency: { kind: 'declared', at: 'x', actor: 'alice', source: 'typed' } },
    };

    it('are refused unless gates.acceptDeclared', () => {
      expect(evaluateGates(gates, declaredLatency).passed).toBe(true);
      const refused = evaluateGates(gates, declaredLatency, { production: true });
      expect(refused.passed).toBe(false);
      expect(refused.reason).toBe('production takes measured figures only, and the latency is declared (set gates.acceptDeclared: true to allow it)');
      expect(evaluateGates({ ...gates, acceptDeclared: true }, declaredLatency, { production: true }).passed).toBe(true);
    });

    it('a figure with no provenance at all counts as declared', () => {
      expect(evaluateGates(gates, { sizeBytes: MiB, latencyP95Ms: 10 }, { production: true }).reason).toMatch(/the size, latency are declared/);
    });

    it('measured figures pass', () => {
      expect(evaluateGates(gates, measured(10, 9, 11), { production: true }).passed).toBe(true);
    });
  });

  describe('quality gates', () => {
    const quality = { ...gates, metrics: { auc: { min: 0.85 }, rmse: { max: 4.2 } } };
    const withMetrics = (metrics: Record<string, number>) => ({ ...measured(10, 9, 11), metrics });

    it('pass within their bounds', () => {
      const v = evaluateGates(quality, withMetrics({ auc: 0.91, rmse: 3.9 }));
      expect(v.passed).toBe(true);
      expect(v.results.map((r) => r.message)).toContain('auc 0.91 within metrics.auc (>= 0.85)');
    });

    it('fail outside them, saying by how much', () => {
      const v = evaluateGates(quality, withMetrics({ auc: 0.81, rmse: 4.5 }));
      expect(v.results.filter((r) => r.outcome === 'fail').map((r) => r.message)).toEqual([
        'auc 0.81 is below metrics.auc.min 0.85 by 0.04', 'rmse 4.5 is above metrics.rmse.max 4.2 by 0.3',
      ]);
    });

    it('a metric nobody measured is missing', () => {
      expect(evaluateGates(quality, withMetrics({ auc: 0.9 })).results.find((r) => r.gate === 'metrics.rmse')!.outcome).toBe('missing');
    });
  });
});
