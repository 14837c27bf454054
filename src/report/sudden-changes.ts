import type { VersionFigures } from './figures';

/** A figure that moved more than the threshold between two consecutive versions. */
export interface SuddenChange {
  readonly figure: string;
  readonly fromVersion: string;
  readonly toVersion: string;
  readonly before: number;
  readonly after: number;
  /** (after - before) / before. */
  readonly relative: number;
}

/** Default share of change between consecutive versions that the report calls out. */
export const DEFAULT_SUDDEN_CHANGE = 0.2;

function figuresOf(v: VersionFigures): Record<string, number | undefined> {
  return {
    'size (MiB)': v.sizeMiB, 'p50 (ms)': v.p50Ms, 'p95 (ms)': v.p95Ms, 'p99 (ms)': v.p99Ms,
    ...Object.fromEntries(Object.entries(v.metrics).map(([k, n]) => [k, n])),
  };
}

/**
 * Changes of more than `threshold` (a share) in any figure between a version and
 * the closest earlier version that has that figure, rejected versions included:
 * a jump is news whether or not a gate caught it.
 */
export function suddenChanges(versions: readonly VersionFigures[], threshold = DEFAULT_SUDDEN_CHANGE): SuddenChange[] {
  const out: SuddenChange[] = [];
  const last = new Map<string, { version: string; value: number }>();
  for (const v of versions) {
    for (const [figure, value] of Object.entries(figuresOf(v))) {
      if (value === undefined) continue;
      const prev = last.get(figure);
      if (prev && prev.value !== 0) {
        const relative = (value - prev.value) / Math.abs(prev.value);
        if (Math.abs(relative) > threshold) {
          out.push({ figure, fromVersion: prev.version, toVersion: v.version, before: prev.value, after: value, relative });
        }
      }
      last.set(figure, { version: v.version, value });
    }
  }
  return out;
}
