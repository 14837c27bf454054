import { eventDetailParts } from '../core/event-details';
import { compareVersions } from '../core/semver-rules';
import type { HistoryEvent } from '../core/history-event';
import type { ModelRecord } from '../core/record';
import {
  driftChartSpec, latencyChartSpec, liveTimelineSpec, metricChartSpec, sizeChartSpec,
} from './chart-specs';
import { driftCharts, driftChecks } from './drift-series';
import { versionFigures, VersionFigures } from './figures';
import { esc, page, verdictCell } from './html';
import { livePeriods } from './live-periods';
import { metricGates, metricVerdict } from './metric-gates';
import { renderSvg } from './render-svg';
import { deployedVersionsOf } from '../core/deployed-versions';
import { lastStand, standDeployment, standNames } from '../core/stands';
import { latencyGateOutcome } from '../core/gates';
import { DEFAULT_SUDDEN_CHANGE, suddenChanges, SuddenChange } from './sudden-changes';

export interface ModelReportOptions {
  /** Time the report is made, ISO 8601; still-live periods end here. */
  readonly now: string;
  /** Share of change between consecutive versions that is called out. @default 0.2 */
  readonly suddenChange?: number;
}

/** What the index needs to know about one model's page. */
export interface ModelReportSummary {
  readonly name: string;
  readonly strategy: string;
  readonly live: string | null;
  readonly versions: number;
  readonly suddenChanges: number;
  readonly outOfGate: number;
  readonly charts: number;
}

export interface ModelReport {
  readonly html: string;
  readonly summary: ModelReportSummary;
}

const fmt = (n: number | undefined, digits = 1) => (n === undefined ? '' : Number.isInteger(n) ? String(n) : n.toFixed(digits));
const short = (digest?: string) => (digest ? digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]*$/, '$1') : '–');

/** Details of an event worth a reader's time: the reason first, then flat values. */
/** The reason first, then what `history` shows (metrics and provenance included), digests shortened. */
function eventDetails(e: HistoryEvent): string {
  const { reason, ...rest } = (e.details ?? {}) as Record<string, unknown>;
  const parts = [...(typeof reason === 'string' ? [reason] : []), ...eventDetailParts(rest)];
  return parts.map((p) => p.replace(/sha256:[0-9a-f]{64}/g, (d) => short(d))).join('; ');
}

