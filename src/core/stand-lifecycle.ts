import { PolicyError } from './errors';
import { Outcome, promote, rollback, RollbackOptions, switchSlots } from './lifecycle';
import { hasSeparateCandidateStorage } from './model-image';
import { findVersion, ModelRecord } from './record';
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
  const entry = findVersion(record, version);
  // Before the last stand the image stays in candidate storage: only its pin says where.
  if (entry && !isProductionStand(record, stand) && hasSeparateCandidateStorage(record.artifact) && !entry.image) {
    throw new PolicyError(
      `${record.name} ${version} has no pinned image in ${record.artifact.candidateImage} for stand ${stand} to run: run \`modelship measure ${record.name} ${version} --image\``,
    );
  }
  return inStand(record, stand, (view) => promote(view, version, now));
}

export function switchInStand(record: ModelRecord, stand: string, now: string): Outcome {
  return inStand(record, stand, (view) => switchSlots(view, now));
}

export function rollbackInStand(record: ModelRecord, stand: string, now: string, opts: RollbackOptions = {}): Outcome {
  return inStand(record, stand, (view) => rollback(view, now, opts));
}

/** Whether promoting into this stand puts the version into production storage (only the last stand does). */
export function isProductionStand(record: ModelRecord, stand: string): boolean {
  return stand === lastStand(record);
}
