export interface KsResult {
  /** Largest distance between the two empirical CDFs. */
  readonly statistic: number;
  /** Asymptotic two-sided p-value (Kolmogorov's limiting distribution). */
  readonly pValue: number;
}

/**
 * Two-sample Kolmogorov-Smirnov test of sorted samples. The statistic is
 * exact for the samples, ties included (both CDFs step past a tied value
 * together, as scipy's ks_2samp does). The p-value is the limiting
 * distribution at sqrt(n*m/(n+m)) * D, which is what large samples need and
 * what scipy calls kstwobign; below a few hundred values per side it is
 * slightly conservative against the exact test.
 */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) throw new Error('KS test of an empty sample');
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const x = Math.min(a[i], b[j]);
    while (i < n && a[i] === x) i++;
    while (j < m && b[j] === x) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  const en = (n * m) / (n + m);
  return { statistic: d, pValue: kolmogorovSurvival(Math.sqrt(en) * d) };
}

/**
 * P(K > x) for Kolmogorov's distribution. No npm package ships it on its own
 * (@stdlib/stats-kstest keeps its one inside, for the one-sample test), so it
 * is the two classical series: the alternating one converges in a few terms
 * above x = 1, the theta-function form below it.
 */
export function kolmogorovSurvival(x: number): number {
  if (x <= 0) return 1;
  if (x < 1) {
    // P(K <= x) = sqrt(2 pi) / x * sum_{k>=1} exp(-(2k-1)^2 pi^2 / (8 x^2))
    const w = -(Math.PI * Math.PI) / (8 * x * x);
    let sum = 0;
    for (let k = 1; k <= 20; k++) sum += Math.exp((2 * k - 1) * (2 * k - 1) * w);
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / x) * sum));
  }
  // P(K > x) = 2 sum_{k>=1} (-1)^(k-1) exp(-2 k^2 x^2)
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * x * x);
    sum += k % 2 === 1 ? term : -term;
    if (term < 1e-300) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}
