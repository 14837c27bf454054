import { PolicyError } from '../core/errors';
import { hashJobsFor, INIT_SCRIPT } from '../core/init-script';
import { initImage } from '../core/model-image';
import { provenanceKind } from '../core/provenance';
import { cpuMillis, memoryMiB, modelVolumeMiB } from '../core/quantities';
import { MODEL_UID, requireNonRootUser } from '../core/runtime-user';
import { DeploymentRole, planDeployments, PlannedDeployment, roleRefusal } from '../core/deployment-plan';
import type { GpuVendor, ModelRecord, SlotName, VersionEntry } from '../core/record';
import { minutes, NomadJob, ScalingPolicy, seconds, Task, TaskGroup } from './job-model';
import { jobPlacement } from './job-placement';
import { secretEnvTemplates } from './secret-env-template';

/** Where the docker driver mounts the allocation directory shared by all tasks of a group. */
const ALLOC_DATA = '/alloc/data';
const HOST_VOLUME = 'models';
const PORT_LABEL = 'http';
/** Nomad has no millicores; it schedules in MHz. One core is taken as 1000 MHz. */
const MHZ_PER_CORE = 1000;
/** Device names as Nomad's device plugins fingerprint them (`<vendor>/<type>`). */
const GPU_DEVICES: Record<GpuVendor, string> = { nvidia: 'nvidia/gpu', amd: 'amd/gpu', intel: 'intel/gpu' };

export interface ModelJobProps {
  /** The record to render. */
  readonly record: ModelRecord;
  /** uid the tasks run as. @default "1000" */
  readonly user?: string;
}

/** One task group of a job: its name, the version it runs and the role it serves in. */
export interface JobGroupTarget {
  readonly group: string;
  readonly version: VersionEntry;
  readonly role: DeploymentRole;
}

/**
 * The groups of the model's job, from the deployment plan: rolling, `model`
 * with the live version; blue-green, `blue` and `green` with their slots'
 * versions (an empty slot is not rendered). Empty when nothing is deployable.
 */
export function jobGroups(record: ModelRecord): JobGroupTarget[] {
  const plan = planDeployments(record);
  if (record.deploy.strategy !== 'blue-green') return plan.live ? [{ group: 'model', version: plan.live.version, role: 'live' }] : [];
  return [plan.live, plan.preview]
    .filter((p): p is PlannedDeployment => p !== undefined)
    .map((p) => ({ group: p.slot as SlotName, version: p.version, role: p.role }))
    .sort((a, b) => a.group.localeCompare(b.group));
}

function refuse(record: ModelRecord, target: JobGroupTarget): void {
  const refusal = roleRefusal(record, { role: target.role, version: target.version });
  if (refusal) throw new PolicyError(refusal);
}

function cpuTarget(min: number, max: number, targetCpuPercent: number): ScalingPolicy {
  return {
    Type: 'horizontal', Enabled: true, Min: min, Max: max,
    Policy: { check: [{ cpu: [{ source: 'nomad-apm', query: 'avg_cpu-allocated', strategy: [{ 'target-value': [{ target: targetCpuPercent }] }] }] }] },
  };
}

/** Service tags by role: the only thing a switch or rollback changes in the job. */
function roleTags(role: DeploymentRole): string[] {
  if (role === 'idle') return ['preview', 'idle'];
  return [role];
}

