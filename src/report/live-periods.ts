import type { HistoryEvent } from '../core/history-event';
import type { ModelRecord } from '../core/record';
import { lastStand } from '../core/stands';

/** A span during which one version served production traffic. */
export interface LivePeriod {
  readonly version: string;
  readonly from: string;
  /** Undefined while it is still live. */
  readonly to?: string;
}

/**
 * Which version was live when, from the history's stage changes: a period opens
 * when a version moves to production and closes when it leaves. With stands, live
 * means in the last stand (production), as `history --alias <last stand>` says:
 * a version promoted into dev was never live. A record whose
 * history is missing falls back to the entries' promotedAt/retiredAt (the last
 * period of each version only).
 */
export function livePeriods(record: ModelRecord, events: readonly HistoryEvent[]): LivePeriod[] {
  const periods: { version: string; from: string; to?: string }[] = [];
  const open = new Map<string, { version: string; from: string; to?: string }>();
  const last = lastStand(record);
  for (const e of events) {
    // Events without a stand are the last stand's: records without stands, or before stands were declared.
    if (!e.version || (e.stand ?? last) !== last) continue;
    if (e.to === 'production' && e.from !== 'production' && !open.has(e.version)) {
      const p = { version: e.version, from: e.at };
      open.set(e.version, p);
      periods.push(p);
    } else if (e.from === 'production' && e.to !== 'production') {
      const p = open.get(e.version);
      if (p) p.to = e.at;
      open.delete(e.version);
    }
  }
  if (periods.length > 0) return periods;
  return record.versions
    .filter((v) => v.promotedAt)
    .map((v) => ({ version: v.version, from: v.promotedAt as string, to: v.stage === 'production' ? undefined : v.retiredAt }))
    .sort((a, b) => a.from.localeCompare(b.from));
}
