import semverPrerelease from 'semver/functions/prerelease';
import { ModelRecord, productionVersion } from './record';
import { DEFAULT_RETRAINING_RESOURCES } from './retraining-spec';
import type { ResourceSpec } from './record';
import { highestVersion, nextVersion } from './semver-rules';

/** The release candidates a training run produces are named with this prerelease id. */
export const RETRAINING_PREID = 'rc';

/**
 * The release a new training run's candidate gets: another rc of an open
 * prerelease (1.5.0-rc.0 -> 1.5.0-rc.1), else the next minor's first rc.
 */
export function nextCandidateRelease(record: ModelRecord): 'prerelease' | 'preminor' {
  const highest = highestVersion(record.versions.map((v) => v.version));
  return highest && semverPrerelease(highest) ? 'prerelease' : 'preminor';
}

/**
 * The environment every retraining job gets, on both targets. The names are
 * API: training code reads them. Values are as of the last synth.
 *
 * - MODELSHIP_MODEL: the model name.
 * - MODELSHIP_CANDIDATE_REPOSITORY: the image repository to push the trained model to:
 *   `artifact.candidateImage` when the record has one (promote copies from it), else `artifact.image`.
 * - MODELSHIP_NEXT_VERSION / MODELSHIP_NEXT_RELEASE: the tag to push, which is what
 *   `modelship bump <name> <release> --preid rc` will print.
 * - MODELSHIP_PRODUCTION_VERSION / MODELSHIP_PRODUCTION_DIGEST: the champion to beat
 *   (its tree digest); empty before a first production version.
 * - MODELSHIP_DATASET_<NAME>: each `retraining.datasets` entry, the name upper-cased.
 */
export function retrainingEnvironment(record: ModelRecord): Record<string, string> {
  if (record.retraining?.contract) return { ...record.retraining.contract };
  const live = productionVersion(record);
  const release = nextCandidateRelease(record);
  const datasets = Object.entries(record.retraining?.datasets ?? {})
    .map(([name, location]) => [`MODELSHIP_DATASET_${name.toUpperCase()}`, location] as const);
  return {
    MODELSHIP_MODEL: record.name,
    MODELSHIP_CANDIDATE_REPOSITORY: record.artifact.candidateImage ?? record.artifact.image,
    MODELSHIP_NEXT_VERSION: nextVersion(record.versions.map((v) => v.version), release, RETRAINING_PREID),
    MODELSHIP_NEXT_RELEASE: release,
    MODELSHIP_PRODUCTION_VERSION: live?.version ?? '',
    MODELSHIP_PRODUCTION_DIGEST: live?.digest ?? '',
    ...Object.fromEntries(datasets),
  };
}

/**
 * The job's whole environment: the record's `retraining.env` first, then the
 * contract, which wins, so a stray entry cannot lie to the training code.
 */
export function retrainingJobEnvironment(record: ModelRecord): Record<string, string> {
  return { ...(record.retraining?.env ?? {}), ...retrainingEnvironment(record) };
}

export function retrainingResources(record: ModelRecord): ResourceSpec {
  return record.retraining?.resources ?? DEFAULT_RETRAINING_RESOURCES;
}
