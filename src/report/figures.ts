import type { HistoryEvent } from '../core/history-event';
import type { ModelRecord, VersionEntry } from '../core/record';
import { compareVersions } from '../core/semver-rules';

const MIB = 1024 * 1024;

/** A confidence interval around a figure, as recorded. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** One version's figures, gathered from its record entry and its history events. */
export interface VersionFigures {
  readonly version: string;
  readonly stage: string;
  readonly createdAt: string;
  readonly promotedAt?: string;
  readonly retiredAt?: string;
  readonly digest?: string;
  readonly reason?: string;
  readonly sizeMiB?: number;
  readonly p50Ms?: number;
  readonly p95Ms?: number;
  readonly p99Ms?: number;
  readonly p95Ci?: Interval;
  /** Quality metrics by name (accuracy, auc, ...), whatever the record or a measure event holds. */
  readonly metrics: Readonly<Record<string, number>>;
  /** How each group of figures was obtained (`measured`, `declared`), when the record says. */
  readonly provenance: { readonly size?: string; readonly latency?: string; readonly metrics?: string };
}

type Loose = Readonly<Record<string, unknown>>;

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * An interval in any of the shapes a figure's CI may take: `[low, high]`,
 * `{low, high}`, `{lower, upper}` or `{min, max}`. Other shapes are not an interval.
 */
export function intervalOf(v: unknown): Interval | undefined {
  if (Array.isArray(v) && v.length === 2 && isNumber(v[0]) && isNumber(v[1])) return { low: v[0], high: v[1] };
  if (!isObject(v)) return undefined;
  for (const [lo, hi] of [['low', 'high'], ['lower', 'upper'], ['min', 'max']]) {
    if (isNumber(v[lo]) && isNumber(v[hi])) return { low: v[lo] as number, high: v[hi] as number };
  }
  return undefined;
}

/** A metric's value whether it is stored bare (`0.93`) or with its provenance (`{value: 0.93, ...}`). */
function metricValue(v: unknown): number | undefined {
  if (isNumber(v)) return v;
  if (isObject(v) && isNumber(v.value)) return v.value;
  return undefined;
}

function metricsIn(source: Loose): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of ['metrics', 'quality', 'qualityMetrics']) {
    const block = source[key];
    if (!isObject(block)) continue;
    for (const [name, raw] of Object.entries(block)) {
      const value = metricValue(raw);
      if (value !== undefined) out[name] = value;
    }
  }
  return out;
}

/** The p95 CI wherever a source keeps it, under any key naming both p95 and an interval. */
function p95CiIn(source: Loose): Interval | undefined {
  if (isNumber(source.latencyP95LowMs) && isNumber(source.latencyP95HighMs)) return { low: source.latencyP95LowMs, high: source.latencyP95HighMs };
  for (const [key, value] of Object.entries(source)) {
    if (/p95/i.test(key) && /ci|confidence|interval/i.test(key)) {
      const ci = intervalOf(value);
      if (ci) return ci;
    }
  }
  const latency = source.latency;
  if (isObject(latency)) return p95CiIn(latency);
  return undefined;
}

/** A latency figure, bare or with provenance, under the record's key or a nested `latency.pNN`. */
function latencyIn(source: Loose, p: 50 | 95 | 99): number | undefined {
  const direct = metricValue(source[`latencyP${p}Ms`]);
  if (direct !== undefined) return direct;
  const latency = source.latency;
  return isObject(latency) ? metricValue(latency[`p${p}Ms`] ?? latency[`p${p}`]) : undefined;
}

/** The kind (`measured`/`declared`) of each figure group's provenance. */
function provenanceIn(v: unknown): VersionFigures['provenance'] {
  if (!isObject(v)) return {};
  const kind = (g: unknown) => (isObject(g) && typeof g.kind === 'string' ? g.kind : undefined);
  return { size: kind(v.size), latency: kind(v.latency), metrics: kind(v.metrics) };
}

/**
 * Figures per version, oldest semver first. The record entry is the truth;
 * `measure` events fill in what the entry does not carry (older figures,
 * intervals, metrics). Unknown events and keys are ignored, not refused: the
 * report reads history written by newer modelship versions too.
 */
export function versionFigures(record: ModelRecord, events: readonly HistoryEvent[]): VersionFigures[] {
  const fromEvents = new Map<string, Loose[]>();
  for (const e of events) {
    // A production measurement kept out of the record (outside its gate) is no figure of the version.
    if (e.action !== 'measure' || !e.version || !isObject(e.details) || e.details.recorded === false) continue;
    fromEvents.set(e.version, [...(fromEvents.get(e.version) ?? []), e.details]);
  }
  return [...record.versions]
    .sort((a, b) => compareVersions(a.version, b.version))
    .map((v: VersionEntry) => {
      const entry = v as unknown as Loose;
      const measures = fromEvents.get(v.version) ?? [];
      // The latency figures of one measurement together: a p95 beside the interval (or the p50) of another
      // run is a figure nobody measured. The entry holds the latest; an older history may only have events.
      const latency = [entry, ...[...measures].reverse()].find((source) => latencyIn(source, 95) !== undefined) ?? {};
      const sized = [entry, ...[...measures].reverse()].find((source) => isNumber(source.sizeBytes));
      const sizeBytes = sized?.sizeBytes as number | undefined;
      return {
        version: v.version,
        stage: v.stage,
        createdAt: v.createdAt,
        promotedAt: v.promotedAt,
        retiredAt: v.retiredAt,
        digest: v.digest,
        reason: v.reason,
        sizeMiB: sizeBytes === undefined ? undefined : sizeBytes / MIB,
        p50Ms: latencyIn(latency, 50),
        p95Ms: latencyIn(latency, 95),
        p99Ms: latencyIn(latency, 99),
        p95Ci: p95CiIn(latency),
        metrics: { ...Object.assign({}, ...measures.map(metricsIn)), ...metricsIn(entry) },
        provenance: provenanceIn(entry.provenance),
      };
    });
}
