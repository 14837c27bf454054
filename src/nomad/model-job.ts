import { PolicyError } from '../core/errors';
import { evaluateGates } from '../core/gates';
import { INIT_SCRIPT } from '../core/init-script';
import { cpuMillis, memoryMiB, modelVolumeMiB } from '../core/quantities';
import { MODEL_UID } from '../core/runtime-user';
import { findVersion, GpuVendor, ModelRecord, productionVersion, SLOT_NAMES, VersionEntry } from '../core/record';
import { Affinity, Constraint, minutes, NomadJob, ScalingPolicy, seconds, Task, TaskGroup } from './job-model';

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

/** What a group serves as: `live` takes traffic, `preview` waits to be switched to, `idle` is a retired version kept for rollback. */
export type GroupRole = 'live' | 'preview' | 'idle';

/** One task group of the job: a version, the role it serves in, and its group name. */
export interface JobGroupTarget {
  readonly group: string;
  readonly version: VersionEntry;
  readonly role: GroupRole;
}

/**
 * The groups the job carries: rolling, `model` with the production version;
 * blue-green, `blue` and `green` with their slots' versions (an empty slot is
 * not rendered). Empty when nothing is deployable yet.
 */
export function jobGroups(record: ModelRecord): JobGroupTarget[] {
  if (record.deploy.strategy !== 'blue-green') {
    const live = productionVersion(record);
    return live ? [{ group: 'model', version: live, role: 'live' }] : [];
  }
  const slots = record.slots;
  if (!slots) return [];
  const out: JobGroupTarget[] = [];
  for (const slot of SLOT_NAMES) {
    const held = slots[slot];
    if (held === null) continue;
    const version = findVersion(record, held);
    if (!version) throw new PolicyError(`${record.name}: slots.${slot} holds ${held}, which is not in versions`);
    const role: GroupRole = slot === slots.active ? 'live' : version.stage === 'retired' ? 'idle' : 'preview';
    out.push({ group: slot, version, role });
  }
  return out;
}

function refuseOutsideGates(record: ModelRecord, target: JobGroupTarget): void {
  const v = target.version;
  const allowed = target.role === 'live' ? ['production'] : target.role === 'preview' ? ['validated'] : ['retired'];
  if (!allowed.includes(v.stage)) {
    throw new PolicyError(`${record.name} ${v.version} is ${v.stage} and cannot run as ${target.role}`);
  }
  // A retired version passed its gates when it went live; gates tightened since do not evict a rollback target.
  if (target.role !== 'idle') {
    const verdict = evaluateGates(record.gates, v);
    if (!verdict.passed) throw new PolicyError(`${record.name} ${v.version} cannot be deployed: ${verdict.reason}`);
  }
  if (!v.digest) throw new PolicyError(`${record.name} ${v.version} has no digest; the prestart task cannot verify it`);
  if (v.sizeBytes === undefined) throw new PolicyError(`${record.name} ${v.version} has no sizeBytes; the disk cannot be sized`);
}

