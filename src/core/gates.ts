import type { Gates, VersionEntry } from './record';

const MIB = 1024 * 1024;

export interface GateResult {
  readonly gate: keyof Gates;
  readonly limit: number;
  /** The measured figure in the gate's unit, undefined when none is recorded. */
  readonly actual?: number;
  readonly unit: 'MiB' | 'ms';
  readonly passed: boolean;
  /** One line a human can act on. */
  readonly message: string;
}

export interface GateVerdict {
  readonly passed: boolean;
  readonly results: readonly GateResult[];
  /** The failed gates' messages joined, for the record and stderr. */
  readonly reason?: string;
}

type Figures = Pick<VersionEntry, 'sizeBytes' | 'latencyP95Ms'>;

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function check(gate: keyof Gates, label: string, limit: number, actual: number | undefined, unit: 'MiB' | 'ms'): GateResult {
  if (actual === undefined) {
    return {
      gate, limit, unit, passed: false,
      message: `${gate}: no ${label} recorded (measure it or pass it to validate)`,
    };
  }
  if (actual <= limit) {
    return { gate, limit, actual, unit, passed: true, message: `${label} ${fmt(actual)} ${unit} within ${gate} ${fmt(limit)}` };
  }
  const over = actual - limit;
  const pct = (over / limit) * 100;
  return {
    gate, limit, actual, unit, passed: false,
    message: `${label} ${fmt(actual)} ${unit} exceeds ${gate} ${fmt(limit)} by ${fmt(over)} ${unit} (${pct.toFixed(1)}%)`,
  };
}

/**
 * Applies the size and latency gates. A gate with no figure fails: a version
 * must not reach production on figures nobody measured.
 */
export function evaluateGates(gates: Gates, figures: Figures): GateVerdict {
  const results = [
    check('maxSizeMiB', 'size', gates.maxSizeMiB, figures.sizeBytes === undefined ? undefined : figures.sizeBytes / MIB, 'MiB'),
    check('maxLatencyP95Ms', 'p95 latency', gates.maxLatencyP95Ms, figures.latencyP95Ms, 'ms'),
  ];
  const failed = results.filter((r) => !r.passed);
  return {
    passed: failed.length === 0,
    results,
    reason: failed.length ? failed.map((r) => r.message).join('; ') : undefined,
  };
}

/** True when some gate has no figure at all, as opposed to a figure over its limit. */
export function hasMissingFigure(verdict: GateVerdict): boolean {
  return verdict.results.some((r) => r.actual === undefined);
}
