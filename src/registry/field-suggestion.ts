/**
 * The field a misspelt key most likely meant, among the required fields missing
 * beside it: a typo in a required field's name (`maxSizeMib`) otherwise shows
 * as two problems, the first naming a field the user never touched.
 */
export function likelyMeant(typo: string, missing: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of missing) {
    const d = editDistance(typo.toLowerCase(), name.toLowerCase());
    // Case alone, or up to a third of the name (2 edits for `port`/`prot`, more for long names).
    if (d < bestDistance && d <= Math.max(2, Math.floor(name.length / 3))) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
