import type { Provenance } from './record';

/**
 * A figure with no provenance is one nobody can vouch for: it counts as
 * declared (records written before provenance existed hold such figures).
 */
export function isDeclared(p: Provenance | undefined): boolean {
  return p === undefined || p.kind === 'declared';
}

/** `measured by measure --endpoint at ...` or `declared by alice (k6 summary-export run.json)`, for status and history. */
export function describeProvenance(p: Provenance | undefined): string {
  if (p === undefined) return 'declared (no provenance recorded)';
  if (p.kind === 'measured') return `measured (${p.command ?? 'modelship measure'}, ${p.at})`;
  return `declared by ${p.actor} (${p.source ?? 'typed'}, ${p.at})`;
}

/** `measured` or `declared`, for annotations and tables. */
export function provenanceKind(p: Provenance | undefined): 'measured' | 'declared' {
  return isDeclared(p) ? 'declared' : 'measured';
}
