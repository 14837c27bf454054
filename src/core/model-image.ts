import type { ArtifactSpec, ModelRecord, VersionEntry } from './record';

/** A pinned reference `repository:tag@sha256:...` in its parts. */
export interface PinnedImage {
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
}

export function pinnedImage(repository: string, tag: string, digest: string): string {
  return `${repository}:${tag}@${digest}`;
}

/** The parts of a pinned reference (the schema has checked its form). */
export function splitPinned(ref: string): PinnedImage {
  const at = ref.lastIndexOf('@');
  const colon = ref.lastIndexOf(':', at);
  return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1, at), digest: ref.slice(at + 1) };
}

/** Release-candidate storage: `artifact.candidateImage`, or the one repository there is. */
export function candidateRepository(artifact: ArtifactSpec): string {
  return artifact.candidateImage ?? artifact.image;
}

/** Whether a promotion must copy the image to another repository. */
export function hasSeparateCandidateStorage(artifact: ArtifactSpec): boolean {
  return artifact.candidateImage !== undefined && artifact.candidateImage !== artifact.image;
}

/**
 * The image an init container or task runs for a version: the recorded pinned
 * reference, so a node pulls exactly the bytes that were measured even if the
 * tag is pushed again; a version never resolved (`measure --image`) keeps
 * the plain tag in the production repository.
 */
export function initImage(artifact: Pick<ArtifactSpec, 'image'>, version: Pick<VersionEntry, 'version' | 'image'>): string {
  return version.image ?? `${artifact.image}:${version.version}`;
}

/** Problems with versions' pinned images: tagged with their own version, in one of the model's repositories. */
export function imageRuleViolations(record: ModelRecord): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const repos = [record.artifact.image, record.artifact.candidateImage].filter((r): r is string => r !== undefined);
  record.versions.forEach((v, i) => {
    if (!v.image) return;
    const p = splitPinned(v.image);
    if (p.tag !== v.version) out.push({ path: `versions[${i}].image`, message: `is tagged ${p.tag}, not the version ${v.version}` });
    if (!repos.includes(p.repository)) {
      out.push({ path: `versions[${i}].image`, message: `repository ${p.repository} is neither artifact.image nor artifact.candidateImage` });
    }
  });
  return out;
}
