import { isModelshipError } from '../../src/core/errors';
import { bump, Outcome, promote, recordFigures, rollback, switchSlots, validate } from '../../src/core/lifecycle';
import type { ModelRecord } from '../../src/core/record';
import { recordRuleViolations } from '../../src/core/record-rules';
import { blueGreen, D1, MEASURED_LATENCY, MEASURED_SIZE, record } from '../helpers/records';

/** A small deterministic PRNG, so a failing sequence can be replayed from its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const RELEASES = ['major', 'minor', 'patch', 'prerelease'] as const;

/**
 * Long random sequences of every command: each step either succeeds with a
 * record that keeps every rule, or is refused as bad input or by policy. An
 * internal error (a rule the lifecycle itself broke) fails the test.
 */
describe.each([['rolling', record], ['blue-green', blueGreen]] as const)('random command sequences on a %s model', (_s, make) => {
  it.each(Array.from({ length: 20 }, (_, i) => i + 1))('seed %i', (seed) => {
    const next = rng(seed);
    let r: ModelRecord = make({ versions: [] });
    let t = 0;
    const now = () => new Date(Date.UTC(2026, 10, 1) + ++t * 1000).toISOString().replace('.000Z', 'Z');
    // Half the time a version in a slot or the newest: where the interesting transitions are.
    const pick = () => {
      if (!r.versions.length) return '0.0.0';
      const inSlots = [r.slots?.blue, r.slots?.green].filter((v): v is string => !!v);
      const roll = next();
      if (roll < 0.3 && inSlots.length) return inSlots[Math.floor(next() * inSlots.length)];
      if (roll < 0.5) return r.versions[r.versions.length - 1].version;
      return r.versions[Math.floor(next() * r.versions.length)].version;
    };
    const names = ['bump', 'validate', 'promote', 'switch', 'rollback', 'figures'] as const;
    const succeeded: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
    // Usually a version in the stage the command takes, so sequences get somewhere; sometimes any.
    const pickIn = (stage: string) => {
      const fit = r.versions.filter((v) => v.stage === stage);
      return fit.length && next() < 0.6 ? fit[Math.floor(next() * fit.length)].version : pick();
    };
    const steps: Array<() => Outcome> = [
      () => {
        const release = RELEASES[Math.floor(next() * RELEASES.length)];
        return bump(r, release, { now: now(), preid: release.startsWith('pre') ? 'rc' : undefined, digest: D1 });
      },
      () => {
        const v = pickIn('candidate');
        const p95 = next() * 80;
        const sized = recordFigures(r, v, { group: 'size', figures: { sizeBytes: Math.floor(next() * 1024 ** 3), digest: D1 }, provenance: MEASURED_SIZE }, now()).record;
        const timed = recordFigures(sized, v, {
          group: 'latency', figures: { latencyP95Ms: p95, latencyP95LowMs: p95 * (1 - next() / 4), latencyP95HighMs: p95 * (1 + next() / 4) }, provenance: MEASURED_LATENCY,
        }, now()).record;
        return validate(timed, v, { now: now() });
      },
      () => promote(r, pickIn('validated'), now()),
      () => switchSlots(r, now()),
      () => rollback(r, now()),
      () => {
        const p95 = next() * 60;
        return recordFigures(r, pick(), { group: 'latency', figures: { latencyP95Ms: p95, latencyP95LowMs: p95, latencyP95HighMs: p95 }, provenance: MEASURED_LATENCY }, now());
      },
    ];
    for (let i = 0; i < 200; i++) {
      const k = Math.floor(next() * steps.length);
      try {
        const out = steps[k]();
        r = out.record;
        if (!out.refusal) succeeded[names[k]] += 1;
      } catch (e) {
        if (!isModelshipError(e)) throw new Error(`seed ${seed}, step ${i}: ${(e as Error).message}`);
      }
      expect(recordRuleViolations(r)).toEqual([]);
      expect(r.versions.filter((v) => v.stage === 'production').length).toBeLessThanOrEqual(1);
      for (const v of r.versions) {
        if (v.stage === 'production') expect(v.reason).toBeUndefined();
      }
    }
    // Rules kept by refusing everything would prove nothing: the sequence really moved versions.
    expect(succeeded.bump).toBeGreaterThan(5);
    expect(succeeded.validate).toBeGreaterThan(2);
    expect(succeeded.promote).toBeGreaterThan(1);
    if (_s === 'blue-green') expect(succeeded.switch).toBeGreaterThan(0);
  });
});