function figuresTable(r: ModelRecord, versions: readonly VersionFigures[]): string {
  const gates = metricGates(r);
  const metricNames = [...new Set([...gates.map((g) => g.metric), ...versions.flatMap((v) => Object.keys(v.metrics))])];
  const head = ['version', 'stage', `size (MiB), gate ${r.gates.maxSizeMiB}`, 'p50 (ms)', `p95 (ms), gate ${r.gates.maxLatencyP95Ms}`, 'p99 (ms)',
    ...metricNames.map((m) => {
      const g = gates.find((x) => x.metric === m);
      return `${m}${g?.min !== undefined ? `, min ${g.min}` : ''}${g?.max !== undefined ? `, max ${g.max}` : ''}`;
    })];
  const rows = versions.map((v) => {
    // A declared figure says so: a reader weighs a typed number differently from a measured one.
    const from = (kind?: string) => (kind && kind !== 'measured' ? ` [${kind}]` : '');
    const size = v.sizeMiB === undefined ? verdictCell('not measured', '') : verdictCell(v.sizeMiB <= r.gates.maxSizeMiB ? 'pass' : 'fail', `${fmt(v.sizeMiB)}${from(v.provenance.size)}`);
    const p95Text = v.p95Ms === undefined ? '' : `${fmt(v.p95Ms)}${v.p95Ci ? ` (CI ${fmt(v.p95Ci.low)}–${fmt(v.p95Ci.high)})` : ''}${from(v.provenance.latency)}`;
    const p95 = v.p95Ms === undefined ? verdictCell('not measured', '') : verdictCell(p95Verdict(r, v), p95Text);
    const metrics = metricNames.map((m) => {
      const value = v.metrics[m];
      return verdictCell(metricVerdict(gates.find((g) => g.metric === m), value), value === undefined ? '' : `${fmt(value, 3)}${from(v.provenance.metrics)}`);
    });
    // p50 and p99 come with the p95 (one measurement, or one imported report): they are declared when it is.
    const other = (n?: number) => `<td class="num">${n === undefined ? fmt(n) : `${fmt(n)}${from(v.provenance.latency)}`}</td>`;
    return `<tr><td>${esc(v.version)}</td><td>${esc(v.stage)}${v.reason ? `<br><span class="meta">${esc(v.reason)}</span>` : ''}</td>${size}${other(v.p50Ms)}${p95}${other(v.p99Ms)}${metrics.join('')}</tr>`;
  });
  return `<table class="figures"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

/**
 * Where each version's figures come from, as the record keeps it: measured by
 * which command (and how: requests, endpoint, dataset) or declared from which
 * source, when and by whom. The figures table only marks the declared ones.
 */
function provenanceTable(r: ModelRecord): string {
  const groups = [['size', 'size and digest'], ['latency', 'latency'], ['metrics', 'quality metrics']] as const;
  const rows = [...r.versions].sort((a, b) => compareVersions(a.version, b.version)).flatMap((v) => groups.flatMap(([key, label]) => {
    const p = v.provenance?.[key];
    if (!p) return [];
    const how = p.kind === 'measured' ? `measured by ${p.command ?? 'modelship measure'}` : `declared: ${p.source ?? 'typed'}`;
    const method = Object.entries(p.method ?? {}).map(([k, x]) => `${k}=${typeof x === 'string' ? x.replace(/sha256:[0-9a-f]{64}/g, (d) => short(d)) : x}`).join(', ');
    return [`<tr><td>${esc(v.version)}</td><td>${esc(label)}</td><td>${esc(how)}</td><td>${esc(method || '–')}</td><td>${esc(p.at)}</td><td>${esc(p.actor)}</td></tr>`];
  }));
  if (!rows.length) return '<p>No figure of any version says where it comes from.</p>';
  return `<table class="provenance"><thead><tr><th>version</th><th>figures</th><th>how</th><th>method</th><th>at (UTC)</th><th>by</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function driftTable(checks: ReturnType<typeof driftChecks>): string {
  const rows = checks.map((c) => {
    const verdict = c.drifted === null ? '<td class="none">– no verdict</td>'
      : c.drifted ? `<td class="fail">✘ drifted${c.driftedFigures.length ? `: ${esc(c.driftedFigures.join(', '))}` : ''}</td>` : '<td class="pass">✔ no drift</td>';
    return `<tr><td>${esc(c.at)}</td><td>${esc(c.version ?? '–')}</td>${verdict}</tr>`;
  });
  return `<table class="drift"><thead><tr><th>at (UTC)</th><th>live version</th><th>verdict</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

/**
 * The p95 against its gate as validate judges it: a measured p95 under the gate
 * whose interval reaches over it (or that has none) is inconclusive, not within.
 */
function p95Verdict(r: ModelRecord, v: VersionFigures): 'pass' | 'fail' | 'inconclusive' {
  const outcome = latencyGateOutcome(r.gates, {
    latencyP95Ms: v.p95Ms, latencyP95LowMs: v.p95Ci?.low, latencyP95HighMs: v.p95Ci?.high,
    provenance: { latency: v.provenance.latency === 'measured' || v.provenance.latency === 'declared' ? { kind: v.provenance.latency } : undefined },
  });
  return outcome === 'pass' || outcome === 'fail' ? outcome : 'inconclusive';
}

/** Versions with a figure outside its gate, or a p95 whose interval does not settle which side it is on. */
function outOfGateCount(r: ModelRecord, versions: readonly VersionFigures[]): number {
  const gates = metricGates(r);
  return versions.filter((v) => (v.sizeMiB !== undefined && v.sizeMiB > r.gates.maxSizeMiB)
    || (v.p95Ms !== undefined && p95Verdict(r, v) !== 'pass')
    || gates.some((g) => metricVerdict(g, v.metrics[g.metric]) === 'fail')).length;
}

function changeCallouts(changes: readonly SuddenChange[], threshold: number): string {
  if (changes.length === 0) return `<p>No figure moved more than ${Math.round(threshold * 100)}% between consecutive versions.</p>`;
  return changes.map((c) => `<div class="callout sudden-change"><strong>⚠ Sudden change:</strong> ${esc(c.figure)} went from ${fmt(c.before, 3)} (${esc(c.fromVersion)}) to ${fmt(c.after, 3)} (${esc(c.toVersion)}), ${c.relative > 0 ? '+' : ''}${(c.relative * 100).toFixed(1)}%.</div>`).join('\n');
}

async function chart(id: string, caption: string, spec: Parameters<typeof renderSvg>[0]): Promise<string> {
  const svg = await renderSvg(spec);
  return `<figure class="chart" id="${esc(id)}"><figcaption>${esc(caption)}</figcaption>${svg}</figure>`;
}

/** One model's page: stands, figures against gates, sudden changes, charts, the timeline. */
export async function modelReport(r: ModelRecord, events: readonly HistoryEvent[], opts: ModelReportOptions): Promise<ModelReport> {
  const threshold = opts.suddenChange ?? DEFAULT_SUDDEN_CHANGE;
  const versions = versionFigures(r, events);
  const changes = suddenChanges(versions, threshold);
  const periods = livePeriods(r, events);
  const drift = driftCharts(events);
  const checks = driftChecks(events);
  const gates = metricGates(r);
  // Per stand when the record declares stands (each as synth deploys it), else the one deployment.
  const standList: (string | undefined)[] = r.stands ? standNames(r) : [undefined];
  const positions = standList.flatMap((stand) => deployedVersionsOf(stand ? standDeployment(r, stand) : r).map((d) => ({ ...d, stand })));
  const stands = positions.filter((p) => p.stand === undefined || p.stand === lastStand(r));

  const charts: string[] = [];
  if (versions.some((v) => v.sizeMiB !== undefined)) charts.push(await chart('size', 'Artifact size against the size gate', sizeChartSpec(versions, r.gates.maxSizeMiB)));
  if (versions.some((v) => v.p95Ms !== undefined || v.p50Ms !== undefined)) {
    charts.push(await chart('latency', 'Latency p50 / p95 / p99 against the p95 gate (error bars: p95 confidence interval)', latencyChartSpec(versions, r.gates.maxLatencyP95Ms)));
  }
  const metricNames = [...new Set(versions.flatMap((v) => Object.keys(v.metrics)))];
  for (const m of metricNames) {
    charts.push(await chart(`metric-${m}`, `Quality: ${m}${gates.some((g) => g.metric === m) ? ' against its gate' : ''}`, metricChartSpec(m, versions, gates.find((g) => g.metric === m))));
  }
  for (const d of drift) charts.push(await chart(d.id, d.title, driftChartSpec(d)));
  const liveTitle = r.stands ? `Which version was live when (in ${lastStand(r)}, the last stand)` : 'Which version was live when';
  if (periods.length) charts.push(await chart('live-timeline', liveTitle, liveTimelineSpec(periods, opts.now)));

  const standRows = positions.map((s) => `<tr>${r.stands ? `<td>${esc(s.stand ?? '')}</td>` : ''}<td>${esc(s.role)}</td><td>${esc(s.slot ?? '–')}</td><td>${esc(s.version)}</td><td>${esc(s.stage)}</td><td><code>${esc(s.image)}</code></td><td><code>${esc(s.digest ?? '–')}</code></td><td>${esc(s.since ?? '–')}</td></tr>`);
  // With stands, the same promote happens once per stand: the stand tells the rows apart (events without one are the last stand's).
  const last = lastStand(r);
  const standCell = (e: HistoryEvent) => (r.stands ? `<td>${esc(e.stand ?? last)}</td>` : '');
  const timelineRows = events.map((e) => `<tr><td>${esc(e.at)}</td><td>${esc(e.actor)}</td>${standCell(e)}<td>${esc(e.action)}</td><td>${esc(e.version ?? '–')}</td><td>${esc(e.from ?? '–')} → ${esc(e.to ?? '–')}</td><td>${esc(eventDetails(e))}</td></tr>`);

  const body = `<p class="meta"><a href="../index.html">← all models</a></p>
<h1>${esc(r.name)}</h1>
<p class="meta">${esc(r.deploy.strategy)} · image <code>${esc(r.artifact.image)}</code> · gates: size ≤ ${r.gates.maxSizeMiB} MiB, p95 ≤ ${r.gates.maxLatencyP95Ms} ms${gates.map((g) => `, ${esc(g.metric)}${g.min !== undefined ? ` ≥ ${g.min}` : ''}${g.max !== undefined ? ` ≤ ${g.max}` : ''}`).join('')} · report made ${esc(opts.now)}</p>
<h2>Where it stands</h2>
${positions.length ? `<table class="stands"><thead><tr>${r.stands ? '<th>stand</th>' : ''}<th>role</th><th>slot</th><th>version</th><th>stage</th><th>image</th><th>digest</th><th>live since</th></tr></thead><tbody>${standRows.join('\n')}</tbody></table>` : '<p>Nothing deployed: no version is in production or waiting in a slot.</p>'}
<h2>Figures against gates</h2>
${versions.length ? figuresTable(r, versions) : '<p>No versions yet.</p>'}
<h2>Where the figures come from</h2>
${versions.length ? provenanceTable(r) : '<p>No versions yet.</p>'}
<h2>Sudden changes</h2>
${changeCallouts(changes, threshold)}
<h2>Charts</h2>
${charts.length ? charts.join('\n') : '<p>No figures recorded yet.</p>'}
<h2>Drift checks</h2>
${checks.length ? driftTable(checks) : '<p>No drift recorded yet (<code>modelship drift</code>).</p>'}
<h2>Timeline</h2>
${timelineRows.length ? `<table class="timeline"><thead><tr><th>at (UTC)</th><th>actor</th>${r.stands ? '<th>stand</th>' : ''}<th>action</th><th>version</th><th>stage</th><th>reason and details</th></tr></thead><tbody>${timelineRows.join('\n')}</tbody></table>` : '<p>No history recorded.</p>'}
`;
  return {
    html: page(`${r.name} · modelship report`, body),
    summary: {
      name: r.name, strategy: r.deploy.strategy, live: stands.find((s) => s.role === 'live')?.version ?? null,
      versions: versions.length, suddenChanges: changes.length, outOfGate: outOfGateCount(r, versions), charts: charts.length,
    },
  };
}
