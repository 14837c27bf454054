import chisquareCdf = require('@stdlib/stats-base-dists-chisquare-cdf');

export interface ChiSquareResult {
  readonly statistic: number;
  readonly degreesOfFreedom: number;
  readonly pValue: number;
  /** Categories seen in either window. */
  readonly categories: number;
  /** How many of them were pooled (see `chiSquareHomogeneity`); 0 when none. */
  readonly pooled: number;
}

/** Cochran's rule: the chi-square distribution holds when no expected count is below 5. */
const MIN_EXPECTED = 5;

interface Column {
  ref: number;
  cur: number;
}

/**
 * Pearson's chi-square test of homogeneity on the 2 x k table of category
 * counts (reference row, current row): are both windows drawn from the same
 * category frequencies? No continuity correction (scipy's chi2_contingency
 * applies Yates' only at one degree of freedom; call it with correction=False
 * to compare). Categories seen in neither window are not columns.
 *
 * Categories whose expected count in either window is below 5 are pooled into
 * one column first (and that column, while it is still below 5, into the
 * smallest other): with sparse cells the asymptotic p-value is far too small,
 * and a small current window against a large reference with many rare
 * categories alarmed on a third of same-distribution windows.
 */
export function chiSquareHomogeneity(reference: ReadonlyMap<string, number>, current: ReadonlyMap<string, number>): ChiSquareResult {
  const categories = [...new Set([...reference.keys(), ...current.keys()])]
    .filter((c) => (reference.get(c) ?? 0) + (current.get(c) ?? 0) > 0);
  const nRef = categories.reduce((s, c) => s + (reference.get(c) ?? 0), 0);
  const nCur = categories.reduce((s, c) => s + (current.get(c) ?? 0), 0);
  if (nRef === 0 || nCur === 0) throw new Error('chi-square test of an empty window');
  if (categories.length === 1) return { statistic: 0, degreesOfFreedom: 0, pValue: 1, categories: 1, pooled: 0 };
  const total = nRef + nCur;
  const sparse = (col: Column) => Math.min(nRef, nCur) * (col.ref + col.cur) / total < MIN_EXPECTED;
  const columns: Column[] = [];
  const rare: Column = { ref: 0, cur: 0 };
  let pooled = 0;
  for (const c of categories) {
    const col = { ref: reference.get(c) ?? 0, cur: current.get(c) ?? 0 };
    if (sparse(col)) {
      rare.ref += col.ref;
      rare.cur += col.cur;
      pooled++;
    } else {
      columns.push(col);
    }
  }
  if (pooled > 0) {
    // The pooled column is a column like the others once it is large enough; until then it joins the smallest.
    columns.sort((a, b) => a.ref + a.cur - (b.ref + b.cur));
    while (sparse(rare) && columns.length > 0) {
      const smallest = columns.shift()!;
      rare.ref += smallest.ref;
      rare.cur += smallest.cur;
    }
    columns.push(rare);
  }
  let statistic = 0;
  for (const { ref: r, cur: k } of columns) {
    const expectedRef = (nRef * (r + k)) / total;
    const expectedCur = (nCur * (r + k)) / total;
    statistic += (r - expectedRef) ** 2 / expectedRef + (k - expectedCur) ** 2 / expectedCur;
  }
  const degreesOfFreedom = columns.length - 1;
  const pValue = degreesOfFreedom === 0 ? 1 : 1 - chisquareCdf(statistic, degreesOfFreedom);
  return { statistic, degreesOfFreedom, pValue, categories: categories.length, pooled };
}
