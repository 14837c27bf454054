import { PolicyError } from './errors';
import { Outcome, promote, rollback, switchSlots } from './lifecycle';
import type { ModelRecord } from './record';
import { hasBeenLive, inStand, lastStand, requirePromotionOrder, requireStand, standNames } from './stands';

/**
 * The stand `promote` goes to when none is named: the one after the furthest
 * stand the version has been live in, so the first stand for a version that
 * has only been validated.
 */
export function defaultPromotionStand(record: ModelRecord, version: string): string {
  if (!record.stands) return lastStand(record);
  const names = standNames(record);
  let furthest = -1;
  names.forEach((s, i) => {
    if (hasBeenLive(record, s, version)) furthest = i;
  });
  if (furthest === names.length - 1) {
    throw new PolicyError(`${record.name} ${version} has been live in every stand up to ${names[furthest]}, the last; name a stand with --stand`);
  }
  return names[furthest + 1];
}

/** `promote` into one stand, in order: the last stand keeps every gate (the lifecycle's own). */
export function promoteInStand(record: ModelRecord, version: string, stand: string, now: string): Outcome {
  requireStand(record, stand);
  requirePromotionOrder(record, stand, version);
  return inStand(record, stand, (view) => promote(view, version, now));
}

export function switchInStand(record: ModelRecord, stand: string, now: string): Outcome {
  return inStand(record, stand, (view) => switchSlots(view, now));
}

export function rollbackInStand(record: ModelRecord, stand: string, now: string): Outcome {
  return inStand(record, stand, (view) => rollback(view, now));
}

/** Whether promoting into this stand puts the version into production storage (only the last stand does). */
export function isProductionStand(record: ModelRecord, stand: string): boolean {
  return stand === lastStand(record);
}
