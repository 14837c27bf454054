import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { cli, initModel, snapshotDir, tempDir } from '../helpers/cli';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const AT = '2026-11-01T00:00:00Z';
const measured = (command: string) => ({ kind: 'measured', at: AT, actor: 'ci', command });

/** A version as `measure` leaves it: measured size, a p95 with its interval, optional metrics. */
function measuredVersion(version: string, stage: string, o: { p95?: [number, number, number]; metrics?: Record<string, number>; dataset?: string } = {}) {
  const [p95, low, high] = o.p95 ?? [20, 18, 22];
  return {
    version, stage, createdAt: AT, digest: D1, sizeBytes: 1000, latencyP95Ms: p95, latencyP95LowMs: low, latencyP95HighMs: high, latencyRequests: 200,
    ...(o.metrics ? { metrics: o.metrics, datasetDigest: o.dataset ?? D2 } : {}),
    provenance: {
      size: measured('measure --artifact'), latency: measured('measure --endpoint'),
      ...(o.metrics ? { metrics: measured('measure --metrics') } : {}),
    },
  };
}

async function setUp(gates: Record<string, unknown>, versions: unknown[]): Promise<string> {
  const dir = path.join(tempDir(), 'models');
  await initModel(dir, 'taxi', 'rolling');
  const file = path.join(dir, 'taxi.yaml');
  const rec = parse(fs.readFileSync(file, 'utf8'));
  fs.writeFileSync(file, stringify({ ...rec, gates: { ...rec.gates, ...gates }, versions }));
  return dir;
}

const stageOf = (dir: string, v: string) => parse(fs.readFileSync(path.join(dir, 'taxi.yaml'), 'utf8')).versions.find((x: { version: string }) => x.version === v).stage;
const validate = async (dir: string, v: string) => await cli(['validate', 'taxi', v, '--models-dir', dir]);