function buildGroup(r: ModelRecord, target: JobGroupTarget, user: string): TaskGroup {
  const v = target.version;
  const digest = v.digest as string;
  const sizeBytes = v.sizeBytes as number;
  const hostVolume = r.deploy.nomad?.hostVolume;
  const modelDir = hostVolume
    // A host volume outlives allocations and is shared by versions: one directory per version.
    ? `${r.serving.modelDir.replace(/\/$/, '')}/${r.name}/${v.version}`
    : `${ALLOC_DATA}/model`;
  // As the Kubernetes Services: `<name>` is the live slot's alone, `<name>-preview` the other slot's,
  // so a consumer that looks the service up by name gets one version, and a switch moves it.
  const slotted = r.deploy.strategy === 'blue-green' && target.role !== 'candidate';
  const serviceName = target.role === 'candidate' ? `${r.name}-candidate`
    : target.role === 'preview' || target.role === 'idle' ? `${r.name}-preview` : r.name;
  const hardenedDocker = {
    readonly_rootfs: true,
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges'],
  };
  const serverCpu = Math.max(100, Math.round((cpuMillis(r.serving.resources.cpu) / 1000) * MHZ_PER_CORE));
  const serverMemory = memoryMiB(r.serving.resources.memory);
  const gpu = r.serving.resources.gpu;

  const init: Task = {
    Name: 'model-init',
    Driver: 'docker',
    User: user,
    Lifecycle: { Hook: 'prestart', Sidecar: false },
    // `entrypoint`, not `command`: the docker driver puts `command` after the image's ENTRYPOINT
    // (a model image with one would run `<entrypoint> sh -c ...`); Kubernetes' command replaces it.
    Config: { image: initImage(r.artifact, v), entrypoint: ['sh'], args: ['-c', INIT_SCRIPT], ...hardenedDocker },
    Env: {
      MODELSHIP_SRC: r.artifact.path,
      MODELSHIP_DEST: modelDir,
      MODELSHIP_VERSION: v.version,
      MODELSHIP_DIGEST: digest,
      MODELSHIP_HASH_JOBS: hashJobsFor(cpuMillis(r.serving.resources.cpu)),
      // The root file system is read-only; /local is the task's own writable directory.
      TMPDIR: '/local',
      // A host volume is shared by allocations: a claim its holder has not touched for two minutes
      // (it does every 20 s while it lives) is a dead run's, well within the update's healthy deadline.
      ...(hostVolume ? { MODELSHIP_STALE_MINUTES: '2' } : {}),
    },
    // A prestart task that is not a sidecar has finished before the server starts, so
    // Nomad reserves the larger of the two, not the sum: the server's figures cost nothing.
    Resources: { CPU: serverCpu, MemoryMB: Math.max(64, serverMemory) },
    ...(hostVolume ? { VolumeMounts: [{ Volume: HOST_VOLUME, Destination: r.serving.modelDir, ReadOnly: false }] } : {}),
    KillTimeout: seconds(5),
  };
  const secretTemplates = secretEnvTemplates(`${r.name}: serving.secretEnv`, r.serving.secretEnv, r.serving.env);
  const server: Task = {
    Name: 'server',
    Driver: 'docker',
    User: user,
    Config: {
      image: r.serving.image,
      ports: [PORT_LABEL],
      // The docker driver's `command` is one program; the rest of an entrypoint override goes first in args.
      ...(r.serving.command ? { entrypoint: [...r.serving.command] } : {}),
      ...(r.serving.args ? { args: [...r.serving.args] } : {}),
      ...hardenedDocker,
    },
    Env: {
      // The root file system is read-only; /local is the task's own writable directory.
      TMPDIR: '/local',
      ...(r.serving.env ?? {}),
      MODEL_DIR: modelDir,
      MODEL_VERSION: v.version,
      MODEL_DIGEST: digest,
    },
    ...(secretTemplates.length ? { Templates: secretTemplates } : {}),
    Resources: {
      CPU: serverCpu,
      MemoryMB: serverMemory,
      ...(gpu ? { Devices: [{ Name: GPU_DEVICES[gpu.vendor ?? 'nvidia'], Count: gpu.count }] } : {}),
    },
    ...(hostVolume ? { VolumeMounts: [{ Volume: HOST_VOLUME, Destination: r.serving.modelDir, ReadOnly: true }] } : {}),
    // The server's own service, not the group's: a group service is registered when the allocation
    // starts, before the image is pulled and the model copied and verified, and Nomad's catalog
    // lists an instance whatever its checks say. A task's service registers once the task runs.
    Services: [{
      Name: serviceName,
      PortLabel: PORT_LABEL,
      Provider: 'nomad',
      // Names and tags are the only things a switch changes: Nomad updates a plain service in place.
      Tags: [...roleTags(target.role), `version-${v.version}`, ...(slotted ? [`slot-${target.group}`] : [])],
      Checks: [{
        Name: `${target.role === 'candidate' ? serviceName : r.name}-${target.group}-health`, Type: 'http', Path: r.serving.health.path, Interval: seconds(10), Timeout: seconds(2),
        // As the Kubernetes liveness probe: six failures in a row restart a hung server; the grace
        // is the startup probe's five minutes to load the model.
        CheckRestart: { Limit: 6, Grace: minutes(5), IgnoreWarnings: false },
      }],
    }],
    // Deregister from the service catalog first, so routers stop sending requests before the server stops.
    ShutdownDelay: seconds(5),
    KillTimeout: seconds(30),
  };
  const candidate = target.role === 'candidate';
  const idleReplicas = r.deploy.blueGreen?.idleReplicas;
  const shrunk = target.role === 'idle' && idleReplicas !== undefined;
  const scaling = shrunk || candidate ? undefined : r.serving.autoscaling;
  return {
    Name: target.group,
    // With a scaling block the autoscaler owns the count; `nomad job run -preserve-counts` keeps its choice.
    Count: candidate ? 1 : shrunk ? idleReplicas as number : scaling ? scaling.min : r.serving.replicas,
    ...(scaling ? { Scaling: cpuTarget(scaling.min, scaling.max, scaling.targetCpuPercent) } : {}),
    // The version and digest are the group's for as long as it exists; the role is not
    // here (nor in env): Nomad replaces allocations whose meta changes.
    Meta: {
      modelship_version: v.version,
      modelship_digest: digest,
      // How the figures the gates passed on were obtained: measured or declared (a property of the version, like its digest).
      modelship_size_source: provenanceKind(v.provenance?.size),
      ...(v.latencyP95Ms !== undefined ? { modelship_latency_source: provenanceKind(v.provenance?.latency) } : {}),
    },
    // Per group, not per job: at job level `distinct_hosts` keeps every allocation of the job
    // apart, so a blue-green model of four would need eight nodes.
    ...jobPlacement(r.deploy.nomad ?? {}),
    Networks: [{ DynamicPorts: [{ Label: PORT_LABEL, To: r.serving.port }] }],
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
      AutoPromote: false,
      // Blue-green is the two groups, not canaries: each slot rolls on its own.
      Canary: 0,
    },
    Tasks: [init, server],
  };
}

