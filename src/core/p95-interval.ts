interface JStat { binomial: { cdf(k: number, n: number, p: number): number } }
let jStat: JStat | undefined;

/** jstat (no type declarations) is loaded on first use: gates import this file, and only measure needs the binomial. */
function binomial(): JStat['binomial'] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  jStat ??= (require('jstat') as { jStat: JStat }).jStat;
  return jStat.binomial;
}

/** Coverage asked of the interval, and the quantile it is about. */
export const CONFIDENCE = 0.95;
export const QUANTILE = 0.95;

export interface OrderStatisticRanks {
  /** 1-based rank of the lower bound in the sorted sample; undefined when no order statistic is low enough. */
  readonly lower?: number;
  /** 1-based rank of the upper bound; undefined when the sample is too small to bound it. */
  readonly upper?: number;
  /** The exact coverage of [x(lower), x(upper)] under the binomial model, >= the confidence asked. */
  readonly coverage: number;
}

const binomCdf = (k: number, n: number, p: number): number => (k < 0 ? 0 : k >= n ? 1 : binomial().cdf(k, n, p));

/** Fewest requests whose sample bounds the p95 from above at 95% (1 - 0.95^n >= 0.975). */
export const MIN_REQUESTS_FOR_INTERVAL = 72;

/** Smallest k with P(Bin(n, p) <= k) >= q: the binomial quantile, as scipy's binom.ppf. */
function binomPpf(q: number, n: number, p: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (binomCdf(mid, n, p) >= q) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Ranks of the order statistics that bound the `quantile` of any continuous
 * distribution with probability >= `confidence`, whatever its shape: the count
 * of samples below the true quantile is Binomial(n, quantile), so
 * [x(l), x(u)] with l = ppf(a/2) and u = ppf(1 - a/2) + 1 covers it with
 * probability cdf(u - 1) - cdf(l - 1). No normality assumption.
 */
export function orderStatisticRanks(n: number, quantile = QUANTILE, confidence = CONFIDENCE): OrderStatisticRanks {
  const alpha = 1 - confidence;
  const l = binomPpf(alpha / 2, n, quantile);
  const u = binomPpf(1 - alpha / 2, n, quantile) + 1;
  const lower = l >= 1 ? l : undefined;
  const upper = u <= n ? u : undefined;
  const coverage = binomCdf((upper ?? n + 1) - 1, n, quantile) - binomCdf((lower ?? 0) - 1, n, quantile);
  return { lower, upper, coverage };
}

export interface P95Interval {
  /** Nearest-rank p95 of the sample. */
  readonly p95: number;
  /** Bounds of the 95% interval; undefined on a side the sample is too small to bound. */
  readonly low?: number;
  readonly high?: number;
}

/** The sample's p95 and its distribution-free 95% confidence interval. */
export function p95Interval(samples: readonly number[]): P95Interval {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const { lower, upper } = orderStatisticRanks(n);
  const p95 = sorted[Math.min(n, Math.max(1, Math.ceil(QUANTILE * n))) - 1];
  return {
    p95,
    ...(lower !== undefined ? { low: sorted[lower - 1] } : {}),
    ...(upper !== undefined ? { high: sorted[upper - 1] } : {}),
  };
}

export interface SettleInput {
  /** Requests in the measurement. */
  readonly n: number;
  readonly p95: number;
  readonly low: number;
  readonly high: number;
  /** The gate. */
  readonly limit: number;
}

/**
 * About how many more requests would likely move the interval off the gate,
 * assuming the latencies keep their shape: the interval's half-width on the
 * gate's side shrinks as 1/sqrt(n), so it clears a gap g at n * (w / g)^2.
 * Undefined when the p95 is on the gate (no sample size settles that).
 */
export function requestsToSettle(s: SettleInput): number | undefined {
  const gap = Math.abs(s.limit - s.p95);
  if (gap === 0 || s.n === 0) return undefined;
  const width = s.p95 < s.limit ? s.high - s.p95 : s.p95 - s.low;
  const needed = Math.ceil(s.n * (width / gap) ** 2);
  return Math.max(1, needed - s.n);
}
