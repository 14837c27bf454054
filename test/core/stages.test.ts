import { PolicyError } from '../../src/core/errors';
import { STAGES } from '../../src/core/record';
import { assertTransition, isAllowedTransition, TransitionCause } from '../../src/core/stages';

const LEGAL: [string, string, TransitionCause][] = [
  ['candidate', 'validated', 'validate'],
  ['validated', 'validated', 'validate'],
  ['candidate', 'rejected', 'reject'],
  ['validated', 'rejected', 'reject'],
  ['validated', 'production', 'promote'],
  ['validated', 'production', 'switch'],
  ['production', 'retired', 'retire'],
  ['retired', 'production', 'rollback'],
];

describe('stage machine', () => {
  const causes: TransitionCause[] = ['validate', 'reject', 'promote', 'switch', 'retire', 'rollback'];
  for (const from of STAGES) {
    for (const to of STAGES) {
      for (const cause of causes) {
        const legal = LEGAL.some(([f, t, c]) => f === from && t === to && c === cause);
        it(`${from} -> ${to} by ${cause} is ${legal ? 'legal' : 'refused'}`, () => {
          expect(isAllowedTransition(from, to, cause)).toBe(legal);
          if (!legal) expect(() => assertTransition('1.0.0', from, to, cause)).toThrow(PolicyError);
        });
      }
    }
  }

  it('never lets a rejected version reach production', () => {
    for (const cause of causes) expect(isAllowedTransition('rejected', 'production', cause)).toBe(false);
  });

  it('brings a retired version back only through rollback', () => {
    expect(() => assertTransition('1.0.0', 'retired', 'production', 'promote')).toThrow(/only through `modelship rollback`/);
  });
});
