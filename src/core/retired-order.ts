import compare from 'semver/functions/compare';
import type { VersionEntry } from './record';

/**
 * Retired versions, most recently retired first: the one rollback returns to
 * and prune keeps. `retiredAt` has whole seconds, so versions retired in the
 * same second (a script, or promotes in quick succession) tie; then the higher
 * version counts as the newer, never the order of the record's list, which is
 * the oldest first.
 */
export function newestRetiredFirst(versions: readonly VersionEntry[]): VersionEntry[] {
  return versions
    .filter((v) => v.stage === 'retired')
    .sort((a, b) => (b.retiredAt ?? '').localeCompare(a.retiredAt ?? '') || compare(b.version, a.version));
}
