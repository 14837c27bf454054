/**
 * The model record, `models/<name>.yaml`: a hand-written spec on top and the
 * CLI-managed `versions` and `slots` below. These are the validated, typed
 * shapes; `src/registry/record-schema.ts` turns YAML into them.
 */

import type { SecretEnv } from './secret-env';
import type { VersionOrigin } from './version-origin';
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
  /** Production storage: the image repository; the tag is the version. */
  readonly image: string;
  /**
   * Release-candidate storage: the repository candidates are pushed to;
   * `promote` copies a version from here to `image`.
   * @default - none: one repository for both
   */
  readonly candidateImage?: string;
  /** Absolute path of the artifact tree inside the model image. */
  readonly path: string;
}

export const GPU_VENDORS = ['nvidia', 'amd', 'intel'] as const;
export type GpuVendor = (typeof GPU_VENDORS)[number];

export interface GpuSpec {
  /** Whole devices per replica. */
  readonly count: number;
  /** Whose device plugin serves them. @default "nvidia" */
  readonly vendor?: GpuVendor;
}

export interface ResourceSpec {
  /** Kubernetes CPU quantity, e.g. `500m` or `2`. */
  readonly cpu: string;
  /** Kubernetes memory quantity, e.g. `1Gi` or `512Mi`. */
  readonly memory: string;
  /** Accelerators per replica. @default - none */
  readonly gpu?: GpuSpec;
}

export interface AutoscalingSpec {
  /** Fewest replicas. */
  readonly min: number;
  /** Most replicas. */
  readonly max: number;
  /** Average CPU use, as a share of the request, that the autoscaler holds. */
  readonly targetCpuPercent: number;
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
  /** Environment whose values a Kubernetes Secret / a Nomad variable holds. @default - none */
  readonly secretEnv?: SecretEnv;
  /** The server's entrypoint, replacing the image's. @default - the image's */
  readonly command?: readonly string[];
  /** The server's arguments. @default - the image's */
  readonly args?: readonly string[];
  /** Port the Kubernetes Service listens on. @default 80 */
  readonly servicePort?: number;
  /** The autoscaler owns the replica count of the live deployment. @default - a fixed `replicas` */
  readonly autoscaling?: AutoscalingSpec;
}

/** A bound on one evaluation metric, e.g. `auc: { min: 0.85 }` or `rmse: { max: 4.2 }`. */
export interface MetricBound {
  readonly min?: number;
  readonly max?: number;
}

/** Which way a metric is better, for champion/challenger. */
export type MetricDirection = 'higher' | 'lower';

/**
 * `higher` / `lower`, or with a tolerance: the candidate may trail production
 * by up to `tolerance` (in the metric's own units) and still pass.
 */
export type BeatRule = MetricDirection | { readonly direction: MetricDirection; readonly tolerance?: number };

export interface Gates {
  readonly maxSizeMiB: number;
  readonly maxLatencyP95Ms: number;
  /** Quality gates on the metrics of `measure --metrics`. @default - none */
  readonly metrics?: Readonly<Record<string, MetricBound>>;
  /** Champion/challenger: metrics the candidate must beat production on, on the same dataset. @default - none */
  readonly beatProduction?: Readonly<Record<string, BeatRule>>;
  /** Let declared (typed or imported) figures reach production. @default false */
  readonly acceptDeclared?: boolean;
}

export const TOLERATION_OPERATORS = ['Equal', 'Exists'] as const;
export const TOLERATION_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
export const NODE_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'] as const;

export interface Toleration {
  readonly key?: string;
  /** @default "Equal" */
  readonly operator?: (typeof TOLERATION_OPERATORS)[number];
  readonly value?: string;
  /** @default - every effect */
  readonly effect?: (typeof TOLERATION_EFFECTS)[number];
}

/** One node-label expression, as in a Kubernetes nodeSelectorTerm. */
export interface NodeExpression {
  readonly key: string;
  readonly operator: (typeof NODE_OPERATORS)[number];
  readonly values?: readonly string[];
}

