import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MonitoringSpec } from '../../src/core/monitoring-spec';
import { checkDrift, DriftReport } from '../../src/monitoring/drift-check';
import type { DataFormat } from '../../src/monitoring/row-reader';

// Figures computed independently by numpy/scipy: test/fixtures/drift/make_fixtures.py.
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'drift');
interface Expected {
  numeric: Record<string, { psi: number; edges: number[]; ksStatistic: number; ksPValueKstwobign: number; ksPValueAsymp: number }>;
  categorical: Record<string, { chiSquare: number; pValue: number; degreesOfFreedom: number }>;
  meanGap: { gap: number; referenceGap: number; defaultThreshold: number };
}
const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, Expected>;

const SPEC: MonitoringSpec = {
  features: { numeric: ['trip_distance', 'passengers'], categorical: ['payment_type'] },
  prediction: 'fare_pred',
  label: 'fare',
};

const run = (current: string, format: DataFormat, spec = SPEC): Promise<DriftReport> => checkDrift(
  spec,
  { file: path.join(FIXTURES, `reference.${format}`), format },
  { file: path.join(FIXTURES, `${current}.${format}`), format },
);

const close = (actual: number, wanted: number, relative = 1e-9) =>
  expect(Math.abs(actual - wanted)).toBeLessThanOrEqual(relative * Math.max(Math.abs(wanted), 1e-300) + 1e-14);

describe.each(['csv', 'jsonl'] as const)('drift figures against scipy (%s)', (format) => {
  it.each(['current-same', 'current-drifted'])('%s', async (current) => {
    const want = expected[current];
    const report = await run(current, format);
    expect(report.numeric.map((n) => n.column)).toEqual(['trip_distance', 'passengers']);
    for (const n of report.numeric) {
      const w = want.numeric[n.column];
      expect(n.exact).toBe(true);
      n.edges.forEach((e, i) => close(e, w.edges[i], 1e-12));
      close(n.psi, w.psi, 1e-9);
      close(n.ksStatistic, w.ksStatistic, 1e-12);
      close(n.ksPValue, w.ksPValueKstwobign, 1e-9);
      // scipy's default asymptotic method uses the finite-n distribution; ours is its limit.
      expect(Math.abs(Math.log(n.ksPValue / w.ksPValueAsymp))).toBeLessThan(1);
    }
    const c = report.categorical[0];
    const wc = want.categorical.payment_type;
    close(c.chiSquare, wc.chiSquare, 1e-12);
    expect(c.degreesOfFreedom).toBe(wc.degreesOfFreedom);
    expect(Math.abs(c.pValue - wc.pValue)).toBeLessThan(1e-12);
    close(report.meanGap!.gap, want.meanGap.gap, 1e-9);
    close(report.meanGap!.referenceGap, want.meanGap.referenceGap, 1e-9);
    close(report.meanGap!.threshold, want.meanGap.defaultThreshold, 1e-9);
    expect(report.meanGap!.basis).toBe('current');
  });
});

