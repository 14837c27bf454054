import { InputError } from '../../src/core/errors';
import { highestVersion, isSemver, nextVersion } from '../../src/core/semver-rules';

describe('semver rules', () => {
  it('starts from 0.0.0', () => {
    expect(nextVersion([], 'major')).toBe('1.0.0');
    expect(nextVersion([], 'minor')).toBe('0.1.0');
    expect(nextVersion([], 'patch')).toBe('0.0.1');
    expect(nextVersion([], 'premajor', 'rc')).toBe('1.0.0-rc.0');
  });

  it('bumps from the highest existing version, not the last one listed', () => {
    expect(nextVersion(['1.4.0', '2.0.0', '1.9.9'], 'patch')).toBe('2.0.1');
    expect(nextVersion(['1.4.0', '1.5.0-rc.0'], 'prerelease', 'rc')).toBe('1.5.0-rc.1');
    expect(nextVersion(['1.5.0-rc.1'], 'patch')).toBe('1.5.0');
    expect(nextVersion(['1.4.0'], 'preminor', 'beta')).toBe('1.5.0-beta.0');
  });

  it('orders prereleases below their release', () => {
    expect(highestVersion(['1.0.0-rc.2', '1.0.0', '1.0.0-rc.10'])).toBe('1.0.0');
    expect(highestVersion(['1.0.0-rc.2', '1.0.0-rc.10'])).toBe('1.0.0-rc.10');
  });

  it('accepts only strict semver', () => {
    expect(isSemver('1.2.3')).toBe(true);
    expect(isSemver('1.2.3-rc.0')).toBe(true);
    expect(isSemver('1.5')).toBe(false);
    expect(isSemver('v1.2.3')).toBe(false);
  });

  it('refuses a preid that is not a semver identifier', () => {
    expect(() => nextVersion([], 'premajor', 'r c')).toThrow(InputError);
  });

  it('refuses a preid on a release type that cuts a release version, rather than dropping it', () => {
    expect(() => nextVersion(['1.0.0'], 'patch', 'rc')).toThrow(/--preid: applies to premajor, preminor, prepatch and prerelease, not patch/);
  });

  it('refuses a prerelease that would sort below the highest version (another preid restarts the count)', () => {
    expect(() => nextVersion(['1.0.0-rc.1'], 'prerelease', 'beta'))
      .toThrow('prerelease --preid beta after 1.0.0-rc.1 gives 1.0.0-beta.0, which is not higher than 1.0.0-rc.1');
    expect(nextVersion(['1.0.0-beta.3'], 'prerelease', 'rc')).toBe('1.0.0-rc.0');
    expect(nextVersion(['1.0.0-rc.1'], 'prerelease', 'rc')).toBe('1.0.0-rc.2');
    expect(nextVersion(['1.0.0-rc.1'], 'prerelease')).toBe('1.0.0-rc.2');
  });
});
