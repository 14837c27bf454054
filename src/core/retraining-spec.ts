import type { ResourceSpec } from './record';
import type { SecretEnv } from './secret-env';

/**
 * The record's optional `retraining` block: a training image run on a
 * schedule (a Kubernetes CronJob, a Nomad periodic batch job). The job gets
 * the environment contract of `retrainingEnvironment`.
 */
export interface RetrainingSpec {
  /** Five-field cron expression, e.g. `0 3 * * 1` (Mondays 03:00), in UTC. */
  readonly schedule: string;
  /** The training image, with a tag or digest. */
  readonly image: string;
  /** Entrypoint override. @default - the image's own */
  readonly command?: readonly string[];
  /** Arguments. @default - the image's own */
  readonly args?: readonly string[];
  /** Extra environment; the contract variables win over these. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** Environment whose values a Kubernetes Secret / a Nomad variable holds (credentials). @default {} */
  readonly secretEnv?: SecretEnv;
  /** Requests = limits of the training container. @default { cpu: "1", memory: "2Gi" } */
  readonly resources?: ResourceSpec;
  /** Where the training data lives, exported as `MODELSHIP_DATASET_<NAME>`. @default {} */
  readonly datasets?: Readonly<Record<string, string>>;
  /**
   * Documents that a `modelship drift` exit 1 also triggers this job (the
   * scheduler does it: `kubectl create job --from=cronjob/...`, `nomad job periodic force`).
   * @default false
   */
  readonly onDrift?: boolean;
  /**
   * The environment contract as the whole record gives it, on a stand's deployment view
   * (`standDeployment`), whose versions are only those that run in the stand: the next
   * version must count every version cut. Never read from a record file.
   * @default - computed from the record that holds this block
   */
  readonly contract?: Readonly<Record<string, string>>;
}

export const DEFAULT_RETRAINING_RESOURCES: ResourceSpec = { cpu: '1', memory: '2Gi' };
