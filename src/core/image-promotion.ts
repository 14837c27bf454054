import { PolicyError } from './errors';
import type { Outcome } from './lifecycle';
import { hasSeparateCandidateStorage, pinnedImage, splitPinned } from './model-image';
import { findVersion, ModelRecord } from './record';

/** What `promote` copies: a pinned candidate image into the production repository under the same tag. */
export interface PromotionCopy {
  /** The pinned source, `<candidateImage>:<version>@sha256:...`. */
  readonly source: string;
  readonly fromRepository: string;
  readonly toRepository: string;
  readonly tag: string;
  readonly digest: string;
}

/**
 * The copy a promotion needs, or undefined when there is nothing to copy (one
 * repository for both, or a version already in production storage). A
 * version never resolved in the candidate repository cannot be copied by digest.
 */
export function promotionCopy(record: ModelRecord, version: string): PromotionCopy | undefined {
  const entry = findVersion(record, version);
  if (!entry || !hasSeparateCandidateStorage(record.artifact)) return undefined;
  if (!entry.image) {
    throw new PolicyError(
      `${record.name} ${version} has no pinned image to copy to production storage: run \`modelship measure ${record.name} ${version} --image\``,
    );
  }
  const p = splitPinned(entry.image);
  if (p.repository === record.artifact.image) return undefined;
  return { source: entry.image, fromRepository: p.repository, toRepository: record.artifact.image, tag: version, digest: p.digest };
}

/** The promotion's outcome with the version pinned in production storage, and the copy in its event. */
export function withPromotedImage(outcome: Outcome, copy: PromotionCopy): Outcome {
  const image = pinnedImage(copy.toRepository, copy.tag, copy.digest);
  const versions = outcome.record.versions.map((v) => (v.version === copy.tag ? { ...v, image } : v));
  const events = outcome.events.map((e) =>
    e.version === copy.tag && (e.action === 'promote' || e.action === 'preview')
      ? { ...e, details: { ...e.details, copiedFrom: copy.source, image } }
      : e);
  return { ...outcome, record: { ...outcome.record, versions }, events, summary: `${outcome.summary}\n${copy.source} copied to ${image}` };
}
