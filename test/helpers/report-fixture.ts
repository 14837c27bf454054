import * as fs from 'node:fs';
import * as path from 'node:path';
import { exampleModelsDir } from './cli';

/**
 * The example models plus history a newer modelship writes: a measure event
 * with a p95 interval and quality metrics, metric gates, drift events and an action it does not know, so
 * every kind of chart has something to draw.
 */
export function richModelsDir(): string {
  const dir = exampleModelsDir();
  // Quality gates as the record states them: a ceiling on rmse, a floor on r2.
  const record = path.join(dir, 'taxi-fare.yaml');
  const text = fs.readFileSync(record, 'utf8');
  fs.writeFileSync(record, text.replace(/^(gates:\n)/m, '$1  metrics: { rmse: { max: 4.5 }, r2: { min: 0.8 } }\n'));
  const event = (at: string, action: string, version: string, details: object) =>
    JSON.stringify({ at, actor: 'test-suite', action, version, from: null, to: null, details }) + '\n';
  fs.appendFileSync(path.join(dir, 'taxi-fare.history.jsonl'), [
    event('2026-11-23T10:00:00Z', 'measure', '1.0.0', { latencyP50Ms: 20.1, latencyP95Ms: 38.2, latencyP99Ms: 51, latencyP95CiMs: [35.9, 40.4], metrics: { rmse: 4.1, r2: 0.83 } }),
    event('2026-11-23T10:01:00Z', 'measure', '1.1.0', { latencyP50Ms: 17.5, latencyP95Ms: 31.5, latencyP99Ms: 44.2, latencyP95CiMs: { low: 30.2, high: 33.1 }, metrics: { rmse: { value: 3.9 }, r2: 0.86 } }),
    event('2026-11-23T10:02:00Z', 'measure', '1.2.0-rc.1', { latencyP50Ms: 16, latencyP95Ms: 29.8, latencyP99Ms: 40, metrics: { rmse: 4.9, r2: 0.79 } }),
    // As `modelship drift` records them.
    event('2026-11-23T11:00:00Z', 'drift', '1.1.0', {
      drifted: false, referenceRows: 5000, currentRows: 800, thresholds: { psi: 0.2, ksPValue: 0.01, chiSquarePValue: 0.01 },
      numeric: [{ column: 'distance_km', psi: 0.04, ksStatistic: 0.03, ksPValue: 0.4, referenceValues: 5000, drifted: false }],
      categorical: [{ column: 'payment', chiSquare: 1.2, degreesOfFreedom: 2, pValue: 0.55, categories: 3, newCategories: [], drifted: false }],
      meanGap: { label: 'fare', prediction: 'predicted_fare', gap: 0.4, threshold: 1.1, drifted: false },
    }),
    event('2026-11-23T12:00:00Z', 'drift', '1.1.0', {
      drifted: true, referenceRows: 5000, currentRows: 900, thresholds: { psi: 0.2, ksPValue: 0.01, chiSquarePValue: 0.01 },
      numeric: [{ column: 'distance_km', psi: 0.27, ksStatistic: 0.12, ksPValue: 0.001, referenceValues: 5000, drifted: true }],
      categorical: [{ column: 'payment', chiSquare: 3.1, degreesOfFreedom: 2, pValue: 0.21, categories: 3, newCategories: [], drifted: false }],
      meanGap: { label: 'fare', prediction: 'predicted_fare', gap: 1.6, threshold: 1.1, drifted: true },
    }),
    // Some other tool's drift figures, in a shape the report does not know.
    event('2026-11-23T12:10:00Z', 'drift', '1.1.0', { features: { passengers: { psi: 0.03 } }, rows: 10 }),
    event('2026-11-23T12:30:00Z', 'some-future-action', '1.1.0', { nested: { whatever: [1, 2] } }),
  ].join(''));
  return dir;
}