export interface NodeAffinitySpec {
  /** Every expression must hold for a node to be used. */
  readonly required?: readonly NodeExpression[];
  /** Nodes matching these are preferred, by weight (1..100). */
  readonly preferred?: readonly (NodeExpression & { readonly weight: number })[];
}

export interface KubernetesDeploySpec {
  readonly namespace?: string;
  /** Secrets in the namespace with registry credentials for the model and server images. */
  readonly imagePullSecrets?: readonly string[];
  /**
   * The serving pods' ServiceAccount, for a cloud workload identity (EKS IRSA or Pod
   * Identity, GKE Workload Identity, Azure Workload Identity) to read features or models
   * with; its Kubernetes API token is still not mounted. @default - the namespace's default
   */
  readonly serviceAccountName?: string;
  /** The training pods' ServiceAccount (writing to the registry and object store): one of their own. @default - the namespace's default */
  readonly retrainingServiceAccountName?: string;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly Toleration[];
  readonly affinity?: NodeAffinitySpec;
  readonly priorityClassName?: string;
  /** Extra labels on every object and pod. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Extra annotations on every object and pod. */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Operators a Nomad `affinity` takes; a `constraint` takes these and the ones below. */
export const NOMAD_AFFINITY_OPERATORS = ['=', '!=', '>', '>=', '<', '<=', 'regexp', 'set_contains_all', 'set_contains_any', 'version', 'semver'] as const;
export const NOMAD_CONSTRAINT_OPERATORS = [...NOMAD_AFFINITY_OPERATORS, 'set_contains', 'is_set', 'is_not_set', 'distinct_hosts', 'distinct_property'] as const;

/** A Nomad `constraint`: placement only where it holds. */
export interface NomadConstraint {
  /** e.g. `${attr.kernel.name}` or `${meta.gpu}`. */
  readonly attribute?: string;
  /** @default "=" */
  readonly operator?: (typeof NOMAD_CONSTRAINT_OPERATORS)[number];
  readonly value?: string;
}

/** A Nomad `affinity`: placement preferred (weight > 0) or avoided (< 0). */
export interface NomadAffinity {
  readonly attribute: string;
  /** @default "=" */
  readonly operator?: (typeof NOMAD_AFFINITY_OPERATORS)[number];
  readonly value: string;
  /** -100..100, not 0. @default 50 */
  readonly weight?: number;
}

export interface NomadDeploySpec {
  readonly datacenters?: readonly string[];
  readonly namespace?: string;
  readonly region?: string;
  /** Name of a Nomad host volume to copy into instead of the alloc dir. */
  readonly hostVolume?: string;
  readonly constraints?: readonly NomadConstraint[];
  readonly affinities?: readonly NomadAffinity[];
}

export interface BlueGreenSpec {
  /**
   * Replicas of the slot that holds a retired version after a switch. Fewer
   * save capacity; a rollback then starts at that size.
   * @default serving.replicas (a rollback is instant at full capacity)
   */
  readonly idleReplicas?: number;
}

export interface DeploySpec {
  readonly strategy: Strategy;
  readonly kubernetes?: KubernetesDeploySpec;
  readonly nomad?: NomadDeploySpec;
  readonly blueGreen?: BlueGreenSpec;
}

export interface VersionEntry {
  readonly version: string;
  readonly stage: Stage;
  /** Tree digest of the artifact, `sha256:<hex>`. */
  readonly digest?: string;
  /**
   * Where the version's image is, pinned to its manifest digest:
   * `<repository>:<version>@sha256:<hex>`. Set by `measure --image` (the
   * candidate repository) and moved to the production repository by `promote`.
   */
  readonly image?: string;
  readonly sizeBytes?: number;
  readonly latencyP50Ms?: number;
  readonly latencyP95Ms?: number;
  readonly latencyP99Ms?: number;
  /** Requests and errors of the latency measurement the figures come from. */
  readonly latencyRequests?: number;
  readonly latencyErrors?: number;
  /**
   * Distribution-free 95% confidence interval of the p95, from order statistics
   * of the measured sample; absent for a declared latency.
   */
  readonly latencyP95LowMs?: number;
  readonly latencyP95HighMs?: number;
  /** Evaluation metrics from `measure --metrics`, e.g. `{ auc: 0.91 }`. */
  readonly metrics?: Readonly<Record<string, number>>;
  /** Digest of the evaluation set the metrics were computed on. */
  readonly datasetDigest?: string;
  /** How each group of figures was obtained. */
  readonly provenance?: FigureProvenance;
  /** Where it came from (a commit, a training run), as `bump --origin` was told. @default - not said */
  readonly origin?: VersionOrigin;
  readonly createdAt: string;
  /** When it last became `production`; rollback picks by these. */
  readonly promotedAt?: string;
  readonly retiredAt?: string;
  /** Why a version was rejected, as the gates said it. */
  readonly reason?: string;
}

/**
 * `measured`: modelship measured it (`command`, `at`, and the method: for
 * latency the URL's host and path, requests, concurrency, warmup, errors; for
 * size the digest it belongs to). `declared`: a person typed it or imported
 * someone else's report (`actor`, `source`).
 */
export interface Provenance {
  readonly kind: 'measured' | 'declared';
  readonly at: string;
  /** Who ran the command or declared the figure. */
  readonly actor: string;
  /** measured: the modelship command that measured it. */
  readonly command?: string;
  /** declared: where the figure comes from (`typed`, `k6 summary-export FILE`, `vegeta report FILE`). */
  readonly source?: string;
  readonly method?: Readonly<Record<string, string | number>>;
}

export interface FigureProvenance {
  /** Size and digest, together. */
  readonly size?: Provenance;
  readonly latency?: Provenance;
  readonly metrics?: Provenance;
}

export interface Slots {
  readonly active: SlotName;
  readonly blue: string | null;
  readonly green: string | null;
}

/**
 * One environment a version passes through on its way to production, e.g.
 * `dev`, `int`, `prod`. Its settings override the record's for this stand only.
 */
export interface StandSpec {
  /** DNS label; also the stand's folder under `dist/` and its implicit alias. */
  readonly name: string;
  /** Merged over `deploy.kubernetes`, field by field. @default - the record's */
  readonly kubernetes?: KubernetesDeploySpec;
  /** Merged over `deploy.nomad`, field by field. @default - the record's */
  readonly nomad?: NomadDeploySpec;
  /** @default serving.replicas */
  readonly replicas?: number;
  /** @default serving.resources */
  readonly resources?: ResourceSpec;
  /** @default serving.autoscaling */
  readonly autoscaling?: AutoscalingSpec;
}

export const STAND_STAGES = ['production', 'retired'] as const;

/** A version's place in a stand other than the last: live there now, or live there before. */
export interface StandVersion {
  readonly version: string;
  readonly stage: (typeof STAND_STAGES)[number];
  readonly promotedAt?: string;
  readonly retiredAt?: string;
}

/** The CLI-managed state of a stand other than the last (the last one's is `versions[].stage` and `slots`). */
export interface StandState {
  readonly versions: readonly StandVersion[];
  readonly slots?: Slots;
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
  /**
   * The stands a version goes through, in order; the last is production, whose
   * state stays in `versions[].stage` and `slots`.
   * @default - one implicit stand, production
   */
  readonly stands?: readonly StandSpec[];
  readonly versions: readonly VersionEntry[];
  readonly slots?: Slots;
  /** CLI-managed: each stand but the last, by name. */
  readonly standStates?: Readonly<Record<string, StandState>>;
  /** CLI-managed: named pointers to versions, e.g. `champion: 1.4.0`. */
  readonly aliases?: Readonly<Record<string, string>>;
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
