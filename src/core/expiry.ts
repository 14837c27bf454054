import type { Outcome } from './lifecycle';
import { ModelRecord, VersionEntry } from './record';
import { recordRuleViolations } from './record-rules';
import { newestRetiredFirst } from './retired-order';
import { forgetInStands, versionsRunningInStands } from './stands';

export interface ExpiryOptions {
  /** Retired versions kept, newest first (rollback goes to the newest). */
  readonly keep: number;
  /**
   * Minimum age; a version younger than this never expires, and candidates
   * expire only when it is given.
   * @default - none: rejected and surplus retired versions of any age, no candidates
   */
  readonly olderThanMs?: number;
  readonly now: Date;
  /** The history's order of retirements, oldest first (retirementOrder), which decides the newest. @default - by retiredAt */
  readonly retirements?: readonly string[];
}

/** A version that expires and why. */
export interface Expiring {
  readonly version: VersionEntry;
  readonly reason: string;
}

function ageMs(at: string | undefined, now: Date): number {
  return at ? now.getTime() - Date.parse(at) : Infinity;
}

/**
 * Which versions expire: rejected ones, retired ones beyond the newest
 * `keep`, and candidates older than `olderThanMs`. Never the production
 * version, a version in a slot (it still runs, or is the instant way back),
 * a validated one, a version running in a stand before production or named
 * by an alias, or anything younger than `olderThanMs`.
 */
export function expiryPlan(record: ModelRecord, opts: ExpiryOptions): Expiring[] {
  const inSlot = new Set([record.slots?.blue, record.slots?.green].filter((v): v is string => typeof v === 'string'));
  // Still running in a stand before production, or named by an alias: kept like a slot's version.
  for (const v of [...versionsRunningInStands(record), ...Object.values(record.aliases ?? {})]) inSlot.add(v);
  const oldEnough = (at: string | undefined) => opts.olderThanMs === undefined || ageMs(at, opts.now) >= opts.olderThanMs;
  const retired = newestRetiredFirst(record.versions, opts.retirements);
  const surplus = new Set(retired.slice(opts.keep).map((v) => v.version));
  const out: Expiring[] = [];
  for (const v of record.versions) {
    if (inSlot.has(v.version)) continue;
    if (v.stage === 'rejected' && oldEnough(v.createdAt)) {
      out.push({ version: v, reason: `rejected${v.reason ? ` (${v.reason})` : ''}` });
    } else if (v.stage === 'retired' && surplus.has(v.version) && oldEnough(v.retiredAt)) {
      out.push({ version: v, reason: `retired ${v.retiredAt ?? ''}, beyond the newest ${opts.keep}`.replace('  ', ' ') });
    } else if (v.stage === 'candidate' && opts.olderThanMs !== undefined && oldEnough(v.createdAt)) {
      out.push({ version: v, reason: `candidate since ${v.createdAt}` });
    }
  }
  return out;
}

/** The record without the expired versions; the history keeps every event and gains one per version. */
export function expire(record: ModelRecord, expired: readonly { version: string; details: Record<string, unknown> }[]): Outcome {
  const gone = new Map(expired.map((e) => [e.version, e.details]));
  const next: ModelRecord = { ...forgetInStands(record, new Set(gone.keys())), versions: record.versions.filter((v) => !gone.has(v.version)) };
  const broken = recordRuleViolations(next);
  if (broken.length) {
    throw new Error(`internal: expiry produced a record that breaks its rules: ${broken.map((b) => `${b.path}: ${b.message}`).join('; ')}`);
  }
  const events = record.versions
    .filter((v) => gone.has(v.version))
    .map((v) => ({ action: 'expire', version: v.version, from: v.stage, to: null, details: gone.get(v.version) ?? {} }));
  return { record: next, events, summary: `${record.name}: ${events.length} version(s) expired` };
}
