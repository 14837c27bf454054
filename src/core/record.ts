/**
 * The model record, `models/<name>.yaml`: a hand-written spec on top and the
 * CLI-managed `versions` and `slots` below. These are the validated, typed
 * shapes; `src/registry/record-schema.ts` turns YAML into them.
 */

import type { MonitoringSpec } from './monitoring-spec';
import type { RetrainingSpec } from './retraining-spec';
export type { DriftThresholds, MonitoringSpec } from './monitoring-spec';
export type { RetrainingSpec } from './retraining-spec';

export const STAGES = ['candidate', 'validated', 'rejected', 'production', 'retired'] as const;
export type Stage = (typeof STAGES)[number];

export const STRATEGIES = ['rolling', 'blue-green'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const SLOT_NAMES = ['blue', 'green'] as const;
export type SlotName = (typeof SLOT_NAMES)[number];

export interface ArtifactSpec {
  /** Image repository; the tag is the version. */
  readonly image: string;
  /** Absolute path of the artifact tree inside the model image. */
  readonly path: string;
}

export interface ResourceSpec {
  /** Kubernetes CPU quantity, e.g. `500m` or `2`. */
  readonly cpu: string;
  /** Kubernetes memory quantity, e.g. `1Gi` or `512Mi`. */
  readonly memory: string;
}

export interface ServingSpec {
  readonly image: string;
  readonly port: number;
  /** Mount point of the model volume in the serving container. */
  readonly modelDir: string;
  readonly replicas: number;
  readonly resources: ResourceSpec;
  readonly health: { readonly path: string };
  /** Extra environment for the serving process. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface Gates {
  readonly maxSizeMiB: number;
  readonly maxLatencyP95Ms: number;
}

export interface DeploySpec {
  readonly strategy: Strategy;
  readonly kubernetes?: { readonly namespace?: string };
  readonly nomad?: {
    readonly datacenters?: readonly string[];
    readonly namespace?: string;
    readonly region?: string;
    /** Name of a Nomad host volume to copy into instead of the alloc dir. */
    readonly hostVolume?: string;
  };
}

export interface VersionEntry {
  readonly version: string;
  readonly stage: Stage;
  /** Tree digest of the artifact, `sha256:<hex>`. */
  readonly digest?: string;
  readonly sizeBytes?: number;
  readonly latencyP50Ms?: number;
  readonly latencyP95Ms?: number;
  readonly latencyP99Ms?: number;
  /** Requests and errors of the latency measurement the figures come from. */
  readonly latencyRequests?: number;
  readonly latencyErrors?: number;
  readonly createdAt: string;
  /** When it last became `production`; rollback picks by these. */
  readonly promotedAt?: string;
  readonly retiredAt?: string;
  /** Why a version was rejected, as the gates said it. */
  readonly reason?: string;
}

export interface Slots {
  readonly active: SlotName;
  readonly blue: string | null;
  readonly green: string | null;
}

export interface ModelRecord {
  readonly name: string;
  readonly artifact: ArtifactSpec;
  readonly serving: ServingSpec;
  readonly gates: Gates;
  readonly deploy: DeploySpec;
  /** Columns and thresholds `modelship drift` compares. */
  readonly monitoring?: MonitoringSpec;
  /** A scheduled retraining job rendered next to the serving objects. */
  readonly retraining?: RetrainingSpec;
  readonly versions: readonly VersionEntry[];
  readonly slots?: Slots;
}

export function otherSlot(slot: SlotName): SlotName {
  return slot === 'blue' ? 'green' : 'blue';
}

export function findVersion(record: ModelRecord, version: string): VersionEntry | undefined {
  return record.versions.find((v) => v.version === version);
}

export function productionVersion(record: ModelRecord): VersionEntry | undefined {
  return record.versions.find((v) => v.stage === 'production');
}
