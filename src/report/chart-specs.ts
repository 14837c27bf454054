import type { TopLevelSpec } from 'vega-lite';
import type { DriftChart } from './drift-series';
import type { VersionFigures } from './figures';
import type { LivePeriod } from './live-periods';
import type { MetricGate } from './metric-gates';

/*
 * Vega-Lite specs for the report's charts. Every series is told apart by shape
 * or dash as well as colour, and every gate is a labelled dashed rule, so the
 * charts read the same printed in black and white.
 */

const WIDTH = 560;
const HEIGHT = 220;

const CONFIG = {
  font: 'sans-serif',
  background: 'white',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, symbolStrokeWidth: 2, labelLimit: 320 },
} as const;

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

function gateRule(y: number, label: string) {
  return [
    { data: { values: [{ y, label }] }, mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 2, color: 'black' }, encoding: { y: { field: 'y', type: 'quantitative' } } },
    {
      data: { values: [{ y, label }] },
      mark: { type: 'text', align: 'right', baseline: 'bottom', dy: -3, x: WIDTH, fontWeight: 'bold' },
      encoding: { y: { field: 'y', type: 'quantitative' }, text: { field: 'label' } },
    },
  ];
}

/**
 * Versions a chart labels one by one; with more, labels would overlap into a
 * band: the axis turns its labels upright and hides those that still collide,
 * and only figures outside their gate keep a label on the plot.
 */
const DENSE = 24;

function versionAxis(order: readonly string[]) {
  const dense = order.length > DENSE;
  return { field: 'version', type: 'ordinal', sort: order, title: 'version', axis: dense ? { labelAngle: -90, labelOverlap: 'parity' } : { labelAngle: -30 } } as const;
}

/** Artifact size per version against the size gate; each bar labelled with its verdict. */
export function sizeChartSpec(versions: readonly VersionFigures[], maxSizeMiB: number): TopLevelSpec {
  const order = versions.map((v) => v.version);
  const values = versions.filter((v) => v.sizeMiB !== undefined).map((v) => ({
    version: v.version, mib: v.sizeMiB, stage: v.stage,
    label: `${fmt(v.sizeMiB as number)}${(v.sizeMiB as number) > maxSizeMiB ? ' ✘ over' : ' ✔'}`,
    over: (v.sizeMiB as number) > maxSizeMiB ? 'over the gate' : 'within the gate',
  }));
  const x = versionAxis(order);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    description: `Artifact size in MiB per version against the gate of ${maxSizeMiB} MiB`,
    width: WIDTH, height: HEIGHT, config: CONFIG,
    layer: [
      {
        data: { values },
        mark: { type: 'bar', stroke: 'black', strokeWidth: 1 },
        encoding: {
          x, y: { field: 'mib', type: 'quantitative', title: 'size (MiB)' },
          // Over-gate bars are light as well as red, and their label says so: the verdict survives greyscale.
          color: { field: 'over', type: 'nominal', title: null, scale: { domain: ['within the gate', 'over the gate'], range: ['#4c78a8', '#f4a6a6'] } },
        },
      },
      {
        // Dense: the mark alone, over the bars outside the gate (a figure per bar would run together).
        data: { values: order.length > DENSE ? values.filter((v) => v.over === 'over the gate').map((v) => ({ ...v, label: '✘' })) : values },
        mark: { type: 'text', dy: -6, baseline: 'bottom' }, encoding: { x, y: { field: 'mib', type: 'quantitative' }, text: { field: 'label' } },
      },
      ...gateRule(maxSizeMiB, `gate ${fmt(maxSizeMiB)} MiB`),
    ],
  } as unknown as TopLevelSpec;
}

/** p50/p95/p99 per version (shape and dash per percentile), the p95 interval as error bars, the p95 gate. */
export function latencyChartSpec(versions: readonly VersionFigures[], maxP95Ms: number): TopLevelSpec {
  const order = versions.map((v) => v.version);
  const points = versions.flatMap((v) =>
    ([['p50', v.p50Ms], ['p95', v.p95Ms], ['p99', v.p99Ms]] as const)
      .filter(([, ms]) => ms !== undefined)
      .map(([percentile, ms]) => ({ version: v.version, percentile, ms })));
  const intervals = versions.filter((v) => v.p95Ci).map((v) => ({ version: v.version, low: v.p95Ci?.low, high: v.p95Ci?.high }));
  const x = versionAxis(order);
  const series = { domain: ['p50', 'p95', 'p99'] };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    description: `Latency percentiles in ms per version against the p95 gate of ${maxP95Ms} ms`,
    width: WIDTH, height: HEIGHT, config: CONFIG,
    layer: [
      {
        data: { values: points },
        mark: { type: 'line', point: false, strokeWidth: 1.5 },
        encoding: {
          x, y: { field: 'ms', type: 'quantitative', title: 'latency (ms)' },
          color: { field: 'percentile', type: 'nominal', scale: series, title: 'percentile' },
          strokeDash: { field: 'percentile', type: 'nominal', scale: { ...series, range: [[2, 2], [1, 0], [8, 3]] }, title: 'percentile' },
        },
      },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          x, y: { field: 'ms', type: 'quantitative' },
          color: { field: 'percentile', type: 'nominal', scale: series, title: 'percentile' },
          shape: { field: 'percentile', type: 'nominal', scale: { ...series, range: ['circle', 'square', 'triangle-up'] }, title: 'percentile' },
        },
      },
      {
        // The verdict next to every p95 point, so an over-gate figure reads in greyscale.
        data: {
          values: points.filter((p) => p.percentile === 'p95' && (order.length <= DENSE || (p.ms as number) > maxP95Ms))
            .map((p) => ({ ...p, label: order.length > DENSE ? '✘' : `${fmt(p.ms as number)}${(p.ms as number) > maxP95Ms ? ' ✘ over' : ''}` })),
        },
        mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 10 },
        encoding: { x, y: { field: 'ms', type: 'quantitative' }, text: { field: 'label' } },
      },
      ...(intervals.length ? [{
        data: { values: intervals },
        mark: { type: 'errorbar', ticks: true, thickness: 1.5, color: 'black' },
        encoding: { x, y: { field: 'low', type: 'quantitative', title: 'latency (ms)' }, y2: { field: 'high' } },
      }] : []),
      ...gateRule(maxP95Ms, `p95 gate ${fmt(maxP95Ms)} ms`),
    ],
  } as unknown as TopLevelSpec;
}

