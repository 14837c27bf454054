import * as fs from 'node:fs';
import * as path from 'node:path';
import { chiSquareHomogeneity } from '../../src/monitoring/chi-square-test';
import { kolmogorovSurvival, ksTwoSample } from '../../src/monitoring/kolmogorov-smirnov';
import { populationStabilityIndex, PSI_FLOOR } from '../../src/monitoring/population-stability';
import { binOf, quantileEdges, quantileSorted } from '../../src/monitoring/quantiles';
import { ReservoirSample } from '../../src/monitoring/reservoir-sample';
import { RunningMoments } from '../../src/monitoring/running-moments';

const expected = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'drift', 'expected.json'), 'utf8')) as { kstwobign: [number, number][] };

describe('Kolmogorov distribution', () => {
  it.each(expected.kstwobign)('P(K > %d) matches scipy kstwobign.sf', (x, sf) => {
    expect(Math.abs(kolmogorovSurvival(x) - sf)).toBeLessThanOrEqual(1e-10 * sf + 1e-15);
  });
});

describe('two-sample KS statistic', () => {
  it('identical samples: D = 0, p = 1', () => {
    expect(ksTwoSample([1, 2, 3], [1, 2, 3])).toEqual({ statistic: 0, pValue: 1 });
  });
  it('disjoint samples: D = 1', () => {
    expect(ksTwoSample([1, 2], [3, 4, 5]).statistic).toBe(1);
  });
  it('ties step both CDFs together', () => {
    // CDFs after 1: 2/3 vs 1/3; after 2: 1 vs 2/3; D = 1/3.
    expect(ksTwoSample([1, 1, 2], [1, 2, 3]).statistic).toBeCloseTo(1 / 3, 12);
  });
});

describe('quantiles and bins', () => {
  it('type 7 interpolation, as numpy.quantile', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([10, 20], 0.1)).toBeCloseTo(11, 12);
    expect(quantileEdges([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
  it('a value on an edge belongs to the bin above it (searchsorted right)', () => {
    expect(binOf([1, 2, 3], 0.5)).toBe(0);
    expect(binOf([1, 2, 3], 1)).toBe(1);
    expect(binOf([1, 2, 3], 3)).toBe(3);
    expect(binOf([1, 1, 3], 1)).toBe(2);
  });
});

describe('population stability index', () => {
  it('is 0 for equal shares and grows with the shift', () => {
    expect(populationStabilityIndex([10, 10], [5, 5])).toBe(0);
    expect(populationStabilityIndex([50, 50], [40, 60])).toBeCloseTo(0.1 * Math.log(0.4 / 0.5) * -1 + 0.1 * Math.log(0.6 / 0.5), 12);
  });
  it('an empty bin is floored, not infinite', () => {
    const psi = populationStabilityIndex([50, 50], [100, 0]);
    expect(psi).toBeCloseTo((1 - 0.5) * Math.log(1 / 0.5) + (PSI_FLOOR - 0.5) * Math.log(PSI_FLOOR / 0.5), 12);
  });
});

describe('chi-square homogeneity', () => {
  it('a category in one window only is still a column', () => {
    const r = chiSquareHomogeneity(new Map([['a', 10], ['b', 10]]), new Map([['a', 10], ['c', 10]]));
    expect(r.degreesOfFreedom).toBe(2);
    // expected per cell: a 10/10, b 5/5, c 5/5 -> 0 + 5 + 5 + 5 + 5
    expect(r.statistic).toBeCloseTo(20, 12);
  });
  it('one category: nothing to test, p = 1', () => {
    expect(chiSquareHomogeneity(new Map([['a', 3]]), new Map([['a', 9]]))).toEqual({ statistic: 0, degreesOfFreedom: 0, pValue: 1, categories: 1, pooled: 0 });
  });
  it('pools categories with an expected count below 5, then that column into the smallest while it is still below 5 (scipy on the pooled table)', () => {
    const r = chiSquareHomogeneity(new Map([['a', 500], ['b', 300], ['c', 3], ['d', 2]]), new Map([['a', 50], ['b', 28], ['c', 1], ['e', 1]]));
    // c, d and e pooled (ref 5, cur 2: expected 0.63 in the current window), then with b: [[500, 305], [50, 30]].
    // scipy.stats.chi2_contingency([[500, 305], [50, 30]], correction=False): statistic 0.004661545462973187, dof 1, p 0.9455663176668707.
    expect([r.categories, r.pooled, r.degreesOfFreedom]).toEqual([5, 3, 1]);
    expect(r.statistic).toBeCloseTo(0.004661545462973187, 12);
    expect(r.pValue).toBeCloseTo(0.9455663176668707, 9);
  });
  it('leaves a table with every expected count of 5 or more as it is', () => {
    const r = chiSquareHomogeneity(new Map([['a', 10], ['b', 10]]), new Map([['a', 10], ['c', 10]]));
    expect([r.categories, r.pooled, r.degreesOfFreedom]).toEqual([3, 0, 2]);
  });
});

describe('reservoir sample', () => {
  it('holds the whole stream while it fits', () => {
    const s = new ReservoirSample(5);
    [3, 1, 2].forEach((x) => s.add(x));
    expect([...s.sorted()]).toEqual([1, 2, 3]);
    expect(s.exact).toBe(true);
  });
  it('keeps a fixed size and a uniform sample beyond it, the same one every run', () => {
    const take = () => {
      const s = new ReservoirSample(1000);
      for (let i = 0; i < 100_000; i++) s.add(i);
      return s;
    };
    const s = take();
    const sorted = s.sorted();
    expect(sorted.length).toBe(1000);
    expect(s.exact).toBe(false);
    expect(s.count).toBe(100_000);
    expect([...sorted]).toEqual([...take().sorted()]);
    // Uniform over 0..99,999: the sample's median is near 50,000 (sd about 1,600).
    expect(Math.abs(quantileSorted(sorted, 0.5) - 50_000)).toBeLessThan(6_000);
  });
});

describe('running moments', () => {
  it('mean and sample standard deviation in one pass', () => {
    const m = new RunningMoments();
    [2, 4, 4, 4, 5, 5, 7, 9].forEach((x) => m.add(x));
    expect(m.mean).toBe(5);
    expect(m.sd).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });
});
