import * as fs from 'node:fs';
import * as path from 'node:path';
import { MIN_REQUESTS_FOR_INTERVAL, orderStatisticRanks, p95Interval, requestsToSettle } from '../../src/core/p95-interval';

// Made by test/fixtures/p95-interval/make-fixtures.py with scipy (binom.ppf/cdf, and quantile_test where present).
interface RankFixture { n: number; lower: number | null; upper: number | null; coverage: number }
interface SampleFixture { shape: string; values: number[]; p95: number; low: number; high: number; scipyQuantileTestCi?: [number, number] }
const fixtures: { ranks: RankFixture[]; samples: SampleFixture[] } = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/p95-interval/fixtures.json'), 'utf8'));

describe('p95 confidence interval (order statistics, binomial bounds)', () => {
  it.each(fixtures.ranks.map((r) => [r.n, r] as const))('n = %i: the same ranks and coverage as scipy', (n, e) => {
    const got = orderStatisticRanks(n);
    expect(got.lower ?? null).toBe(e.lower);
    expect(got.upper ?? null).toBe(e.upper);
    expect(got.coverage).toBeCloseTo(e.coverage, 9);
    expect(got.coverage).toBeGreaterThanOrEqual(0.95);
  });

  it.each(fixtures.samples.map((s) => [s.shape, s] as const))('%s sample: the same p95 and bounds as scipy', (_shape, s) => {
    expect(p95Interval(s.values)).toEqual({ p95: s.p95, low: s.low, high: s.high });
    if (s.scipyQuantileTestCi) expect([s.low, s.high]).toEqual(s.scipyQuantileTestCi);
  });

  it(`needs ${MIN_REQUESTS_FOR_INTERVAL} requests for an upper bound`, () => {
    expect(orderStatisticRanks(MIN_REQUESTS_FOR_INTERVAL - 1).upper).toBeUndefined();
    expect(orderStatisticRanks(MIN_REQUESTS_FOR_INTERVAL).upper).toBe(MIN_REQUESTS_FOR_INTERVAL);
    expect(p95Interval([5, 1, 3]).high).toBeUndefined();
  });

  it('estimates the requests that would settle a straddling interval, none when the p95 is on the gate', () => {
    // Upper half-width 10 ms, 5 ms below the gate: four times the sample.
    expect(requestsToSettle({ n: 200, p95: 40, low: 35, high: 50, limit: 45 })).toBe(600);
    expect(requestsToSettle({ n: 200, p95: 50, low: 45, high: 60, limit: 48 })).toBe(1050);
    expect(requestsToSettle({ n: 200, p95: 45, low: 40, high: 50, limit: 45 })).toBeUndefined();
  });

  it('covers the true p95 of a skewed distribution in about 95% of repeated samples (seeded simulation)', () => {
    // Lognormal(3, 0.6): its true p95 is exp(3 + 0.6 * 1.6448536).
    let seed = 42;
    const uniform = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) + 0.5) / 2 ** 32;
    const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    const truth = Math.exp(3 + 0.6 * 1.6448536269514722);
    const trials = 2000;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const { low, high } = p95Interval(Array.from({ length: 200 }, () => Math.exp(3 + 0.6 * normal())));
      if (low! <= truth && truth <= high!) covered++;
    }
    // Exact coverage for n = 200 is 0.967 (fixtures); 2000 trials put the share within about +-0.01 of it.
    expect(covered / trials).toBeGreaterThan(0.945);
    expect(covered / trials).toBeLessThan(0.99);
  });
});
