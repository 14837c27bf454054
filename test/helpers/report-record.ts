import type { ModelRecord } from '../../src/core/record';

export const MIB = 1024 * 1024;

/** A small rolling record with a retired, a live and a waiting version: what the report and status read. */
export function reportRecord(over: Partial<ModelRecord> = {}): ModelRecord {
  return {
    name: 'm', artifact: { image: 'r/m', path: '/model' },
    serving: { image: 's:1', port: 8080, modelDir: '/models', replicas: 1, resources: { cpu: '1', memory: '1Gi' }, health: { path: '/h' } },
    gates: { maxSizeMiB: 100, maxLatencyP95Ms: 50 }, deploy: { strategy: 'rolling' },
    versions: [
      { version: '1.10.0', stage: 'validated', createdAt: 't3', sizeBytes: 90 * MIB, latencyP95Ms: 40 },
      { version: '1.2.0', stage: 'production', createdAt: 't2', sizeBytes: 60 * MIB, latencyP95Ms: 30, promotedAt: '2026-01-02T00:00:00Z' },
      { version: '1.0.0', stage: 'retired', createdAt: 't1', sizeBytes: 50 * MIB, promotedAt: '2026-01-01T00:00:00Z', retiredAt: '2026-01-02T00:00:00Z' },
    ],
    ...over,
  };
}
