import { PolicyError } from '../core/errors';
import { evaluateGates } from '../core/gates';
import { INIT_SCRIPT } from '../core/init-script';
import { cpuMillis, memoryMiB, modelVolumeMiB } from '../core/quantities';
import { MODEL_UID } from '../core/runtime-user';
import { DeploymentRole, planDeployments } from '../core/deployment-plan';
import type { ModelRecord, VersionEntry } from '../core/record';
import { minutes, NomadJob, seconds, Task, TaskGroup } from './job-model';

/** Where the docker driver mounts the allocation directory shared by all tasks of a group. */
const ALLOC_DATA = '/alloc/data';
const HOST_VOLUME = 'models';
const PORT_LABEL = 'http';
/** Nomad has no millicores; it schedules in MHz. One core is taken as 1000 MHz. */
const MHZ_PER_CORE = 1000;

export interface ModelJobProps {
  /** The record to render. */
  readonly record: ModelRecord;
  /** uid the tasks run as. @default "1000" */
  readonly user?: string;
}

/** What a job deploys and as what. */
export interface JobTarget {
  readonly version: VersionEntry;
  /** The version runs as a blue-green preview: Nomad canaries, promoted by `nomad deployment promote`. */
  readonly preview: boolean;
}

/**
 * The version the model's main job carries: rolling, the live one; blue-green,
 * the preview when it is a validated version (Nomad's canaries are the
 * preview), else the live one. Undefined when nothing is deployable yet.
 */
export function jobTarget(record: ModelRecord): JobTarget | undefined {
  const plan = planDeployments(record);
  if (record.deploy.strategy === 'blue-green' && plan.preview && plan.preview.version.stage === 'validated') {
    return { version: plan.preview.version, preview: true };
  }
  return plan.live ? { version: plan.live.version, preview: false } : undefined;
}

function refuseOutsideGates(record: ModelRecord, v: VersionEntry): void {
  if (v.stage !== 'production' && v.stage !== 'validated') {
    throw new PolicyError(`synth refused: ${record.name} ${v.version} is ${v.stage}; only a version that passed its gates is deployed`);
  }
  const verdict = evaluateGates(record.gates, v);
  if (!verdict.passed) throw new PolicyError(`synth refused: ${record.name} ${v.version} cannot be deployed: ${verdict.reason}`);
  if (!v.digest) throw new PolicyError(`synth refused: ${record.name} ${v.version} has no digest; the prestart task cannot verify it`);
}

/** The Nomad job for one model, or undefined when it has nothing deployable. */
export function buildModelJob(props: ModelJobProps): NomadJob | undefined {
  const r = props.record;
  const target = jobTarget(r);
  if (!target) return undefined;
  refuseOutsideGates(r, target.version);
  return jobFor(r, target.version, target.preview ? 'preview' : 'live', props.user);
}

/**
 * The job `<name>-candidate`: one instance of the candidate version (see
 * `planDeployments`) under its own service name, built exactly as production is.
 * Undefined when no candidate can run.
 */
export function buildCandidateJob(props: ModelJobProps): NomadJob | undefined {
  const candidate = planDeployments(props.record).candidate;
  return candidate ? jobFor(props.record, candidate.version, 'candidate', props.user) : undefined;
}

