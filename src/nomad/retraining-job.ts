import { cpuMillis, memoryMiB } from '../core/quantities';
import type { ModelRecord } from '../core/record';
import { retrainingJobEnvironment, retrainingResources } from '../core/retraining-contract';
import { MODEL_UID, requireNonRootUser } from '../core/runtime-user';
import { attr, block, renderHcl } from './hcl-writer';
import { affinityBlock, constraintBlock, duration, templateBlock } from './job-hcl';
import { Affinity, Constraint, minutes, seconds, Template } from './job-model';
import { jobPlacement } from './job-placement';
import { secretEnvTemplates } from './secret-env-template';

/** Nomad has no millicores; it schedules in MHz. One core is taken as 1000 MHz, as for the server. */
const MHZ_PER_CORE = 1000;
const hours = (n: number): number => minutes(n * 60);

export interface RetrainingJobProps {
  /** The record; its `retraining` block is rendered. */
  readonly record: ModelRecord;
  /** uid the training task runs as. @default "1000" */
  readonly user?: string;
  /** Scratch space of the allocation, in MB (the root file system is read-only; /local and /alloc are not). @default 10240 */
  readonly diskMB?: number;
}

/** The periodic batch job as Nomad's API names it (`api.Job`), so the JSON job format is this as is. */
export interface RetrainingJob {
  ID: string;
  Name: string;
  Type: 'batch';
  Region?: string;
  Namespace?: string;
  Datacenters: string[];
  Constraints?: Constraint[];
  Affinities?: Affinity[];
  Meta: Record<string, string>;
  Periodic: { Enabled: boolean; Specs: string[]; SpecType: 'cron'; ProhibitOverlap: boolean; TimeZone: string };
  TaskGroups: [{
    Name: string;
    Count: number;
    RestartPolicy: { Attempts: number; Interval: number; Delay: number; Mode: 'fail' };
    ReschedulePolicy: { Attempts: number; Interval: number; Delay: number; DelayFunction: 'constant'; Unlimited: boolean };
    EphemeralDisk: { SizeMB: number; Migrate: boolean; Sticky: boolean };
    Tasks: [{
      Name: string;
      Driver: 'docker';
      User: string;
      Config: Record<string, string | boolean | string[]>;
      Env: Record<string, string>;
      Templates?: Template[];
      Resources: { CPU: number; MemoryMB: number };
      KillTimeout: number;
    }];
  }];
}

/**
 * The record's scheduled retraining as a Nomad periodic batch job
 * `<name>-retrain`: the same cron (UTC), never two runs at once, a failed run
 * retried twice and then left failed for its logs, the docker task hardened
 * like the server task, and the environment contract of `retrainingEnvironment`.
 */
