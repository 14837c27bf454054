import { likelyMeant } from '../../src/registry/field-suggestion';

describe('likelyMeant', () => {
  it.each([
    ['maxSizeMib', ['maxSizeMiB'], 'maxSizeMiB'],
    ['prot', ['port', 'image'], 'port'],
    ['servng', ['serving'], 'serving'],
    ['imgae', ['image'], 'image'],
    ['maxLatencyP59Ms', ['maxSizeMiB', 'maxLatencyP95Ms'], 'maxLatencyP95Ms'],
  ])('%s -> %s', (typo, missing, meant) => {
    expect(likelyMeant(typo, missing)).toBe(meant);
  });

  it('says nothing for a key unlike every missing field', () => {
    expect(likelyMeant('sizeLimit', ['maxSizeMiB'])).toBeUndefined();
    expect(likelyMeant('x', ['port'])).toBeUndefined();
    expect(likelyMeant('port', [])).toBeUndefined();
  });
});