function jobOf(r: ModelRecord, id: string, meta: Record<string, string>, groups: TaskGroup[]): NomadJob {
  const nomad = r.deploy.nomad ?? {};
  return {
    ID: id,
    Name: id,
    Type: 'service',
    ...(nomad.region ? { Region: nomad.region } : {}),
    // Always written: a job without one goes to the caller's $NOMAD_NAMESPACE, and jobs of
    // different stands share their IDs, so a prod job run with NOMAD_NAMESPACE=dev would replace dev's.
    Namespace: nomad.namespace ?? 'default',
    Datacenters: [...(nomad.datacenters ?? ['dc1'])],
    Meta: meta,
    TaskGroups: groups,
  };
}

/**
 * The model's job, or undefined when it has nothing deployable. Its meta
 * names the model only: a version's stage and role are in service tags, since
 * Nomad replaces every allocation whose (job-, group- or task-merged) meta changes.
 */
export function buildModelJob(props: ModelJobProps): NomadJob | undefined {
  const r = props.record;
  const targets = jobGroups(r);
  if (targets.length === 0) return undefined;
  for (const t of targets) refuse(r, t);
  const user = requireNonRootUser(props.user ?? String(MODEL_UID), `${r.name}: user`);
  // Underscores, not dots: Nomad exposes meta to tasks as NOMAD_META_<key>.
  return jobOf(r, r.name, { modelship_model: r.name, modelship_managed_by: 'modelship' }, targets.map((t) => buildGroup(r, t, user)));
}

/**
 * The job `<name>-candidate`: one instance of the candidate version (see
 * `planDeployments`) under its own service name, built exactly as production is.
 * Undefined when no candidate can run.
 */
export function buildCandidateJob(props: ModelJobProps): NomadJob | undefined {
  const r = props.record;
  const candidate = planDeployments(r).candidate;
  if (!candidate) return undefined;
  const v = candidate.version;
  const target: JobGroupTarget = { group: 'model', version: v, role: 'candidate' };
  refuse(r, target);
  const group = buildGroup(r, target, requireNonRootUser(props.user ?? String(MODEL_UID), `${r.name}: user`));
  // The whole job is one version in one role: a new candidate replaces it anyway, so its meta may say so.
  const { Meta: groupMeta, ...withoutMeta } = group;
  return jobOf(r, `${r.name}-candidate`, {
    // The job name is not the model's: `<name>-candidate` runs a candidate of `<name>`.
    modelship_model: r.name,
    ...groupMeta,
    modelship_stage: 'candidate',
    modelship_managed_by: 'modelship',
  }, [withoutMeta]);
}
