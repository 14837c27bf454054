import type { HistoryEvent } from '../core/history-event';

/** One drift figure at one time, e.g. the PSI of `distance_km` = 0.31 while 1.2.0 was live. */
export interface DriftPoint {
  readonly at: string;
  readonly version: string | null;
  readonly series: string;
  readonly value: number;
}

/** One drift chart: a family of figures on one scale, with the threshold that makes them drift. */
export interface DriftChart {
  readonly id: string;
  readonly title: string;
  readonly yTitle: string;
  readonly threshold?: { readonly value: number; readonly label: string };
  readonly points: readonly DriftPoint[];
}

/** One drift check as a row: when, against which version, and what drifted. */
export interface DriftCheck {
  readonly at: string;
  readonly version: string | null;
  readonly drifted: boolean | null;
  /** Columns (and the mean gap) that drifted. */
  readonly driftedFigures: readonly string[];
}

/** Most series a chart can tell apart without colour. */
export const MAX_DRIFT_SERIES = 8;

type Loose = Readonly<Record<string, unknown>>;
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A threshold as a reader takes it in: four significant digits (a computed one is 0.31015864250463643). */
const short = (n: number): string => String(Number(n.toPrecision(4)));

/** Column reports of a drift event: `[{column, psi, ...}]`. */
function columns(v: unknown): Loose[] {
  return Array.isArray(v) ? v.filter((c): c is Loose => isObject(c) && typeof c.column === 'string') : [];
}

/** Keeps the series that moved furthest from zero when there are more than a chart can show. */
function keepMost(points: DriftPoint[]): DriftPoint[] {
  const peak = new Map<string, number>();
  for (const p of points) peak.set(p.series, Math.max(peak.get(p.series) ?? -Infinity, Math.abs(p.value)));
  const kept = new Set([...peak.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_DRIFT_SERIES).map(([s]) => s));
  return points.filter((p) => kept.has(p.series));
}

/** Counts and sizes are context, not drift: they stay out of a generic chart. */
const NOT_DRIFT = /rows|values|missing|count|categories|degrees|size|edges/i;

function leaves(value: unknown, prefix: string, out: [string, number][]): void {
  if (isNumber(value)) {
    if (!NOT_DRIFT.test(prefix)) out.push([prefix, value]);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => leaves(v, `${prefix}.${isObject(v) && typeof (v.column ?? v.name) === 'string' ? String(v.column ?? v.name) : i}`, out));
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) if (k !== 'thresholds') leaves(v, prefix ? `${prefix}.${k}` : k, out);
  }
}

/**
 * Charts of the history's `drift` events. The shape `modelship drift` records
 * (numeric columns with PSI and KS, categorical ones with a chi-square test, a
 * label/prediction mean gap, and the thresholds used) gets one chart per
 * family with its threshold; other shapes get one chart of their numeric figures.
 */
export function driftCharts(events: readonly HistoryEvent[]): DriftChart[] {
  const drift = events.filter((e) => e.action === 'drift' && isObject(e.details));
  const psi: DriftPoint[] = [];
  const ksPValues: DriftPoint[] = [];
  const chiPValues: DriftPoint[] = [];
  const gaps: DriftPoint[] = [];
  const other: DriftPoint[] = [];
  let thresholds: Loose = {};
  let gapThreshold: number | undefined;
  for (const e of drift) {
    const d = e.details as Loose;
    const point = (series: string, value: unknown, into: DriftPoint[]) => {
      if (isNumber(value)) into.push({ at: e.at, version: e.version, series, value });
    };
    const known = Array.isArray(d.numeric) || Array.isArray(d.categorical) || isObject(d.meanGap);
    if (!known) {
      const found: [string, number][] = [];
      leaves(d, '', found);
      for (const [series, value] of found) point(series, value, other);
      continue;
    }
    if (isObject(d.thresholds)) thresholds = d.thresholds;
    for (const c of columns(d.numeric)) {
      point(String(c.column), c.psi, psi);
      point(String(c.column), c.ksPValue, ksPValues);
    }
    for (const c of columns(d.categorical)) point(String(c.column), c.pValue, chiPValues);
    if (isObject(d.meanGap)) {
      // The check compares the gap's size with the threshold: a negative gap drifts as much as a positive one.
      if (isNumber(d.meanGap.gap)) point(`|mean ${String(d.meanGap.label)} − mean ${String(d.meanGap.prediction)}|`, Math.abs(d.meanGap.gap), gaps);
      if (isNumber(d.meanGap.threshold)) gapThreshold = d.meanGap.threshold;
    }
  }
  const charts: DriftChart[] = [];
  const add = (chart: DriftChart) => {
    if (chart.points.length) charts.push({ ...chart, points: keepMost([...chart.points]) });
  };
  const at = (key: string, label: (n: number) => string) => (isNumber(thresholds[key]) ? { value: thresholds[key] as number, label: label(thresholds[key] as number) } : undefined);
  add({ id: 'drift-psi', title: 'Drift: population stability index per numeric feature (higher is more drift)', yTitle: 'PSI', threshold: at('psi', (n) => `drift at PSI ≥ ${short(n)}`), points: psi });
  // One chart per test: each has its own threshold (monitoring.drift.ksPValue, chiSquarePValue).
  add({ id: 'drift-ks', title: 'Drift: p-values of the KS test per numeric feature (lower is more drift)', yTitle: 'p-value', threshold: at('ksPValue', (n) => `drift below p ${short(n)}`), points: ksPValues });
  add({ id: 'drift-chi-square', title: 'Drift: p-values of the chi-square test per categorical feature (lower is more drift)', yTitle: 'p-value', threshold: at('chiSquarePValue', (n) => `drift below p ${short(n)}`), points: chiPValues });
  add({ id: 'drift-mean-gap', title: 'Drift: gap between mean label and mean prediction', yTitle: 'gap', threshold: gapThreshold === undefined ? undefined : { value: gapThreshold, label: `drift above ${short(gapThreshold)}` }, points: gaps });
  add({ id: 'drift', title: 'Drift over time', yTitle: 'drift', points: other });
  return charts;
}

/** Each drift check's verdict and what drifted, oldest first. */
export function driftChecks(events: readonly HistoryEvent[]): DriftCheck[] {
  return events.filter((e) => e.action === 'drift' && isObject(e.details)).map((e) => {
    const d = e.details as Loose;
    const drifted = [...columns(d.numeric), ...columns(d.categorical)].filter((c) => c.drifted === true).map((c) => String(c.column));
    if (isObject(d.meanGap) && d.meanGap.drifted === true) drifted.push('mean gap');
    return { at: e.at, version: e.version, drifted: typeof d.drifted === 'boolean' ? d.drifted : null, driftedFigures: drifted };
  });
}
