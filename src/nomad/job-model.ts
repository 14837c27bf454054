/**
 * The part of Nomad's job we generate, named and shaped as Nomad's API names it
 * (`api.Job` and friends), so that the JSON job format is this structure as is.
 * Durations are nanoseconds, as the API takes them; the HCL renderer turns them
 * back into `10s` and `5m`.
 */
export interface NomadJob {
  ID: string;
  Name: string;
  Type: 'service';
  Region?: string;
  Namespace?: string;
  Datacenters: string[];
  Constraints?: Constraint[];
  Affinities?: Affinity[];
  Meta: Record<string, string>;
  TaskGroups: TaskGroup[];
}

export interface Constraint {
  LTarget?: string;
  RTarget?: string;
  Operand: string;
}

export interface Affinity {
  LTarget: string;
  RTarget: string;
  Operand: string;
  Weight: number;
}

/**
 * The Nomad Autoscaler's target-value policy on average CPU, in the shape
 * Nomad's parser gives an HCL `policy` block (blocks become lists).
 */
export interface CpuTargetPolicy {
  check: [{ cpu: [{ source: 'nomad-apm'; query: 'avg_cpu-allocated'; strategy: [{ 'target-value': [{ target: number }] }] }] }];
}

export interface ScalingPolicy {
  /** A group's scaling block is horizontal; the jobspec implies it, the API wants it said. */
  Type: 'horizontal';
  Min: number;
  Max: number;
  Enabled: boolean;
  Policy: CpuTargetPolicy;
}

export interface RequestedDevice {
  /** `<vendor>/<type>`, e.g. `nvidia/gpu`. */
  Name: string;
  Count: number;
}

export interface TaskGroup {
  Name: string;
  Count: number;
  /** The autoscaler owns Count between Min and Max. */
  Scaling?: ScalingPolicy;
  /** Merged into every task's meta: only what never changes for this group, or every change restarts it. */
  Meta?: Record<string, string>;
  Constraints?: Constraint[];
  Affinities?: Affinity[];
  Networks: NetworkResource[];
  Volumes?: Record<string, VolumeRequest>;
  RestartPolicy: RestartPolicy;
  ReschedulePolicy: ReschedulePolicy;
  EphemeralDisk: EphemeralDisk;
  Update: UpdateStrategy;
  Tasks: Task[];
}

export interface NetworkResource {
  DynamicPorts: Port[];
}

export interface Port {
  Label: string;
  To: number;
}

export interface Service {
  Name: string;
  PortLabel: string;
  Provider: 'nomad' | 'consul';
  Tags: string[];
  CanaryTags?: string[];
  Checks: ServiceCheck[];
}

export interface ServiceCheck {
  Name: string;
  Type: 'http';
  Path: string;
  Interval: number;
  Timeout: number;
  /** Restart the task after `Limit` failures in a row, not before `Grace` after it started. */
  CheckRestart?: { Limit: number; Grace: number; IgnoreWarnings: boolean };
}

export interface VolumeRequest {
  Name: string;
  Type: 'host';
  Source: string;
  ReadOnly: boolean;
}

export interface VolumeMount {
  Volume: string;
  Destination: string;
  ReadOnly: boolean;
}

export interface RestartPolicy {
  Attempts: number;
  Interval: number;
  Delay: number;
  Mode: 'fail' | 'delay';
}

export interface ReschedulePolicy {
  Delay: number;
  DelayFunction: 'constant' | 'exponential' | 'fibonacci';
  MaxDelay: number;
  Unlimited: boolean;
}

export interface EphemeralDisk {
  SizeMB: number;
  Migrate: boolean;
  Sticky: boolean;
}

export interface UpdateStrategy {
  MaxParallel: number;
  HealthCheck: 'checks' | 'task_states' | 'manual';
  MinHealthyTime: number;
  HealthyDeadline: number;
  ProgressDeadline: number;
  AutoRevert: boolean;
  AutoPromote: boolean;
  Canary: number;
}

/** A file the client renders before the task starts; with `Envvars` its lines become the task's environment. */
export interface Template {
  EmbeddedTmpl: string;
  DestPath: string;
  Envvars: boolean;
  ChangeMode: 'noop' | 'restart' | 'signal' | 'script';
  Perms: string;
  /** HCL's defaults, written in the JSON so both files parse to one job (the HCL leaves them out). */
  ErrMissingKey: false;
  Splay: number;
}

export interface Task {
  Name: string;
  Driver: 'docker';
  User?: string;
  Lifecycle?: { Hook: 'prestart' | 'poststart' | 'poststop'; Sidecar: boolean };
  /** The docker driver's own configuration, keyed as the driver's HCL keys. */
  Config: Record<string, string | number | boolean | string[]>;
  Env: Record<string, string>;
  /** The server's variables from Nomad variables (`secretEnv`). */
  Templates?: Template[];
  Resources: { CPU: number; MemoryMB: number; Devices?: RequestedDevice[] };
  VolumeMounts?: VolumeMount[];
  /** A task's services register once the task runs (after the prestart tasks) and go with it. */
  Services?: Service[];
  /** Between deregistering the task's services and stopping it. */
  ShutdownDelay?: number;
  KillTimeout: number;
}

const NS_PER_SECOND = 1_000_000_000;
export const seconds = (n: number): number => n * NS_PER_SECOND;
export const minutes = (n: number): number => seconds(n * 60);
