/**
 * The model record, `models/<name>.yaml`: a hand-written spec on top and the
 * CLI-managed `versions` and `slots` below. These are the validated, typed
 * shapes; `src/registry/record-schema.ts` turns YAML into them.
 */

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

export interface ModelRecord {
  readonly name: string;
  readonly artifact: ArtifactSpec;
  readonly serving: ServingSpec;
  readonly gates: Gates;
  readonly deploy: DeploySpec;
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