function cpuTarget(min: number, max: number, targetCpuPercent: number): ScalingPolicy {
  return {
    Type: 'horizontal', Enabled: true, Min: min, Max: max,
    Policy: { check: [{ cpu: [{ source: 'nomad-apm', query: 'avg_cpu-allocated', strategy: [{ 'target-value': [{ target: targetCpuPercent }] }] }] }] },
  };
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
    Config: { image: `${r.artifact.image}:${v.version}`, command: 'sh', args: ['-c', INIT_SCRIPT], ...hardenedDocker },
    Env: {
      MODELSHIP_SRC: r.artifact.path,
      MODELSHIP_DEST: modelDir,
      MODELSHIP_VERSION: v.version,
      MODELSHIP_DIGEST: digest,
      // A host volume is shared by allocations: only clear temp dirs old enough to be abandoned.
      ...(hostVolume ? { MODELSHIP_STALE_MINUTES: '60' } : {}),
    },
    // A prestart task that is not a sidecar has finished before the server starts, so
    // Nomad reserves the larger of the two, not the sum: the server's figures cost nothing.
    Resources: { CPU: serverCpu, MemoryMB: Math.max(64, serverMemory) },
    ...(hostVolume ? { VolumeMounts: [{ Volume: HOST_VOLUME, Destination: r.serving.modelDir, ReadOnly: false }] } : {}),
    KillTimeout: seconds(5),
  };
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
    Resources: {
      CPU: serverCpu,
      MemoryMB: serverMemory,
      ...(gpu ? { Devices: [{ Name: GPU_DEVICES[gpu.vendor ?? 'nvidia'], Count: gpu.count }] } : {}),
    },
    ...(hostVolume ? { VolumeMounts: [{ Volume: HOST_VOLUME, Destination: r.serving.modelDir, ReadOnly: true }] } : {}),
    KillTimeout: seconds(30),
  };
  const idleReplicas = r.deploy.blueGreen?.idleReplicas;
  const shrunk = target.role === 'idle' && idleReplicas !== undefined;
  const scaling = shrunk ? undefined : r.serving.autoscaling;
  const blueGreen = r.deploy.strategy === 'blue-green';
  return {
    Name: target.group,
    // With a scaling block the autoscaler owns the count; `nomad job run -preserve-counts` keeps its choice.
    Count: shrunk ? idleReplicas : scaling ? scaling.min : r.serving.replicas,
    ...(scaling ? { Scaling: cpuTarget(scaling.min, scaling.max, scaling.targetCpuPercent) } : {}),
    // The version and digest are the group's for as long as it exists; the role is not
    // here (nor in env): Nomad replaces allocations whose meta changes.
    Meta: { modelship_version: v.version, modelship_digest: digest },
    Networks: [{ DynamicPorts: [{ Label: PORT_LABEL, To: r.serving.port }] }],
    Services: [{
      Name: r.name,
      PortLabel: PORT_LABEL,
      Provider: 'nomad',
      // Tags are the only thing a switch changes: Nomad updates a service's tags in place.
      Tags: [target.role === 'live' ? 'live' : 'preview', ...(target.role === 'idle' ? ['idle'] : []), `version-${v.version}`, ...(blueGreen ? [`slot-${target.group}`] : [])],
      Checks: [{ Name: `${r.name}-${target.group}-health`, Type: 'http', Path: r.serving.health.path, Interval: seconds(10), Timeout: seconds(2) }],
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
      AutoPromote: false,
      // Blue-green is the two groups, not canaries: each slot rolls on its own.
      Canary: 0,
    },
    // Deregister from the service catalog first, so routers stop sending requests before the server stops.
    ShutdownDelay: seconds(5),
    Tasks: [init, server],
  };
}

/** The Nomad job for one model, or undefined when it has nothing deployable. */
export function buildModelJob(props: ModelJobProps): NomadJob | undefined {
  const r = props.record;
  const targets = jobGroups(r);
  if (targets.length === 0) return undefined;
  for (const t of targets) refuseOutsideGates(r, t);
  const user = props.user ?? String(MODEL_UID);
  const nomad = r.deploy.nomad ?? {};
  const constraints: Constraint[] = (nomad.constraints ?? []).map((c) => ({
    ...(c.attribute !== undefined ? { LTarget: c.attribute } : {}),
    ...(c.value !== undefined ? { RTarget: c.value } : {}),
    Operand: c.operator ?? '=',
  }));
  const affinities: Affinity[] = (nomad.affinities ?? []).map((a) => ({
    LTarget: a.attribute, RTarget: a.value, Operand: a.operator ?? '=', Weight: a.weight ?? 50,
  }));
  return {
    ID: r.name,
    Name: r.name,
    Type: 'service',
    ...(nomad.region ? { Region: nomad.region } : {}),
    ...(nomad.namespace ? { Namespace: nomad.namespace } : {}),
    Datacenters: [...(nomad.datacenters ?? ['dc1'])],
    ...(constraints.length ? { Constraints: constraints } : {}),
    ...(affinities.length ? { Affinities: affinities } : {}),
    // Underscores, not dots: Nomad exposes meta to tasks as NOMAD_META_<key>.
    Meta: { modelship_managed_by: 'modelship' },
    TaskGroups: targets.map((t) => buildGroup(r, t, user)),
  };
}
