import type { Gates, MetricBound, Provenance, VersionEntry } from './record';
import { isDeclared } from './provenance';
import { MIN_REQUESTS_FOR_INTERVAL, requestsToSettle } from './p95-interval';

const MIB = 1024 * 1024;

/**
 * pass; fail (a definite failure, recorded as a rejection); inconclusive (the
 * measurement cannot tell yet); missing (no figure); not-comparable (champion
 * and challenger measured on different datasets).
 */
export type GateOutcome = 'pass' | 'fail' | 'inconclusive' | 'missing' | 'not-comparable';

export interface GateResult {
  /** `maxSizeMiB`, `maxLatencyP95Ms`, `metrics.auc`, `beatProduction.auc`, `acceptDeclared`. */
  readonly gate: string;
  readonly outcome: GateOutcome;
  readonly passed: boolean;
  readonly limit?: number;
  /** The figure in the gate's unit, undefined when none is recorded. */
  readonly actual?: number;
  /** Inconclusive latency: about how many more requests would settle it more often than not. */
  readonly moreRequests?: number;
  /** One line a human can act on. */
  readonly message: string;
}

export interface GateVerdict {
  readonly passed: boolean;
  readonly results: readonly GateResult[];
  /** The failed gates' messages joined, for the record and stderr. */
  readonly reason?: string;
}

export type GateFigures = Pick<VersionEntry,
  'sizeBytes' | 'latencyP95Ms' | 'latencyP95LowMs' | 'latencyP95HighMs' | 'latencyRequests' | 'metrics' | 'provenance'>;

/** What the p95 gate reads: the figure, its interval, the requests behind it and whether it was declared. */
export type LatencyFigures = Pick<GateFigures, 'latencyP95Ms' | 'latencyP95LowMs' | 'latencyP95HighMs' | 'latencyRequests'>
  & { readonly provenance?: { readonly latency?: Pick<Provenance, 'kind'> } };

export function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** Metrics keep their precision (an AUC of 0.912 is not 0.9); float noise is rounded away. */
export function fmtMetric(n: number): string {
  return String(Number(n.toPrecision(6)));
}

function result(gate: string, outcome: GateOutcome, message: string, extra: Partial<GateResult> = {}): GateResult {
  return { gate, outcome, passed: outcome === 'pass', message, ...extra };
}

function over(label: string, actual: number, unit: string, gate: string, limit: number): string {
  const by = actual - limit;
  return `${label} ${fmt(actual)}${unit} exceeds ${gate} ${fmt(limit)} by ${fmt(by)}${unit} (${((by / limit) * 100).toFixed(1)}%)`;
}

function sizeGate(gates: Gates, f: GateFigures): GateResult {
  const limit = gates.maxSizeMiB;
  if (f.sizeBytes === undefined) {
    return result('maxSizeMiB', 'missing', 'maxSizeMiB: no size recorded (run modelship measure --artifact)', { limit });
  }
  const mib = f.sizeBytes / MIB;
  return mib <= limit
    ? result('maxSizeMiB', 'pass', `size ${fmt(mib)} MiB within maxSizeMiB ${fmt(limit)}`, { limit, actual: mib })
    : result('maxSizeMiB', 'fail', over('size', mib, ' MiB', 'maxSizeMiB', limit), { limit, actual: mib });
}

/**
 * A measured p95 comes with its 95% confidence interval: the gate passes only
 * when the whole interval is within it, fails only when the whole interval is
 * over it, and is inconclusive otherwise. A declared p95 has no interval and
 * is compared as given.
 */