describe('drift verdicts at the default thresholds', () => {
  it('same distribution: no drift', async () => {
    const report = await run('current-same', 'csv');
    expect(report.drifted).toBe(false);
  });

  it('shifted distance, payment mix and biased predictions: drift, each by its own test', async () => {
    const report = await run('current-drifted', 'csv');
    expect(report.drifted).toBe(true);
    const distance = report.numeric.find((n) => n.column === 'trip_distance')!;
    expect(distance.psi).toBeLessThan(0.2);
    expect(distance.ksPValue).toBeLessThan(0.01);
    expect(distance.drifted).toBe(true);
    expect(report.numeric.find((n) => n.column === 'passengers')!.drifted).toBe(false);
    expect(report.categorical[0].drifted).toBe(true);
    expect(report.meanGap!.drifted).toBe(true);
  });

  it('the mean gap drifts only beyond chance: 2.576 standard errors of the gap', async () => {
    // scipy.stats.norm.ppf(0.995) * numpy.std(fare - fare_pred, ddof=1) / sqrt(2460), over current-drifted.jsonl's paired rows.
    close((await run('current-drifted', 'jsonl')).meanGap!.noise, 0.09437248525222408, 1e-9);
    // Ten labelled rows whose gap (0.7) is past the default threshold (0.58) but well within their noise:
    // a small window's mean moves that far by chance; before, this alone was drift, and a retraining.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gap-'));
    const reference = fs.readFileSync(path.join(FIXTURES, 'reference.csv'), 'utf8');
    const header = reference.split('\n')[0];
    const rows = reference.split('\n').slice(1, 11).map((l) => {
      const cells = l.split(',');
      const [fare, pred] = [header.split(',').indexOf('fare'), header.split(',').indexOf('fare_pred')];
      cells[pred] = String(Number(cells[fare]) - 0.7 + (cells.length % 2 ? 3 : -3) * (Number(cells[fare]) % 2 > 1 ? 1 : -1));
      return cells.join(',');
    });
    fs.writeFileSync(path.join(dir, 'small.csv'), [header, ...rows].join('\n') + '\n');
    const small = await checkDrift({ ...SPEC, features: { numeric: [], categorical: [] } },
      { file: path.join(FIXTURES, 'reference.csv'), format: 'csv' }, { file: path.join(dir, 'small.csv'), format: 'csv' });
    const g = small.meanGap!;
    expect(Math.abs(g.gap)).toBeGreaterThan(g.threshold);
    expect(Math.abs(g.gap)).toBeLessThan(g.noise);
    expect([g.drifted, small.drifted]).toEqual([false, false]);
  });

  it('a PSI past 0.2 drifts only beyond chance: two 100-row slices of one window are not drift', async () => {
    // scipy.stats.chi2.ppf(0.99, 9) * (1/3000 + 1/2500): the bound of the fixture windows.
    close((await run('current-same', 'csv')).numeric[0].psiNoise, 21.665994333461924 * (1 / 3000 + 1 / 2500), 1e-9);
    // Rows 100-199 against rows 200-299 of the reference: numpy gives PSI 0.2226 for trip_distance, by chance alone.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psi-'));
    const lines = fs.readFileSync(path.join(FIXTURES, 'reference.csv'), 'utf8').split('\n');
    fs.writeFileSync(path.join(dir, 'a.csv'), [lines[0], ...lines.slice(101, 201)].join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'b.csv'), [lines[0], ...lines.slice(201, 301)].join('\n') + '\n');
    const report = await checkDrift({ ...SPEC, features: { numeric: ['trip_distance'], categorical: [] } },
      { file: path.join(dir, 'a.csv'), format: 'csv' }, { file: path.join(dir, 'b.csv'), format: 'csv' });
    const distance = report.numeric[0];
    close(distance.psi, 0.22263920614862542, 1e-9);
    close(distance.psiNoise, 21.665994333461924 * (2 / 100), 1e-9);
    expect(distance.psi).toBeGreaterThan(0.2);
    expect([distance.ksPValue > 0.01, distance.drifted]).toEqual([true, false]);
  });

  it('thresholds from the record replace the defaults', async () => {
    const report = await run('current-drifted', 'csv', { ...SPEC, drift: { psi: 0.1, meanGap: 2 } });
    const distance = report.numeric.find((n) => n.column === 'trip_distance')!;
    expect(report.thresholds).toEqual({ psi: 0.1, ksPValue: 0.01, chiSquarePValue: 0.01, meanGap: 2 });
    expect(distance.psi).toBeGreaterThanOrEqual(0.1);
    expect(report.meanGap).toMatchObject({ threshold: 2, thresholdFrom: 'record', drifted: false });
  });
});

