import compare from 'semver/functions/compare';
import type { HistoryEvent } from './history-event';
import type { VersionEntry } from './record';

/**
 * Retired versions, most recently retired first: the one rollback returns to
 * and prune keeps. With `retirements` (versions in the order the history
 * recorded their last retirement, see retirementOrder) that order decides: the
 * history is appended in the order changes happened, under the record's lock,
 * whatever the clocks of the machines that made them said. Without it, or when
 * it misses a retired version (a record older than its history), `retiredAt`
 * decides; it has whole seconds, so versions retired in the same second tie,
 * and then the higher version counts as the newer, never the order of the
 * record's list, which is the oldest first.
 */
export function newestRetiredFirst(versions: readonly VersionEntry[], retirements?: readonly string[]): VersionEntry[] {
  const retired = versions.filter((v) => v.stage === 'retired');
  const position = new Map((retirements ?? []).map((v, i) => [v, i]));
  if (retirements && retired.every((v) => position.has(v.version))) {
    return [...retired].sort((a, b) => (position.get(b.version) as number) - (position.get(a.version) as number));
  }
  return retired.sort((a, b) => (b.retiredAt ?? '').localeCompare(a.retiredAt ?? '') || compare(b.version, a.version));
}

/**
 * Versions in the order of their last retirement in `stand`, oldest first, from
 * the history as appended (events without a stand are the last stand's).
 */
export function retirementOrder(events: readonly HistoryEvent[], stand: string, lastStand: string): string[] {
  const order: string[] = [];
  for (const e of events) {
    if (e.to !== 'retired' || !e.version || (e.stand ?? lastStand) !== stand) continue;
    const at = order.indexOf(e.version);
    if (at >= 0) order.splice(at, 1);
    order.push(e.version);
  }
  return order;
}
