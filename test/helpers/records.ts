import type { ModelRecord, Provenance, VersionEntry } from '../../src/core/record';

export const T0 = '2026-11-01T10:00:00Z';
export const D1 = `sha256:${'1'.repeat(64)}`;
export const D2 = `sha256:${'2'.repeat(64)}`;
export const D3 = `sha256:${'3'.repeat(64)}`;

export const MEASURED_SIZE: Provenance = { kind: 'measured', at: T0, actor: 'test', command: 'measure --artifact' };
export const MEASURED_LATENCY: Provenance = { kind: 'measured', at: T0, actor: 'test', command: 'measure --endpoint' };

/**
 * A version with measured figures (size, and a p95 whose 95% interval is the
 * point itself unless a test gives one); override what a test is about.
 */
export function version(v: string, stage: VersionEntry['stage'], extra: Partial<VersionEntry> = {}): VersionEntry {
  const base: VersionEntry = { version: v, stage, digest: D1, sizeBytes: 100 * 1024 * 1024, latencyP95Ms: 20, createdAt: T0, ...extra };
  const p95 = base.latencyP95Ms;
  return {
    ...base,
    ...(p95 !== undefined && !('latencyP95LowMs' in extra) ? { latencyP95LowMs: p95 } : {}),
    ...(p95 !== undefined && !('latencyP95HighMs' in extra) ? { latencyP95HighMs: p95 } : {}),
    ...('provenance' in extra ? {} : { provenance: { size: MEASURED_SIZE, latency: MEASURED_LATENCY } }),
  };
}

/** A complete record for unit tests; override what a test is about. */
export function record(overrides: Partial<ModelRecord> = {}): ModelRecord {
  return {
    name: 'taxi-fare',
    artifact: { image: 'registry.example.com/models/taxi-fare', path: '/model' },
    serving: {
      image: 'registry.example.com/apps/fare-api:2.3.1', port: 8080, modelDir: '/models', replicas: 3,
      resources: { cpu: '500m', memory: '1Gi' }, health: { path: '/healthz' },
    },
    gates: { maxSizeMiB: 512, maxLatencyP95Ms: 50 },
    deploy: { strategy: 'rolling', kubernetes: { namespace: 'ml-serving' }, nomad: { datacenters: ['dc1'] } },
    versions: [],
    ...overrides,
  };
}

export function blueGreen(overrides: Partial<ModelRecord> = {}): ModelRecord {
  return record({ name: 'fraud-detector', deploy: { strategy: 'blue-green', kubernetes: { namespace: 'ml-serving' } }, ...overrides });
}
