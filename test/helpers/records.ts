import type { ModelRecord, VersionEntry } from '../../src/core/record';

export const T0 = '2026-11-01T10:00:00Z';
export const D1 = `sha256:${'1'.repeat(64)}`;
export const D2 = `sha256:${'2'.repeat(64)}`;
export const D3 = `sha256:${'3'.repeat(64)}`;

export function version(v: string, stage: VersionEntry['stage'], extra: Partial<VersionEntry> = {}): VersionEntry {
  return { version: v, stage, digest: D1, sizeBytes: 100 * 1024 * 1024, latencyP95Ms: 20, createdAt: T0, ...extra };
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
