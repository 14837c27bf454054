import chisquareCdf = require('@stdlib/stats-base-dists-chisquare-cdf');

export interface ChiSquareResult {
  readonly statistic: number;
  readonly degreesOfFreedom: number;
  readonly pValue: number;
}

/**
 * Pearson's chi-square test of homogeneity on the 2 x k table of category
 * counts (reference row, current row): are both windows drawn from the same
 * category frequencies? No continuity correction (scipy's chi2_contingency
 * applies Yates' only at one degree of freedom; call it with correction=False
 * to compare). Categories seen in neither window are not columns.
 */
export function chiSquareHomogeneity(reference: ReadonlyMap<string, number>, current: ReadonlyMap<string, number>): ChiSquareResult {
  const categories = [...new Set([...reference.keys(), ...current.keys()])]
    .filter((c) => (reference.get(c) ?? 0) + (current.get(c) ?? 0) > 0);
  const nRef = categories.reduce((s, c) => s + (reference.get(c) ?? 0), 0);
  const nCur = categories.reduce((s, c) => s + (current.get(c) ?? 0), 0);
  if (nRef === 0 || nCur === 0) throw new Error('chi-square test of an empty window');
  const total = nRef + nCur;
  let statistic = 0;
  for (const c of categories) {
    const r = reference.get(c) ?? 0;
    const k = current.get(c) ?? 0;
    const expectedRef = (nRef * (r + k)) / total;
    const expectedCur = (nCur * (r + k)) / total;
    statistic += (r - expectedRef) ** 2 / expectedRef + (k - expectedCur) ** 2 / expectedCur;
  }
  const degreesOfFreedom = categories.length - 1;
  const pValue = degreesOfFreedom === 0 ? 1 : 1 - chisquareCdf(statistic, degreesOfFreedom);
  return { statistic, degreesOfFreedom, pValue };
}
