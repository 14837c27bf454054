import chisquareQuantile = require('@stdlib/stats-base-dists-chisquare-quantile');
/**
 * A bin with no values would make the index infinite; the usual floor keeps
 * an empty bin's contribution large but finite (an empty bin against 10 %
 * adds about 0.7 (0.0999 × ln 1000), enough to cross any threshold on its own).
 */
export const PSI_FLOOR = 1e-4;

/**
 * Population stability index of two binned distributions:
 * sum over bins of (current share - reference share) * ln(current share / reference share).
 */
export function populationStabilityIndex(referenceCounts: readonly number[], currentCounts: readonly number[]): number {
  if (referenceCounts.length !== currentCounts.length) throw new Error('PSI needs the same bins on both sides');
  const refTotal = referenceCounts.reduce((a, b) => a + b, 0);
  const curTotal = currentCounts.reduce((a, b) => a + b, 0);
  if (refTotal === 0 || curTotal === 0) throw new Error('PSI of an empty distribution');
  let psi = 0;
  for (let i = 0; i < referenceCounts.length; i++) {
    const r = Math.max(referenceCounts[i] / refTotal, PSI_FLOOR);
    const c = Math.max(currentCounts[i] / curTotal, PSI_FLOOR);
    psi += (c - r) * Math.log(c / r);
  }
  return psi;
}

/**
 * How large the PSI of two windows of one distribution grows by chance, at 99 %: the
 * index is the Jeffreys divergence, and `PSI * n*m/(n+m)` tends to the chi-square
 * homogeneity statistic, chi-square with bins - 1 degrees of freedom. So the bound is
 * `chi2.ppf(0.99, bins - 1) * (1/n + 1/m)`: about 0.43 for 100 rows against 100, past
 * the usual 0.2, and 0.04 for 1,000 against 1,000.
 */
export function psiNoise(bins: number, referenceCount: number, currentCount: number): number {
  if (bins < 2 || referenceCount === 0 || currentCount === 0) return 0;
  return chisquareQuantile(0.99, bins - 1) * (1 / referenceCount + 1 / currentCount);
}
