import { nextCandidateRelease, retrainingEnvironment, retrainingJobEnvironment } from '../../src/core/retraining-contract';
import { D1, record, version } from '../helpers/records';

const RETRAINING = { schedule: '0 3 * * 1', image: 'registry.example.com/train/taxi-fare:2.0.0' };

describe('the retraining environment contract', () => {
  it('names the model, where to push, the tag to push and the champion', () => {
    const r = record({
      retraining: { ...RETRAINING, datasets: { train: 's3://data/taxi/train/', holdout_2026: 's3://data/taxi/holdout.csv' } },
      versions: [version('1.3.0', 'retired'), version('1.4.0', 'production'), version('1.4.1', 'rejected')],
    });
    expect(retrainingEnvironment(r)).toEqual({
      MODELSHIP_MODEL: 'taxi-fare',
      MODELSHIP_CANDIDATE_REPOSITORY: 'registry.example.com/models/taxi-fare',
      MODELSHIP_NEXT_VERSION: '1.5.0-rc.0',
      MODELSHIP_NEXT_RELEASE: 'preminor',
      MODELSHIP_PRODUCTION_VERSION: '1.4.0',
      MODELSHIP_PRODUCTION_DIGEST: D1,
      MODELSHIP_DATASET_TRAIN: 's3://data/taxi/train/',
      MODELSHIP_DATASET_HOLDOUT_2026: 's3://data/taxi/holdout.csv',
    });
  });

  it('an open release candidate gets its next rc, as `bump prerelease --preid rc` would', () => {
    const r = record({ retraining: RETRAINING, versions: [version('1.4.0', 'production'), version('1.5.0-rc.0', 'rejected')] });
    expect(nextCandidateRelease(r)).toBe('prerelease');
    expect(retrainingEnvironment(r).MODELSHIP_NEXT_VERSION).toBe('1.5.0-rc.1');
  });

  it('a record with release-candidate storage pushes there', () => {
    const r = record({ retraining: RETRAINING, artifact: { image: 'registry.example.com/models/taxi-fare', candidateImage: 'registry.example.com/models-rc/taxi-fare', path: '/model' } });
    expect(retrainingEnvironment(r).MODELSHIP_CANDIDATE_REPOSITORY).toBe('registry.example.com/models-rc/taxi-fare');
  });

  it('before any production version the champion is empty', () => {
    const env = retrainingEnvironment(record({ retraining: RETRAINING }));
    expect(env).toMatchObject({ MODELSHIP_NEXT_VERSION: '0.1.0-rc.0', MODELSHIP_PRODUCTION_VERSION: '', MODELSHIP_PRODUCTION_DIGEST: '' });
  });

  it('the contract wins over the record\'s own env', () => {
    const env = retrainingJobEnvironment(record({ retraining: { ...RETRAINING, env: { MODELSHIP_MODEL: 'other', LOG_LEVEL: 'debug' } } }));
    expect(env.MODELSHIP_MODEL).toBe('taxi-fare');
    expect(env.LOG_LEVEL).toBe('debug');
  });
});