/** One quality metric per version against its floor and/or ceiling. */
export function metricChartSpec(metric: string, versions: readonly VersionFigures[], gate?: MetricGate): TopLevelSpec {
  const order = versions.map((v) => v.version);
  const values = versions.filter((v) => v.metrics[metric] !== undefined).map((v) => ({ version: v.version, value: v.metrics[metric] }));
  const x = versionAxis(order);
  const rules = [
    ...(gate?.min !== undefined ? gateRule(gate.min, `min ${gate.min}`) : []),
    ...(gate?.max !== undefined ? gateRule(gate.max, `max ${gate.max}`) : []),
  ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    description: `${metric} per version${gate ? ' against its gate' : ''}`,
    width: WIDTH, height: 160, config: CONFIG,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: { filled: true, size: 60 } },
        encoding: { x, y: { field: 'value', type: 'quantitative', title: metric, scale: { zero: false } } },
      },
      ...(order.length <= DENSE ? [{ data: { values }, mark: { type: 'text', dy: -10 }, encoding: { x, y: { field: 'value', type: 'quantitative' }, text: { field: 'value', format: '.3~f' } } }] : []),
      ...rules,
    ],
  } as unknown as TopLevelSpec;
}

/** Which version was live when: one bar per live period, still-live ones up to `now`. */
export function liveTimelineSpec(periods: readonly LivePeriod[], now: string): TopLevelSpec {
  const values = periods.map((p) => ({ version: p.version, from: p.from, to: p.to ?? now, label: p.to ? p.version : `${p.version} (live)` }));
  const order = [...new Set(periods.map((p) => p.version))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    description: 'Which version served production when',
    width: WIDTH, height: Math.max(60, 28 * order.length), config: CONFIG,
    data: { values },
    layer: [
      {
        mark: { type: 'bar', stroke: 'black', strokeWidth: 1, color: '#9ecae9', height: 16 },
        encoding: {
          x: { field: 'from', type: 'temporal', title: 'time (UTC)', axis: { format: '%Y-%m-%d %H:%M', labelAngle: -20 }, scale: { type: 'utc' } },
          x2: { field: 'to' },
          y: { field: 'version', type: 'ordinal', sort: order, title: 'live version' },
        },
      },
    ],
  } as unknown as TopLevelSpec;
}

/** Drift figures over time, one dashed/shaped line per series, and the threshold that means drift. */
export function driftChartSpec(chart: DriftChart): TopLevelSpec {
  const shapes = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'stroke', 'wedge'];
  const dashes = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [10, 2], [1, 3], [6, 2, 2, 2]];
  const series = [...new Set(chart.points.map((p) => p.series))];
  const x = { field: 'at', type: 'temporal', title: 'time (UTC)', scale: { type: 'utc' }, axis: { format: '%Y-%m-%d %H:%M', labelAngle: -20 } } as const;
  const values = chart.points.map((p) => ({ ...p }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    description: chart.title,
    width: WIDTH, height: HEIGHT, config: CONFIG,
    layer: [
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: {
          x, y: { field: 'value', type: 'quantitative', title: chart.yTitle },
          color: { field: 'series', type: 'nominal', scale: { domain: series }, title: 'figure' },
          strokeDash: { field: 'series', type: 'nominal', scale: { domain: series, range: dashes.slice(0, series.length) }, title: 'figure' },
        },
      },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          x, y: { field: 'value', type: 'quantitative' },
          color: { field: 'series', type: 'nominal', scale: { domain: series }, title: 'figure' },
          shape: { field: 'series', type: 'nominal', scale: { domain: series, range: shapes.slice(0, series.length) }, title: 'figure' },
        },
      },
      ...(chart.threshold ? gateRule(chart.threshold.value, chart.threshold.label) : []),
    ],
  } as unknown as TopLevelSpec;
}
