/**
 * The q-quantile of sorted values by linear interpolation between order
 * statistics (Hyndman and Fan's type 7), the default of numpy, R and
 * spreadsheets, so an analyst recomputing a bin edge gets the same number.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('quantile of no values');
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The inner edges of `bins` equal-count bins: deciles for 10. */
export function quantileEdges(sorted: ArrayLike<number>, bins: number): number[] {
  const out: number[] = [];
  for (let i = 1; i < bins; i++) out.push(quantileSorted(sorted, i / bins));
  return out;
}

/** Index of the bin holding x: how many edges are <= x (numpy's searchsorted, side "right"). */
export function binOf(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