function jobFor(r: ModelRecord, v: VersionEntry, role: DeploymentRole, userProp: string | undefined): NomadJob {
  const digest = v.digest as string;
  const sizeBytes = v.sizeBytes as number;
  const user = userProp ?? String(MODEL_UID);
  const nomad = r.deploy.nomad ?? {};
  const hostVolume = nomad.hostVolume;
  const modelDir = hostVolume
    // A host volume outlives allocations and is shared by versions: one directory per version.
    ? `${r.serving.modelDir.replace(/\/$/, '')}/${r.name}/${v.version}`
    : `${ALLOC_DATA}/model`;
  const stage = role === 'live' ? 'production' : role === 'preview' ? 'validated' : 'candidate';
  const candidate = role === 'candidate';
  const jobName = candidate ? `${r.name}-candidate` : r.name;
  // Underscores, not dots: Nomad exposes meta to tasks as NOMAD_META_<key>.
  const meta = {
    // The job name is not always the model's: `<name>-candidate` runs a candidate of `<name>`.
    modelship_model: r.name,
    modelship_version: v.version,
    modelship_digest: digest,
    modelship_stage: stage,
    modelship_managed_by: 'modelship',
  };
  const hardenedDocker = {
    readonly_rootfs: true,
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges'],
  };

  const init: Task = {
    Name: 'model-init',
    Driver: 'docker',
    User: user,
    Lifecycle: { Hook: 'prestart', Sidecar: false },
    Config: { image: `${r.artifact.image}:${v.version}`, command: 'sh', args: ['-c', INIT_SCRIPT], ...hardenedDocker },
    Env: {
      MODELSHIP_SRC: r.artifact.path,
      MODELSHIP_DEST: modelDir,
      MODELSHIP_VERSION: v.version,
      MODELSHIP_DIGEST: digest,
      // A host volume is shared by allocations: only clear temp dirs old enough to be abandoned.
      ...(hostVolume ? { MODELSHIP_STALE_MINUTES: '60' } : {}),
    },
    Resources: { CPU: 200, MemoryMB: 256 },
    ...(hostVolume ? { VolumeMounts: [{ Volume: HOST_VOLUME, Destination: r.serving.modelDir, ReadOnly: false }] } : {}),
    KillTimeout: seconds(5),
  };
  const server: Task = {
    Name: 'server',
    Driver: 'docker',
    User: user,
    Config: { image: r.serving.image, ports: [PORT_LABEL], ...hardenedDocker },
    Env: {
      // The root file system is read-only; /local is the task's own writable directory.
      TMPDIR: '/local',
      ...(r.serving.env ?? {}),
      MODEL_DIR: modelDir,
      MODEL_VERSION: v.version,
      MODEL_DIGEST: digest,
    },
    Resources: {
      CPU: Math.max(100, Math.round((cpuMillis(r.serving.resources.cpu) / 1000) * MHZ_PER_CORE)),
      MemoryMB: memoryMiB(r.serving.resources.memory),
    },
    ...(hostVolume ? { VolumeMounts: [{ Volume: HOST_VOLUME, Destination: r.serving.modelDir, ReadOnly: true }] } : {}),
    KillTimeout: seconds(30),
  };
  // A candidate is one test instance updated in place; canaries are for the blue-green main job.
  const blueGreen = r.deploy.strategy === 'blue-green' && !candidate;
  const count = candidate ? 1 : r.serving.replicas;
  const group: TaskGroup = {
    Name: 'model',
    Count: count,
    Networks: [{ DynamicPorts: [{ Label: PORT_LABEL, To: r.serving.port }] }],
    Services: [{
      Name: jobName,
      PortLabel: PORT_LABEL,
      Provider: 'nomad',
      Tags: [`version-${v.version}`, stage],
      // Canary allocations register with these tags instead: the preview can be routed apart from live traffic.
      ...(blueGreen ? { CanaryTags: [`version-${v.version}`, 'preview'] } : {}),
      Checks: [{ Name: `${jobName}-health`, Type: 'http', Path: r.serving.health.path, Interval: seconds(10), Timeout: seconds(2) }],
    }],
    ...(hostVolume ? { Volumes: { [HOST_VOLUME]: { Name: HOST_VOLUME, Type: 'host', Source: hostVolume, ReadOnly: false } } } : {}),
    RestartPolicy: { Attempts: 3, Interval: minutes(5), Delay: seconds(15), Mode: 'fail' },
    ReschedulePolicy: { Delay: seconds(30), DelayFunction: 'exponential', MaxDelay: minutes(10), Unlimited: true },
    EphemeralDisk: { SizeMB: hostVolume ? 300 : Math.max(300, modelVolumeMiB(sizeBytes)), Migrate: false, Sticky: false },
    Update: {
      MaxParallel: 1,
      HealthCheck: 'checks',
      MinHealthyTime: seconds(10),
      HealthyDeadline: minutes(5),
      ProgressDeadline: minutes(10),
      AutoRevert: true,
      // Blue-green in Nomad's own terms: a full set of canaries that waits for `nomad deployment promote`.
      AutoPromote: false,
      Canary: blueGreen ? count : 0,
    },
    // Deregister from the service catalog first, so routers stop sending requests before the server stops.
    ShutdownDelay: seconds(5),
    Tasks: [init, server],
  };
  return {
    ID: jobName,
    Name: jobName,
    Type: 'service',
    ...(nomad.region ? { Region: nomad.region } : {}),
    ...(nomad.namespace ? { Namespace: nomad.namespace } : {}),
    Datacenters: [...(nomad.datacenters ?? ['dc1'])],
    Meta: meta,
    TaskGroups: [group],
  };
}
