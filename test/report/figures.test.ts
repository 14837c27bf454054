import type { HistoryEvent } from '../../src/core/history-event';
import { reportRecord } from '../helpers/report-record';
import { intervalOf, versionFigures } from '../../src/report/figures';
import { driftCharts, driftChecks, MAX_DRIFT_SERIES } from '../../src/report/drift-series';
import { livePeriods } from '../../src/report/live-periods';
import { metricGates, metricVerdict } from '../../src/report/metric-gates';
import { suddenChanges } from '../../src/report/sudden-changes';

const record = reportRecord;

const ev = (at: string, action: string, version: string | null, from: string | null, to: string | null, details: object = {}): HistoryEvent =>
  ({ at, actor: 'a', action, version, from, to, details } as HistoryEvent);

describe('versionFigures', () => {
  it('orders by semver, not text, and converts sizes to MiB', () => {
    const f = versionFigures(record(), []);
    expect(f.map((v) => v.version)).toEqual(['1.0.0', '1.2.0', '1.10.0']);
    expect(f.map((v) => v.sizeMiB)).toEqual([50, 60, 90]);
  });

  it('fills figures from measure events, bare or with provenance, and ignores what it does not know', () => {
    const f = versionFigures(record(), [
      ev('1', 'measure', '1.0.0', 'retired', 'retired', { latencyP50Ms: { value: 9, source: 'measured' }, latencyP95Ms: 20, latencyP95CiMs: [18, 22], metrics: { auc: 0.9, f1: { value: 0.8 }, junk: 'x' } }),
      ev('2', 'measure', '1.2.0', null, null, { latency: { p99Ms: 70, p95Ci: { lower: 28, upper: 33 } }, latencyP95Ms: 999 }),
      ev('3', 'unknown-thing', '1.2.0', null, null, { latencyP95Ms: 1 }),
    ]);
    expect(f[0]).toMatchObject({ p50Ms: 9, p95Ms: 20, p95Ci: { low: 18, high: 22 }, metrics: { auc: 0.9, f1: 0.8 } });
    // The record entry's latency wins, whole: not beside an older event's p99 and interval, which another run measured.
    expect(f[1]).toMatchObject({ p95Ms: 30, p99Ms: undefined, p95Ci: undefined });
  });

  it('leaves out a measurement the record did not take (production outside its gate): it is no figure of the version', () => {
    const f = versionFigures(record(), [
      ev('1', 'measure', '1.0.0', 'retired', 'retired', { latencyP95Ms: 20, metrics: { auc: 0.9 } }),
      ev('2', 'measure', '1.0.0', 'production', 'production', { latencyP50Ms: 70, latencyP95Ms: 95, metrics: { mae: 9.5 }, recorded: false, outsideGates: 'fails' }),
    ]);
    expect(f[0]).toMatchObject({ p95Ms: 20, p50Ms: undefined, metrics: { auc: 0.9 } });
    expect(f[0].metrics).not.toHaveProperty('mae');
  });

  it('never joins the p95 of one measurement to the interval of another', () => {
    const r = record();
    // 300 requests gave p95 77.18 (CI 75.61-90.51); then 30 requests gave 68.85 with only a lower bound, which the entry keeps.
    const entry = { ...r.versions[1], latencyP95Ms: 68.85, latencyP95LowMs: 61.5, provenance: { latency: { kind: 'measured' } } };
    const f = versionFigures({ ...r, versions: [r.versions[0], entry as never, r.versions[2]] }, [
      ev('1', 'measure', '1.2.0', null, null, { latencyP95Ms: 77.18, latencyP95LowMs: 75.61, latencyP95HighMs: 90.51 }),
      ev('2', 'measure', '1.2.0', null, null, { latencyP95Ms: 68.85, latencyP95LowMs: 61.5 }),
    ]);
    expect(f[1]).toMatchObject({ p95Ms: 68.85, p95Ci: undefined });
    // Without the figure on the entry (an older record), the latest event's own figures, whole.
    const bare = { ...r.versions[1] } as Record<string, unknown>;
    delete bare.latencyP95Ms;
    const g = versionFigures({ ...r, versions: [r.versions[0], bare as never, r.versions[2]] }, [
      ev('1', 'measure', '1.2.0', null, null, { latencyP95Ms: 77.18, latencyP95LowMs: 75.61, latencyP95HighMs: 90.51, latencyP50Ms: 40 }),
      ev('2', 'measure', '1.2.0', null, null, { latencyP95Ms: 68.85, latencyP95LowMs: 61.5 }),
      ev('3', 'measure', '1.2.0', null, null, { sizeBytes: 1048576 }),
    ]);
    expect(g[1]).toMatchObject({ p95Ms: 68.85, p50Ms: undefined, p95Ci: undefined });
  });

  it("reads the record's own p95 interval and each figure group's provenance", () => {
    const r = record();
    const entry = { ...r.versions[1], latencyP95LowMs: 28.5, latencyP95HighMs: 31.9, provenance: { latency: { kind: 'declared' }, size: { kind: 'measured' } } };
    const [, v] = versionFigures({ ...r, versions: [r.versions[0], entry as never, r.versions[2]] }, []);
    expect(v).toMatchObject({ p95Ci: { low: 28.5, high: 31.9 }, provenance: { size: 'measured', latency: 'declared', metrics: undefined } });
  });

  it('reads intervals in the shapes a CI may take, and nothing else', () => {
    expect(intervalOf([1, 2])).toEqual({ low: 1, high: 2 });
    expect(intervalOf({ min: 1, max: 2 })).toEqual({ low: 1, high: 2 });
    expect(intervalOf([1, 2, 3])).toBeUndefined();
    expect(intervalOf({ low: '1', high: 2 })).toBeUndefined();
  });
});

