import type { ModelRecord } from '../core/record';

/** A quality metric's gate: a floor, a ceiling or both. */
export interface MetricGate {
  readonly metric: string;
  readonly min?: number;
  readonly max?: number;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Quality gates from `gates.metrics`, read tolerantly: `{name: {min, max}}`,
 * `{name: number}` (a floor: quality metrics are higher-is-better unless a
 * `max` says otherwise) or a list of `{metric|name, min, max}`. Anything else is skipped.
 */
export function metricGates(record: ModelRecord): MetricGate[] {
  const raw = (record.gates as unknown as Record<string, unknown>).metrics;
  const out: MetricGate[] = [];
  const add = (metric: unknown, spec: unknown) => {
    if (typeof metric !== 'string') return;
    if (isNumber(spec)) out.push({ metric, min: spec });
    else if (typeof spec === 'object' && spec !== null) {
      const s = spec as Record<string, unknown>;
      const min = isNumber(s.min) ? s.min : undefined;
      const max = isNumber(s.max) ? s.max : undefined;
      if (min !== undefined || max !== undefined) out.push({ metric, min, max });
    }
  };
  if (Array.isArray(raw)) raw.forEach((g) => add((g as Record<string, unknown>)?.metric ?? (g as Record<string, unknown>)?.name, g));
  else if (typeof raw === 'object' && raw !== null) Object.entries(raw).forEach(([k, v]) => add(k, v));
  return out;
}

/** Whether a value passes its gate, in words a reader without colour can use. */
export function metricVerdict(gate: MetricGate | undefined, value: number | undefined): 'pass' | 'fail' | 'no gate' | 'not measured' {
  if (value === undefined) return 'not measured';
  if (!gate) return 'no gate';
  if (gate.min !== undefined && value < gate.min) return 'fail';
  if (gate.max !== undefined && value > gate.max) return 'fail';
  return 'pass';
}
