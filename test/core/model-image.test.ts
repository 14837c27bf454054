import { promotionCopy, withPromotedImage } from '../../src/core/image-promotion';
import { pinImage, promote } from '../../src/core/lifecycle';
import { initImage, splitPinned } from '../../src/core/model-image';
import { record, T0, version } from '../helpers/records';

const D = `sha256:${'e'.repeat(64)}`;
const RC = 'registry.example.com/models-rc/taxi-fare';
const PROD = 'registry.example.com/models/taxi-fare';

describe('model image', () => {
  it('runs the pinned image when one is recorded, else the production tag', () => {
    const r = record();
    expect(initImage(r.artifact, version('1.0.0', 'production'))).toBe(`${PROD}:1.0.0`);
    expect(initImage(r.artifact, version('1.0.0', 'production', { image: `${PROD}:1.0.0@${D}` }))).toBe(`${PROD}:1.0.0@${D}`);
  });

  it('splits a pinned reference with a registry port', () => {
    expect(splitPinned(`localhost:5000/models/x:1.0.0-rc.1@${D}`)).toEqual({ repository: 'localhost:5000/models/x', tag: '1.0.0-rc.1', digest: D });
  });

  it('a promotion copies only with a separate candidate repository and a pinned candidate', () => {
    const single = record({ versions: [version('1.0.0', 'validated')] });
    expect(promotionCopy(single, '1.0.0')).toBeUndefined();
    const two = record({ artifact: { image: PROD, candidateImage: RC, path: '/model' }, versions: [version('1.0.0', 'validated')] });
    expect(() => promotionCopy(two, '1.0.0')).toThrow('taxi-fare 1.0.0 has no pinned image to copy to production storage: run `modelship measure taxi-fare 1.0.0 --image`');
    const pinned = { ...two, versions: [version('1.0.0', 'validated', { image: `${RC}:1.0.0@${D}` })] };
    const copy = promotionCopy(pinned, '1.0.0');
    expect(copy).toEqual({ source: `${RC}:1.0.0@${D}`, fromRepository: RC, toRepository: PROD, tag: '1.0.0', digest: D });
    const out = withPromotedImage(promote(pinned, '1.0.0', T0), copy!);
    expect(out.record.versions[0]).toMatchObject({ stage: 'production', image: `${PROD}:1.0.0@${D}` });
    expect(out.events.find((e) => e.action === 'promote')?.details).toMatchObject({ copiedFrom: `${RC}:1.0.0@${D}`, image: `${PROD}:1.0.0@${D}` });
    // Already in production storage (promoted before, then rolled back and forth): nothing to copy.
    expect(promotionCopy(out.record, '1.0.0')).toBeUndefined();
  });

  it('a candidate may be pinned again; a validated version only to the same digest', () => {
    const other = `sha256:${'f'.repeat(64)}`;
    const two = { artifact: { image: PROD, candidateImage: RC, path: '/model' } };
    const cand = record({ ...two, versions: [version('1.0.0', 'candidate', { image: `${RC}:1.0.0@${D}` })] });
    expect(pinImage(cand, '1.0.0', `${RC}:1.0.0@${other}`, T0).record.versions[0].image).toBe(`${RC}:1.0.0@${other}`);
    const validated = record({ ...two, versions: [version('1.0.0', 'validated', { image: `${RC}:1.0.0@${D}` })] });
    expect(() => pinImage(validated, '1.0.0', `${RC}:1.0.0@${other}`, T0))
      .toThrow(`taxi-fare 1.0.0 is validated pinned to ${RC}:1.0.0@${D}; a different image (${RC}:1.0.0@${other}) needs a new version`);
    expect(pinImage(validated, '1.0.0', `${RC}:1.0.0@${D}`, T0).record.versions[0].image).toBe(`${RC}:1.0.0@${D}`);
    // Production found the same manifest in the candidate repository: it stays pinned in production storage.
    const live = record({ ...two, versions: [version('1.0.0', 'production', { image: `${PROD}:1.0.0@${D}` })] });
    expect(pinImage(live, '1.0.0', `${RC}:1.0.0@${D}`, T0).record.versions[0].image).toBe(`${PROD}:1.0.0@${D}`);
  });
});
