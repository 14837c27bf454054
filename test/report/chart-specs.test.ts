import { latencyChartSpec, metricChartSpec, sizeChartSpec } from '../../src/report/chart-specs';
import type { VersionFigures } from '../../src/report/figures';
import { renderSvg } from '../../src/report/render-svg';

/** `n` versions, every fifth over its size gate (600 MiB against 512) and p95 gate (80 ms against 50). */
const versions = (n: number): VersionFigures[] => Array.from({ length: n }, (_, i) => ({
  version: `1.${i}.0`, stage: 'retired', createdAt: '2026-01-01T00:00:00Z',
  sizeMiB: i % 5 === 0 ? 600 : 400, p95Ms: i % 5 === 0 ? 80 : 20, metrics: { auc: 0.9 }, provenance: {},
}));

type Layer = { mark: { type: string }; data: { values: unknown[] }; encoding: { x?: { axis?: Record<string, unknown> } } };
const layers = (spec: unknown) => (spec as { layer: Layer[] }).layer;
const textLabels = (spec: unknown) => layers(spec).filter((l) => l.mark.type === 'text' && l.encoding.x).flatMap((l) => l.data.values);

describe('charts of many versions stay readable', () => {
  it('up to 24 versions: every bar and p95 labelled, labels slanted', () => {
    const few = versions(24);
    expect(textLabels(sizeChartSpec(few, 512))).toHaveLength(24);
    expect(textLabels(latencyChartSpec(few, 50))).toHaveLength(24);
    expect(textLabels(metricChartSpec('auc', few))).toHaveLength(24);
    expect(layers(sizeChartSpec(few, 512))[0].encoding.x?.axis).toEqual({ labelAngle: -30 });
  });

  it('beyond: upright axis labels that hide when they collide, and labels only on what is outside its gate', async () => {
    const many = versions(70);
    expect(layers(sizeChartSpec(many, 512))[0].encoding.x?.axis).toEqual({ labelAngle: -90, labelOverlap: 'parity' });
    expect(textLabels(sizeChartSpec(many, 512))).toHaveLength(14);
    expect(textLabels(latencyChartSpec(many, 50))).toHaveLength(14);
    expect(textLabels(metricChartSpec('auc', many))).toHaveLength(0);
    // Drawn: vega hides colliding axis labels (opacity 0); the ones shown are at least a label's height apart.
    const svg = await renderSvg(sizeChartSpec(many, 512));
    const shown = [...svg.matchAll(/<text[^>]*translate\(([\d.]+),[\d.]+\) rotate\(270\)[^>]*opacity="1"[^>]*>1\.\d+\.0<\/text>/g)].map((m) => Number(m[1]));
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.length).toBeLessThan(70);
    for (let i = 1; i < shown.length; i++) expect(shown[i] - shown[i - 1]).toBeGreaterThanOrEqual(11);
  });
});
