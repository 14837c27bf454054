import { fmtMetric as fmt, GateResult } from './gates';
import type { BeatRule, Gates, MetricDirection, VersionEntry } from './record';

function ruleOf(rule: BeatRule): { direction: MetricDirection; tolerance: number } {
  return typeof rule === 'string' ? { direction: rule, tolerance: 0 } : { direction: rule.direction, tolerance: rule.tolerance ?? 0 };
}

/**
 * Champion/challenger (`gates.beatProduction`): the candidate must beat the
 * production version on each named metric, measured on the same dataset
 * digest. `higher` wins when candidate >= production - tolerance, `lower` when
 * candidate <= production + tolerance; with no tolerance a tie does not beat.
 * Differences within binary rounding (a billionth of the larger figure) count as none.
 * Metrics from different datasets are not comparable, and no production
 * version means there is nothing to beat.
 */
export function beatProduction(gates: Gates, candidate: VersionEntry, production: VersionEntry | undefined, model = '<name>'): GateResult[] {
  const rules = Object.entries(gates.beatProduction ?? {});
  if (!rules.length) return [];
  if (!production) {
    return [{ gate: 'beatProduction', outcome: 'pass', passed: true, message: 'no production version yet: nothing to beat' }];
  }
  return rules.map(([name, raw]): GateResult => {
    const gate = `beatProduction.${name}`;
    const { direction, tolerance } = ruleOf(raw);
    const mine = candidate.metrics?.[name];
    const theirs = production.metrics?.[name];
    if (mine === undefined) {
      return { gate, outcome: 'missing', passed: false, message: `${gate}: no ${name} recorded for ${candidate.version} (run modelship measure --metrics FILE --dataset PATH)` };
    }
    if (theirs === undefined || production.datasetDigest === undefined) {
      return {
        gate, outcome: 'not-comparable', passed: false,
        message: `${gate}: production ${production.version} has no ${name} to compare with; measure it with --metrics on the same dataset`,
      };
    }
    if (candidate.datasetDigest !== production.datasetDigest) {
      return {
        gate, outcome: 'not-comparable', passed: false,
        message: `${gate}: not comparable: ${candidate.version} was evaluated on ${candidate.datasetDigest ?? 'an unknown dataset'}, production ${production.version} on ${production.datasetDigest}` +
          // A refreshed holdout is the usual cause: the champion is measured again on it.
          `; measure production ${production.version} on the same holdout too (modelship measure ${model} ${production.version} --metrics FILE --dataset PATH)`,
      };
    }
    // Metrics are decimals held in binary: 0.85 - 0.9 is -0.05000000000000004. A gain within
    // rounding of zero is a tie, and one within rounding of the tolerance is within it (up to, inclusive).
    const eps = 1e-9 * Math.max(Math.abs(mine), Math.abs(theirs));
    const difference = direction === 'higher' ? mine - theirs : theirs - mine;
    const gain = Math.abs(difference) <= eps ? 0 : difference;
    const wins = tolerance > 0 ? gain >= -tolerance - eps : gain > 0;
    const by = gain === 0 ? 'ties with' : gain > 0 ? `beats by ${fmt(gain)}` : `trails by ${fmt(-gain)}`;
    const tol = tolerance > 0 ? ` (tolerance ${fmt(tolerance)})` : '';
    return {
      gate, outcome: wins ? 'pass' : 'fail', passed: wins, limit: theirs, actual: mine,
      message: `${name} ${fmt(mine)} ${by} production ${production.version}'s ${fmt(theirs)} (${direction} is better)${tol}`,
    };
  });
}