export function buildRetrainingJob(props: RetrainingJobProps): RetrainingJob | undefined {
  const r = props.record;
  const spec = r.retraining;
  if (!spec) return undefined;
  const nomad = r.deploy.nomad ?? {};
  const resources = retrainingResources(r);
  const id = `${r.name}-retrain`;
  const secretTemplates = secretEnvTemplates(`${r.name}: retraining.secretEnv`, spec.secretEnv, spec.env);
  return {
    ID: id,
    Name: id,
    Type: 'batch',
    ...(nomad.region ? { Region: nomad.region } : {}),
    // Always written: a job without one goes to the caller's $NOMAD_NAMESPACE, and jobs of
    // different stands share their IDs, so a prod job run with NOMAD_NAMESPACE=dev would replace dev's.
    Namespace: nomad.namespace ?? 'default',
    Datacenters: [...(nomad.datacenters ?? ['dc1'])],
    // Where the model's jobs may run, the training job may too (a node class, a kernel, distinct hosts).
    ...jobPlacement(nomad),
    // A drift exit 1 also starts this job (`nomad job periodic force`), for the tool that runs `drift`.
    Meta: { modelship_model: r.name, modelship_managed_by: 'modelship', modelship_retrain_on_drift: String(spec.onDrift ?? false) },
    Periodic: { Enabled: true, Specs: [spec.schedule.trim()], SpecType: 'cron', ProhibitOverlap: true, TimeZone: 'UTC' },
    TaskGroups: [{
      Name: 'train',
      Count: 1,
      RestartPolicy: { Attempts: 1, Interval: hours(1), Delay: seconds(30), Mode: 'fail' },
      ReschedulePolicy: { Attempts: 2, Interval: hours(24), Delay: minutes(5), DelayFunction: 'constant', Unlimited: false },
      EphemeralDisk: { SizeMB: props.diskMB ?? 10240, Migrate: false, Sticky: false },
      Tasks: [{
        Name: 'train',
        Driver: 'docker',
        User: requireNonRootUser(props.user ?? String(MODEL_UID), `${r.name}: user`),
        Config: {
          image: spec.image,
          // Kubernetes' command replaces the image's ENTRYPOINT; docker's entrypoint does the same.
          ...(spec.command ? { entrypoint: [...spec.command] } : {}),
          ...(spec.args ? { args: [...spec.args] } : {}),
          readonly_rootfs: true,
          cap_drop: ['ALL'],
          security_opt: ['no-new-privileges'],
        },
        // The root file system is read-only; /local is the task's own writable directory.
        Env: { TMPDIR: '/local', ...retrainingJobEnvironment(r) },
        ...(secretTemplates.length ? { Templates: secretTemplates } : {}),
        Resources: {
          CPU: Math.max(100, Math.round((cpuMillis(resources.cpu) / 1000) * MHZ_PER_CORE)),
          MemoryMB: memoryMiB(resources.memory),
        },
        KillTimeout: seconds(30),
      }],
    }],
  };
}

/** The jobspec for `nomad job run`. */
export function renderRetrainingJobHcl(job: RetrainingJob): string {
  const g = job.TaskGroups[0];
  const t = g.Tasks[0];
  const body = [
    attr('type', job.Type),
    attr('region', job.Region),
    attr('namespace', job.Namespace),
    attr('datacenters', job.Datacenters),
    (job.Constraints ?? []).map(constraintBlock),
    (job.Affinities ?? []).map(affinityBlock),
    block('meta', [], Object.entries(job.Meta).map(([k, v]) => attr(k, v)).flat()),
    block('periodic', [], [
      attr('crons', job.Periodic.Specs),
      attr('prohibit_overlap', job.Periodic.ProhibitOverlap),
      attr('time_zone', job.Periodic.TimeZone),
    ]),
    block('group', [g.Name], [
      attr('count', g.Count),
      block('restart', [], [
        attr('attempts', g.RestartPolicy.Attempts), attr('interval', duration(g.RestartPolicy.Interval)),
        attr('delay', duration(g.RestartPolicy.Delay)), attr('mode', g.RestartPolicy.Mode),
      ]),
      block('reschedule', [], [
        attr('attempts', g.ReschedulePolicy.Attempts), attr('interval', duration(g.ReschedulePolicy.Interval)),
        attr('delay', duration(g.ReschedulePolicy.Delay)), attr('delay_function', g.ReschedulePolicy.DelayFunction),
        attr('unlimited', g.ReschedulePolicy.Unlimited),
      ]),
      block('ephemeral_disk', [], [
        attr('size', g.EphemeralDisk.SizeMB), attr('migrate', g.EphemeralDisk.Migrate), attr('sticky', g.EphemeralDisk.Sticky),
      ]),
      block('task', [t.Name], [
        attr('driver', t.Driver),
        attr('user', t.User),
        attr('kill_timeout', duration(t.KillTimeout)),
        block('config', [], Object.entries(t.Config).map(([k, v]) => attr(k, v)).flat()),
        block('env', [], Object.entries(t.Env).map(([k, v]) => attr(k, v)).flat()),
        (t.Templates ?? []).map(templateBlock),
        block('resources', [], [attr('cpu', t.Resources.CPU), attr('memory', t.Resources.MemoryMB)]),
      ]),
    ]),
  ];
  return `# Generated by modelship from models/${job.Meta.modelship_model}.yaml; edit the record, not this file.\n` +
    renderHcl([block('job', [job.ID], body)]);
}

/** The API job format `nomad job run -json` takes. */
export function renderRetrainingJobJson(job: RetrainingJob): string {
  return JSON.stringify({ Job: job }, null, 2) + '\n';
}