describe('windows larger than the sample', () => {
  it('same distribution, sampled: still no drift', async () => {
    const report = await checkDrift(
      SPEC,
      { file: path.join(FIXTURES, 'reference.csv'), format: 'csv' },
      { file: path.join(FIXTURES, 'current-same.csv'), format: 'csv' },
      500,
    );
    expect(report.numeric.every((n) => !n.exact)).toBe(true);
    expect(report.drifted).toBe(false);
  });

  it('figures from a sample stay close to the exact ones and say so', async () => {
    const exact = await run('current-drifted', 'csv');
    const sampled = await checkDrift(
      SPEC,
      { file: path.join(FIXTURES, 'reference.csv'), format: 'csv' },
      { file: path.join(FIXTURES, 'current-drifted.csv'), format: 'csv' },
      1000,
    );
    for (const [i, n] of sampled.numeric.entries()) {
      expect(n.exact).toBe(false);
      // Rows counted exactly whatever the sample size.
      expect(n.currentValues).toBe(2500);
      // D from 1,000 of 3,000 and 2,500 values: within about 1.36 * sqrt(2 / 1000) = 0.06 at 95 %.
      expect(Math.abs(n.ksStatistic - exact.numeric[i].ksStatistic)).toBeLessThan(0.06);
      expect(Math.abs(n.psi - exact.numeric[i].psi)).toBeLessThan(0.05);
    }
  });
});

describe('windows as they arrive', () => {
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'drift-windows-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const same = (format: DataFormat) => fs.readFileSync(path.join(FIXTURES, `current-same.${format}`), 'utf8');
  const against = (file: string, format: DataFormat) => checkDrift(SPEC, { file: path.join(FIXTURES, `reference.${format}`), format }, { file, format });

  it('an empty categorical cell is a missing value, not a category: blanks cause no drift and are counted', async () => {
    const lines = same('csv').split('\n');
    // Every 10th row's payment_type left empty.
    const blanked = lines.map((l, i) => (i > 0 && i % 10 === 0 && l ? l.replace(/,(card|cash|[a-z_]+),/, ',,') : l)).join('\n');
    const file = path.join(dir, 'blanks.csv');
    fs.writeFileSync(file, blanked);
    const report = await against(file, 'csv');
    const payment = report.categorical.find((c) => c.column === 'payment_type')!;
    expect(payment.newCategories).toEqual([]);
    expect(payment.currentMissing).toBeGreaterThan(100);
    expect(payment.referenceMissing).toBe(0);
    expect(payment.drifted).toBe(false);
  });

  it.each(['csv', 'jsonl'] as const)('a %s window without the label column yet is compared as one whose labels are empty', async (format) => {
    const file = path.join(dir, `nolabel.${format}`);
    fs.writeFileSync(file, format === 'csv'
      ? same('csv').split('\n').map((l) => l.split(',').filter((_, i) => i !== 3).join(',')).join('\n')
      : same('jsonl').split('\n').filter(Boolean).map((l) => { const o = JSON.parse(l); delete o.fare; return JSON.stringify(o); }).join('\n'));
    const report = await against(file, format);
    expect(report.meanGap!.basis).toBe('reference');
    expect(report.drifted).toBe(false);
  });

  it('a monitored column twice in the header is refused, not guessed', async () => {
    const file = path.join(dir, 'dup.csv');
    const lines = same('csv').split('\n');
    fs.writeFileSync(file, [`${lines[0]},trip_distance`, ...lines.slice(1).map((l) => (l ? `${l},0` : l))].join('\n'));
    await expect(against(file, 'csv')).rejects.toThrow(/line 1: column "trip_distance" is in the header twice \(columns 1 and 6\)/);
  });

  it('a feature column is still required', async () => {
    const file = path.join(dir, 'nofeature.csv');
    fs.writeFileSync(file, same('csv').split('\n').map((l) => l.split(',').filter((_, i) => i !== 0).join(',')).join('\n'));
    await expect(against(file, 'csv')).rejects.toThrow(/no column "trip_distance" in the header/);
  });
});
