import type { HistoryEvent } from '../core/history-event';

/** One numeric drift figure at one time, e.g. `amount.psi` = 0.31 for version 1.2.0. */
export interface DriftPoint {
  readonly at: string;
  readonly version: string | null;
  readonly series: string;
  readonly value: number;
}

/** Most series a chart can tell apart without colour. */
export const MAX_DRIFT_SERIES = 8;

function leaves(value: unknown, prefix: string, out: [string, number][]): void {
  if (typeof value === 'number' && Number.isFinite(value)) out.push([prefix, value]);
  else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  }
}

/**
 * Numeric figures of `drift` events over time, whatever their nesting
 * (`features.amount.psi` and the like); the series that moved most are kept
 * when there are more than a chart can show.
 */
export function driftSeries(events: readonly HistoryEvent[]): DriftPoint[] {
  const points: DriftPoint[] = [];
  for (const e of events) {
    if (e.action !== 'drift') continue;
    const found: [string, number][] = [];
    leaves(e.details, '', found);
    for (const [series, value] of found) points.push({ at: e.at, version: e.version, series, value });
  }
  const peak = new Map<string, number>();
  for (const p of points) peak.set(p.series, Math.max(peak.get(p.series) ?? -Infinity, Math.abs(p.value)));
  const kept = new Set([...peak.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_DRIFT_SERIES).map(([s]) => s));
  return points.filter((p) => kept.has(p.series));
}
