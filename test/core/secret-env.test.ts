import { isSecretKey, secretEnvProblems, sortedSecretEnv } from '../../src/core/secret-env';

describe('secretEnv references', () => {
  it('takes names valid as a Kubernetes Secret and a Nomad variable path, and keys valid as a Secret key', () => {
    expect(secretEnvProblems('serving.secretEnv', {
      DB_PASSWORD: { secret: 'fare-db', key: 'password' },
      USER: { secret: 'a', key: 'user.name_2-x' },
    }, undefined, () => false)).toEqual([]);
    expect(isSecretKey('.')).toBe(false);
    expect(isSecretKey('..')).toBe(false);
    expect(isSecretKey('..data')).toBe(false);
    expect(isSecretKey('.hidden')).toBe(true);
    expect(isSecretKey('a..b')).toBe(true);
  });

  it.each([
    ['a dot in the secret (no Nomad path has one)', { X: { secret: 'fare.db', key: 'k' } }, 'serving.secretEnv.X.secret'],
    ['the path Nomad reserves', { X: { secret: 'nomad', key: 'k' } }, 'serving.secretEnv.X.secret'],
    ['capitals in the secret', { X: { secret: 'FareDb', key: 'k' } }, 'serving.secretEnv.X.secret'],
    ['a quote in the key (it would end the template string)', { X: { secret: 'db', key: 'pa"ss' } }, 'serving.secretEnv.X.key'],
    ['a brace in the key', { X: { secret: 'db', key: '}}x' } }, 'serving.secretEnv.X.key'],
    ['a key of ..', { X: { secret: 'db', key: '..' } }, 'serving.secretEnv.X.key'],
    ['a name that is no variable', { 'X-Y': { secret: 'db', key: 'k' } }, 'serving.secretEnv."X-Y"'],
    ['a reserved name', { MODEL_DIR: { secret: 'db', key: 'k' } }, 'serving.secretEnv.MODEL_DIR'],
    ['a name also in env', { LOG_LEVEL: { secret: 'db', key: 'k' } }, 'serving.secretEnv.LOG_LEVEL'],
    ['a reference that is not { secret, key }', { X: 'db/k' }, 'serving.secretEnv.X'],
  ])('names the field of %s', (_what, secretEnv, field) => {
    const problems = secretEnvProblems('serving.secretEnv', secretEnv, { LOG_LEVEL: 'info' }, (n) => n === 'MODEL_DIR');
    expect(problems.map(([f]) => f)).toContain(field);
  });

  it('a list is not a mapping', () => {
    expect(secretEnvProblems('retraining.secretEnv', [], undefined, () => false)).toEqual([['retraining.secretEnv', 'must be a mapping of variable names to { secret, key }']]);
  });

  it('renders in variable-name order whatever the record\'s order', () => {
    expect(sortedSecretEnv('f', { B: { secret: 's', key: 'b' }, A: { secret: 's', key: 'a' } }, undefined).map(([n]) => n)).toEqual(['A', 'B']);
    expect(sortedSecretEnv('f', undefined, undefined)).toEqual([]);
    expect(() => sortedSecretEnv('m: serving.secretEnv', { A: { secret: 's', key: '"' } }, undefined)).toThrow('m: serving.secretEnv.A.key must be a key');
  });
});
