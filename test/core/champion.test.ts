import { beatProduction } from '../../src/core/champion';
import { D2, D3, record, version } from '../helpers/records';

const gates = { ...record().gates, beatProduction: { auc: 'higher', rmse: { direction: 'lower', tolerance: 0.05 } } as const };
const champion = version('1.0.0', 'production', { metrics: { auc: 0.9, rmse: 4.0 }, datasetDigest: D2 });
const challenger = (metrics: Record<string, number>, datasetDigest = D2) => version('1.1.0', 'candidate', { metrics, datasetDigest });

describe('champion/challenger', () => {
  it('passes when the challenger beats production, saying by how much', () => {
    const results = beatProduction(gates, challenger({ auc: 0.92, rmse: 4.02 }), champion);
    expect(results.map((r) => [r.gate, r.outcome, r.message])).toEqual([
      ['beatProduction.auc', 'pass', "auc 0.92 beats by 0.02 production 1.0.0's 0.9 (higher is better)"],
      ['beatProduction.rmse', 'pass', "rmse 4.02 trails by 0.02 production 1.0.0's 4 (lower is better) (tolerance 0.05)"],
    ]);
  });

  it('fails when it loses (a tie does not beat without a tolerance)', () => {
    const results = beatProduction(gates, challenger({ auc: 0.9, rmse: 4.1 }), champion);
    expect(results.map((r) => r.outcome)).toEqual(['fail', 'fail']);
    expect(results[1].message).toBe("rmse 4.1 trails by 0.1 production 1.0.0's 4 (lower is better) (tolerance 0.05)");
  });

  it('reads decimals as written: a trail of exactly the tolerance is within it, and a difference of binary rounding is a tie', () => {
    const auc = (tolerance: number) => ({ ...record().gates, beatProduction: { auc: { direction: 'higher', tolerance } } as const });
    const atTolerance = beatProduction(auc(0.05), challenger({ auc: 0.85 }), version('1.0.0', 'production', { metrics: { auc: 0.9 }, datasetDigest: D2 }));
    expect([atTolerance[0].outcome, atTolerance[0].message]).toEqual(['pass', "auc 0.85 trails by 0.05 production 1.0.0's 0.9 (higher is better) (tolerance 0.05)"]);
    expect(beatProduction(auc(0.05), challenger({ auc: 0.8499 }), version('1.0.0', 'production', { metrics: { auc: 0.9 }, datasetDigest: D2 }))[0].outcome).toBe('fail');
    // 0.1 + 0.2 is 0.30000000000000004: not a win over 0.3.
    const noise = beatProduction(gates, challenger({ auc: 0.1 + 0.2, rmse: 4.0 }), version('1.0.0', 'production', { metrics: { auc: 0.3, rmse: 4.0 }, datasetDigest: D2 }));
    expect([noise[0].outcome, noise[0].message]).toEqual(['fail', "auc 0.3 ties with production 1.0.0's 0.3 (higher is better)"]);
    expect(beatProduction(gates, challenger({ auc: 0.85 + 1e-12, rmse: 4.0 }), version('1.0.0', 'production', { metrics: { auc: 0.85, rmse: 4.0 }, datasetDigest: D2 }))[0].outcome).toBe('fail');
    // Relative, not absolute: tiny figures still compare (a loss of 1e-10 against 5e-10 is a clear win for lower).
    const tiny = { ...record().gates, beatProduction: { loss: 'lower' } as const };
    expect(beatProduction(tiny, challenger({ loss: 1e-10 }), version('1.0.0', 'production', { metrics: { loss: 5e-10 }, datasetDigest: D2 }))[0].outcome).toBe('pass');
  });

  it('refuses metrics measured on a different dataset as not comparable', () => {
    const [auc] = beatProduction(gates, challenger({ auc: 0.99, rmse: 1 }, D3), champion);
    expect(auc.outcome).toBe('not-comparable');
    expect(auc.message).toBe(`beatProduction.auc: not comparable: 1.1.0 was evaluated on ${D3}, production 1.0.0 on ${D2}; measure production 1.0.0 on the same holdout too (modelship measure <name> 1.0.0 --metrics FILE --dataset PATH)`);
  });

  it('passes with no production version yet, and says so', () => {
    expect(beatProduction(gates, challenger({ auc: 0.5 }), undefined)).toEqual([
      { gate: 'beatProduction', outcome: 'pass', passed: true, message: 'no production version yet: nothing to beat' },
    ]);
  });

  it('a production version without the metric cannot be compared with', () => {
    const bare = version('1.0.0', 'production');
    expect(beatProduction(gates, challenger({ auc: 0.9, rmse: 3 }), bare)[0].outcome).toBe('not-comparable');
  });
});