describe('validate', () => {
  it('passes when the p95 interval is within the gate, naming every verdict', async () => {
    const dir = await setUp({}, [measuredVersion('1.0.0', 'candidate', { p95: [40, 35, 49] })]);
    const r = await validate(dir, '1.0.0');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([
      'taxi 1.0.0 validated',
      '  maxSizeMiB: pass: size 0.0 MiB within maxSizeMiB 100',
      '  maxLatencyP95Ms: pass: p95 latency 40 ms (95% CI 35-49 ms) within maxLatencyP95Ms 50', '',
    ].join('\n'));
    expect(stageOf(dir, '1.0.0')).toBe('validated');
  });

  it('an interval straddling the gate is inconclusive: exit 1, stage unchanged, how many more requests', async () => {
    const dir = await setUp({}, [measuredVersion('1.0.0', 'candidate', { p95: [45, 40, 55] })]);
    const before = snapshotDir(dir);
    const r = await validate(dir, '1.0.0');
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe('modelship: taxi 1.0.0 is inconclusive: p95 latency 45 ms: its 95% CI 40-55 ms straddles maxLatencyP95Ms 50; '
      + 'about 600 more requests (measure --endpoint --requests 800) would settle it more often than not; stage unchanged (candidate)');
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('rejects only when the whole interval is over the gate', async () => {
    const dir = await setUp({}, [measuredVersion('1.0.0', 'candidate', { p95: [60, 52, 70] })]);
    const r = await validate(dir, '1.0.0');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^modelship: taxi 1\.0\.0 rejected: p95 latency 60 ms exceeds maxLatencyP95Ms 50 by 10 ms \(20\.0%\); even the 95% CI 52-70 ms is over it/);
    expect(stageOf(dir, '1.0.0')).toBe('rejected');
  });

  describe('quality gates', () => {
    const gates = { metrics: { auc: { min: 0.85 }, rmse: { max: 4.2 } } };

    it('pass', async () => {
      const dir = await setUp(gates, [measuredVersion('1.0.0', 'candidate', { metrics: { auc: 0.91, rmse: 3.9 } })]);
      const r = await validate(dir, '1.0.0');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('  metrics.auc: pass: auc 0.91 within metrics.auc (>= 0.85)');
      expect(r.stdout).toContain('  metrics.rmse: pass: rmse 3.9 within metrics.rmse (<= 4.2)');
    });

    it('fail: rejected, naming the metric and by how much', async () => {
      const dir = await setUp(gates, [measuredVersion('1.0.0', 'candidate', { metrics: { auc: 0.8, rmse: 3.9 } })]);
      const r = await validate(dir, '1.0.0');
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toBe('modelship: taxi 1.0.0 rejected: auc 0.8 is below metrics.auc.min 0.85 by 0.05');
      expect(stageOf(dir, '1.0.0')).toBe('rejected');
    });

    it('no metrics measured: refused, stage unchanged', async () => {
      const dir = await setUp(gates, [measuredVersion('1.0.0', 'candidate')]);
      const r = await validate(dir, '1.0.0');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/metrics\.auc: no auc recorded \(run modelship measure --metrics FILE --dataset PATH\)/);
      expect(stageOf(dir, '1.0.0')).toBe('candidate');
    });
  });

  describe('champion/challenger', () => {
    const gates = { beatProduction: { auc: 'higher' } };
    const live = (auc: number, dataset = D2) => measuredVersion('1.0.0', 'production', { metrics: { auc }, dataset });

    it('passes when the candidate beats production on the same dataset, saying by how much', async () => {
      const dir = await setUp(gates, [live(0.88), measuredVersion('1.1.0', 'candidate', { metrics: { auc: 0.9 } })]);
      const r = await validate(dir, '1.1.0');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("  beatProduction.auc: pass: auc 0.9 beats by 0.02 production 1.0.0's 0.88 (higher is better)");
    });

    it('rejects a candidate worse than production', async () => {
      const dir = await setUp(gates, [live(0.92), measuredVersion('1.1.0', 'candidate', { metrics: { auc: 0.9 } })]);
      const r = await validate(dir, '1.1.0');
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toBe("modelship: taxi 1.1.0 rejected: auc 0.9 trails by 0.02 production 1.0.0's 0.92 (higher is better)");
      expect(stageOf(dir, '1.1.0')).toBe('rejected');
    });

    it('refuses metrics from a different dataset as not comparable: exit 1, nothing recorded', async () => {
      const other = `sha256:${'9'.repeat(64)}`;
      const dir = await setUp(gates, [live(0.5, other), measuredVersion('1.1.0', 'candidate', { metrics: { auc: 0.9 } })]);
      const before = snapshotDir(dir);
      const r = await validate(dir, '1.1.0');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`beatProduction\\.auc: not comparable: 1\\.1\\.0 was evaluated on ${D2}, production 1\\.0\\.0 on ${other}`));
      expect(snapshotDir(dir)).toEqual(before);
    });

    it('with no production version yet it passes and says so', async () => {
      const dir = await setUp(gates, [measuredVersion('1.0.0', 'candidate', { metrics: { auc: 0.6 } })]);
      const r = await validate(dir, '1.0.0');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('  beatProduction: pass: no production version yet: nothing to beat');
    });
  });

  describe('declared figures', () => {
    it('a declared latency validates, but production refuses it unless gates.acceptDeclared', async () => {
      const v = { ...measuredVersion('1.0.0', 'candidate'), latencyP95LowMs: undefined, latencyP95HighMs: undefined };
      delete (v as Record<string, unknown>).latencyP95Ms;
      delete (v.provenance as Record<string, unknown>).latency;
      const dir = await setUp({}, [JSON.parse(JSON.stringify(v))]);
      const r = await cli(['validate', 'taxi', '1.0.0', '--declared-latency-p95-ms', '12', '--models-dir', dir]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('  maxLatencyP95Ms: pass: p95 latency (declared) 12 ms within maxLatencyP95Ms 50');
      expect(r.stdout).toContain('note: it has declared figures; production refuses them unless gates.acceptDeclared is true');
      const rec = parse(fs.readFileSync(path.join(dir, 'taxi.yaml'), 'utf8'));
      expect(rec.versions[0].provenance.latency).toEqual({
        kind: 'declared', at: expect.any(String), actor: 'test-suite', source: 'typed: validate --declared-latency-p95-ms',
      });
      const refused = await cli(['promote', 'taxi', '1.0.0', '--models-dir', dir]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe('modelship: taxi 1.0.0 cannot reach production: production takes measured figures only, and the latency is declared (set gates.acceptDeclared: true to allow it)\n');
      const file = path.join(dir, 'taxi.yaml');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^gates:\n/m, 'gates:\n  acceptDeclared: true\n'));
      expect((await cli(['promote', 'taxi', '1.0.0', '--models-dir', dir])).code).toBe(0);
      expect((await cli(['status', 'taxi', '--models-dir', dir])).stdout).toMatch(/ 12\/50 ✔ \*\n[\s\S]*^\* declared: typed or imported, not measured by modelship$/m);
      expect((await cli(['history', 'taxi', '--models-dir', dir])).stdout).toMatch(/declare .*declared=typed: validate --declared-latency-p95-ms/);
    });
  });
});
