import type { Provenance } from './record';

/**
 * A figure with no provenance is one nobody can vouch for: it counts as
 * declared (records written before provenance existed hold such figures).
 */
export function isDeclared(p: Pick<Provenance, 'kind'> | undefined): boolean {
  return p === undefined || p.kind === 'declared';
}

/** `measured` or `declared`, for annotations and tables. */
export function provenanceKind(p: Provenance | undefined): 'measured' | 'declared' {
  return isDeclared(p) ? 'declared' : 'measured';
}