describe('suddenChanges', () => {
  it('calls out a figure that moved more than the threshold from the previous version that has it', () => {
    const changes = suddenChanges(versionFigures(record(), []), 0.2);
    expect(changes).toEqual([
      { figure: 'size (MiB)', fromVersion: '1.2.0', toVersion: '1.10.0', before: 60, after: 90, relative: 0.5 },
      { figure: 'p95 (ms)', fromVersion: '1.2.0', toVersion: '1.10.0', before: 30, after: 40, relative: 1 / 3 },
    ]);
    expect(suddenChanges(versionFigures(record(), []), 0.6)).toEqual([]);
  });
});

describe('livePeriods', () => {
  it('opens a period when a version reaches production and closes it when it leaves', () => {
    expect(livePeriods(record(), [
      ev('2026-01-01T00:00:00Z', 'promote', '1.0.0', 'validated', 'production'),
      ev('2026-01-02T00:00:00Z', 'retire', '1.0.0', 'production', 'retired'),
      ev('2026-01-02T00:00:00Z', 'promote', '1.2.0', 'validated', 'production'),
      ev('2026-01-03T00:00:00Z', 'retire', '1.2.0', 'production', 'retired'),
      ev('2026-01-03T00:00:00Z', 'rollback', '1.0.0', 'retired', 'production'),
    ])).toEqual([
      { version: '1.0.0', from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' },
      { version: '1.2.0', from: '2026-01-02T00:00:00Z', to: '2026-01-03T00:00:00Z' },
      { version: '1.0.0', from: '2026-01-03T00:00:00Z' },
    ]);
  });

  it('with stands, live is the last stand: a version promoted into dev only was never live', () => {
    const stands = { ...record(), stands: [{ name: 'dev' }, { name: 'prod' }] } as never;
    const inStand = (stand: string, e: HistoryEvent): HistoryEvent => ({ ...e, stand });
    expect(livePeriods(stands, [
      inStand('dev', ev('2026-01-01T00:00:00Z', 'promote', '1.0.0', 'validated', 'production')),
      inStand('prod', ev('2026-01-02T00:00:00Z', 'promote', '1.0.0', 'validated', 'production')),
      inStand('dev', ev('2026-01-03T00:00:00Z', 'retire', '1.0.0', 'production', 'retired')),
      inStand('dev', ev('2026-01-03T00:00:00Z', 'promote', '1.2.0', 'validated', 'production')),
    ])).toEqual([{ version: '1.0.0', from: '2026-01-02T00:00:00Z' }]);
  });

  it('falls back to the record when the history is missing', () => {
    expect(livePeriods(record(), [])).toEqual([
      { version: '1.0.0', from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' },
      { version: '1.2.0', from: '2026-01-02T00:00:00Z', to: undefined },
    ]);
  });
});

describe('metric gates', () => {
  it('reads floors and ceilings in several shapes and judges values', () => {
    const r = record({ gates: { maxSizeMiB: 1, maxLatencyP95Ms: 1, metrics: { auc: { min: 0.8 }, rmse: { max: 4 }, f1: 0.7, bad: 'x' } } as never });
    const gates = metricGates(r);
    expect(gates).toEqual([{ metric: 'auc', min: 0.8, max: undefined }, { metric: 'rmse', min: undefined, max: 4 }, { metric: 'f1', min: 0.7 }]);
    expect(metricVerdict(gates[0], 0.79)).toBe('fail');
    expect(metricVerdict(gates[1], 4)).toBe('pass');
    expect(metricVerdict(undefined, 4)).toBe('no gate');
    expect(metricVerdict(gates[2], undefined)).toBe('not measured');
  });
});

describe('drift charts', () => {
  const recorded = (at: string, psi: number, drifted: boolean) => ev(at, 'drift', '1.2.0', null, null, {
    drifted, referenceRows: 1000, thresholds: { psi: 0.2, ksPValue: 0.01, chiSquarePValue: 0.05 },
    numeric: [{ column: 'amount', psi, ksStatistic: 0.1, ksPValue: 0.2, referenceValues: 1000, drifted }],
    categorical: [{ column: 'country', chiSquare: 2, pValue: 0.3, categories: 4, drifted: false }],
    meanGap: { label: 'y', prediction: 'p', gap: 0.5, threshold: 1, drifted: false },
  });

  it("reads `modelship drift` events into PSI, p-value and mean-gap charts with their thresholds, not counts", () => {
    const charts = driftCharts([recorded('t1', 0.05, false), recorded('t2', 0.3, true), ev('t3', 'measure', '1.2.0', null, null, { x: 1 })]);
    expect(charts.map((c) => [c.id, c.threshold?.value])).toEqual([['drift-psi', 0.2], ['drift-ks', 0.01], ['drift-chi-square', 0.05], ['drift-mean-gap', 1]]);
    expect(charts[0].points.map((p) => [p.series, p.value])).toEqual([['amount', 0.05], ['amount', 0.3]]);
    expect(charts[1].points.map((p) => [p.series, p.value])).toEqual([['amount', 0.2], ['amount', 0.2]]);
    expect(charts[2].points.map((p) => [p.series, p.value])).toEqual([['country', 0.3], ['country', 0.3]]);
    expect(driftChecks([recorded('t1', 0.05, false), recorded('t2', 0.3, true)])).toEqual([
      { at: 't1', version: '1.2.0', drifted: false, driftedFigures: [] },
      { at: 't2', version: '1.2.0', drifted: true, driftedFigures: ['amount'] },
    ]);
  });

  it('charts the size of the mean gap, as the check compares it, against a readable threshold', () => {
    const gap = (g: number) => ev('t', 'drift', '1.2.0', null, null, { drifted: true, meanGap: { label: 'fare', prediction: 'pred', gap: g, threshold: 0.31015864250463643, drifted: true } });
    const [chart] = driftCharts([gap(-1.176), gap(0.2)]);
    expect(chart.points.map((p) => [p.series, p.value])).toEqual([['|mean fare − mean pred|', 1.176], ['|mean fare − mean pred|', 0.2]]);
    expect(chart.threshold).toEqual({ value: 0.31015864250463643, label: 'drift above 0.3102' });
  });

  it('charts an unknown shape generically, keeping the series that moved most and leaving counts out', () => {
    const features = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}`, { psi: i / 10 }]));
    const [chart, ...more] = driftCharts([ev('t', 'drift', '1.0.0', null, null, { features, rows: 100000, verdict: 'drifted' })]);
    expect(more).toEqual([]);
    expect(chart.id).toBe('drift');
    const series = new Set(chart.points.map((p) => p.series));
    expect(series.size).toBe(MAX_DRIFT_SERIES);
    expect(series).toContain('features.f11.psi');
    expect(series).not.toContain('features.f0.psi');
    expect(series).not.toContain('rows');
  });
});