function latencyGate(gates: Gates, f: LatencyFigures): GateResult {
  const gate = 'maxLatencyP95Ms';
  const limit = gates.maxLatencyP95Ms;
  const p95 = f.latencyP95Ms;
  if (p95 === undefined) {
    return result(gate, 'missing', `${gate}: no p95 latency recorded (run modelship measure --endpoint)`, { limit });
  }
  const low = f.latencyP95LowMs;
  const high = f.latencyP95HighMs;
  if (isDeclared(f.provenance?.latency)) {
    const label = 'p95 latency (declared)';
    return p95 <= limit
      ? result(gate, 'pass', `${label} ${fmt(p95)} ms within ${gate} ${fmt(limit)}`, { limit, actual: p95 })
      : result(gate, 'fail', over(label, p95, ' ms', gate, limit), { limit, actual: p95 });
  }
  const ci = `95% CI ${low === undefined ? '-' : fmt(low)}-${high === undefined ? '-' : fmt(high)} ms`;
  if (high !== undefined && high <= limit) return result(gate, 'pass', `p95 latency ${fmt(p95)} ms (${ci}) within ${gate} ${fmt(limit)}`, { limit, actual: p95 });
  if (low !== undefined && low > limit) return result(gate, 'fail', `${over('p95 latency', p95, ' ms', gate, limit)}; even the ${ci} is over it`, { limit, actual: p95 });
  if (high === undefined || low === undefined) {
    const n = f.latencyRequests ?? 0;
    return result(gate, 'inconclusive',
      `p95 latency ${fmt(p95)} ms: ${n} requests are too few to bound the p95 on both sides; measure again with --requests ${MIN_REQUESTS_FOR_INTERVAL} or more`,
      { limit, actual: p95, moreRequests: Math.max(1, MIN_REQUESTS_FOR_INTERVAL - n) });
  }
  const n = f.latencyRequests ?? 0;
  const more = requestsToSettle({ n, p95, low, high, limit });
  const hint = more === undefined
    ? 'the p95 sits at the gate, so more requests are unlikely to settle it'
    : `about ${more} more requests (measure --endpoint --requests ${n + more}) would settle it more often than not`;
  return result(gate, 'inconclusive', `p95 latency ${fmt(p95)} ms: its ${ci} straddles ${gate} ${fmt(limit)}; ${hint}`, {
    limit, actual: p95, ...(more === undefined ? {} : { moreRequests: more }),
  });
}

function metricGate(name: string, bound: MetricBound, f: GateFigures): GateResult {
  const gate = `metrics.${name}`;
  const value = f.metrics?.[name];
  if (value === undefined) {
    return result(gate, 'missing', `${gate}: no ${name} recorded (run modelship measure --metrics FILE --dataset PATH)`);
  }
  if (bound.min !== undefined && value < bound.min) {
    return result(gate, 'fail', `${name} ${fmtMetric(value)} is below ${gate}.min ${fmtMetric(bound.min)} by ${fmtMetric(bound.min - value)}`, { limit: bound.min, actual: value });
  }
  if (bound.max !== undefined && value > bound.max) {
    return result(gate, 'fail', `${name} ${fmtMetric(value)} is above ${gate}.max ${fmtMetric(bound.max)} by ${fmtMetric(value - bound.max)}`, { limit: bound.max, actual: value });
  }
  const range = [bound.min !== undefined ? `>= ${fmtMetric(bound.min)}` : '', bound.max !== undefined ? `<= ${fmtMetric(bound.max)}` : ''].filter(Boolean).join(' and ');
  return result(gate, 'pass', `${name} ${fmtMetric(value)} within ${gate} (${range})`, { actual: value });
}

function declaredGate(gates: Gates, f: GateFigures): GateResult[] {
  if (gates.acceptDeclared === true) return [];
  const declared = [
    f.sizeBytes !== undefined && isDeclared(f.provenance?.size) ? 'size' : '',
    f.latencyP95Ms !== undefined && isDeclared(f.provenance?.latency) ? 'latency' : '',
    f.metrics !== undefined && isDeclared(f.provenance?.metrics) ? 'metrics' : '',
  ].filter(Boolean);
  if (!declared.length) return [];
  return [result('acceptDeclared', 'fail',
    `production takes measured figures only, and the ${declared.join(', ')} ${declared.length > 1 ? 'are' : 'is'} declared (set gates.acceptDeclared: true to allow it)`)];
}

export interface GateOptions {
  /** The door to production: declared figures are refused unless `gates.acceptDeclared`. @default false */
  readonly production?: boolean;
}

/**
 * The p95 gate's outcome as `validate` judges it, for views (status, report)
 * that show a version's latency against its gate: a p95 under the gate whose
 * interval straddles it is inconclusive there, not within.
 */
export function latencyGateOutcome(gates: Gates, figures: LatencyFigures): GateOutcome {
  return latencyGate(gates, figures).outcome;
}

/**
 * Applies the size, latency and quality gates to a version's own figures. A
 * gate with no figure does not pass: a version must not reach production on
 * figures nobody measured.
 */
export function evaluateGates(gates: Gates, figures: GateFigures, opts: GateOptions = {}): GateVerdict {
  const results = [
    sizeGate(gates, figures),
    latencyGate(gates, figures),
    ...Object.entries(gates.metrics ?? {}).map(([name, bound]) => metricGate(name, bound, figures)),
    ...(opts.production ? declaredGate(gates, figures) : []),
  ];
  return verdictOf(results);
}

export function verdictOf(results: readonly GateResult[]): GateVerdict {
  const failed = results.filter((r) => !r.passed);
  return {
    passed: failed.length === 0,
    results,
    reason: failed.length ? failed.map((r) => r.message).join('; ') : undefined,
  };
}
