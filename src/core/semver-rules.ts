// Single functions, not the whole package: every CLI call loads this, and all of semver costs 20 ms.
import semverCompare from 'semver/functions/compare';
import semverInc from 'semver/functions/inc';
import semverRsort from 'semver/functions/rsort';
import semverValid from 'semver/functions/valid';
import { InputError } from './errors';

export const RELEASE_TYPES = ['major', 'minor', 'patch', 'premajor', 'preminor', 'prepatch', 'prerelease'] as const;
export type ReleaseType = (typeof RELEASE_TYPES)[number];

export function isReleaseType(s: string): s is ReleaseType {
  return (RELEASE_TYPES as readonly string[]).includes(s);
}

/** Strict semver only: `v1.2.3` and `1.2` are not versions in a record. */
export function isSemver(v: string): boolean {
  return semverValid(v) === v;
}

/** The highest of `versions` by semver precedence, or undefined for none. */
export function highestVersion(versions: readonly string[]): string | undefined {
  return versions.length === 0 ? undefined : semverRsort([...versions])[0];
}

/**
 * The next version after the highest existing one; a model without versions
 * starts from 0.0.0, so its first `major` is 1.0.0.
 */
export function nextVersion(existing: readonly string[], release: ReleaseType, preid?: string): string {
  if (preid !== undefined && !/^[0-9A-Za-z-]+$/.test(preid)) {
    throw new InputError(`--preid: "${preid}" is not a semver identifier ([0-9A-Za-z-]+)`);
  }
  if (preid !== undefined && !release.startsWith('pre')) {
    throw new InputError(`--preid: applies to premajor, preminor, prepatch and prerelease, not ${release} (which cuts a release version)`);
  }
  const base = highestVersion(existing) ?? '0.0.0';
  const next = semverInc(base, release, {}, preid);
  if (next === null) {
    throw new InputError(`cannot apply ${release} to ${base}`);
  }
  // semver's prerelease with another identifier restarts it (1.0.0-rc.1 -> 1.0.0-beta.0), which can sort lower.
  if (existing.length > 0 && semverCompare(next, base) <= 0) {
    throw new InputError(`${release}${preid === undefined ? '' : ` --preid ${preid}`} after ${base} gives ${next}, which is not higher than ${base}; every new version must be: use a preid that sorts after the current one, or premajor, preminor or prepatch`);
  }
  return next;
}

export function compareVersions(a: string, b: string): number {
  return semverCompare(a, b);
}
