import { attr, block, HclBlock, HclNode, renderHcl } from './hcl-writer';
import type { Affinity, Constraint, NomadJob, ScalingPolicy, Service, Task, TaskGroup, Template, UpdateStrategy } from './job-model';

const NS = 1_000_000_000;

/** `10000000000` ns -> `"10s"`, `300000000000` -> `"5m"`, as jobspecs write durations. */
export function duration(ns: number): string {
  const s = ns / NS;
  if (s >= 3600 && s % 3600 === 0) return `${s / 3600}h`;
  if (s >= 60 && s % 60 === 0) return `${s / 60}m`;
  if (Number.isInteger(s)) return `${s}s`;
  return `${ns / 1_000_000}ms`;
}

const mapBlock = (type: string, m: Readonly<Record<string, string>>): HclBlock =>
  block(type, [], Object.entries(m).map(([k, v]) => attr(k, v)).flat());

function update(u: UpdateStrategy): HclBlock {
  return block('update', [], [
    attr('max_parallel', u.MaxParallel),
    attr('health_check', u.HealthCheck),
    attr('min_healthy_time', duration(u.MinHealthyTime)),
    attr('healthy_deadline', duration(u.HealthyDeadline)),
    attr('progress_deadline', duration(u.ProgressDeadline)),
    attr('auto_revert', u.AutoRevert),
    attr('auto_promote', u.AutoPromote),
    attr('canary', u.Canary),
  ]);
}

export const constraintBlock = (c: Constraint): HclBlock => block('constraint', [], [
  attr('attribute', c.LTarget), attr('operator', c.Operand), attr('value', c.RTarget),
]);

export const affinityBlock = (a: Affinity): HclBlock => block('affinity', [], [
  attr('attribute', a.LTarget), attr('operator', a.Operand), attr('value', a.RTarget), attr('weight', a.Weight),
]);

export const templateBlock = (t: Template): HclBlock => block('template', [], [
  attr('data', t.EmbeddedTmpl), attr('destination', t.DestPath), attr('env', t.Envvars),
  attr('change_mode', t.ChangeMode), attr('perms', t.Perms),
]);

function scaling(s: ScalingPolicy): HclBlock {
  const check = s.Policy.check[0].cpu[0];
  return block('scaling', [], [
    attr('enabled', s.Enabled), attr('min', s.Min), attr('max', s.Max),
    block('policy', [], [block('check', ['cpu'], [
      attr('source', check.source), attr('query', check.query),
      block('strategy', ['target-value'], [attr('target', check.strategy[0]['target-value'][0].target)]),
    ])]),
  ]);
}

function service(s: Service): HclBlock {
  return block('service', [], [
    attr('name', s.Name),
    attr('port', s.PortLabel),
    attr('provider', s.Provider),
    attr('tags', s.Tags),
    attr('canary_tags', s.CanaryTags),
    s.Checks.map((c) => block('check', [], [
      attr('name', c.Name), attr('type', c.Type), attr('path', c.Path),
      attr('interval', duration(c.Interval)), attr('timeout', duration(c.Timeout)),
      c.CheckRestart ? [block('check_restart', [], [
        attr('limit', c.CheckRestart.Limit), attr('grace', duration(c.CheckRestart.Grace)),
        attr('ignore_warnings', c.CheckRestart.IgnoreWarnings),
      ])] : [],
    ])),
  ]);
}

function task(t: Task): HclBlock {
  return block('task', [t.Name], [
    attr('driver', t.Driver),
    attr('user', t.User),
    attr('kill_timeout', duration(t.KillTimeout)),
    attr('shutdown_delay', t.ShutdownDelay === undefined ? undefined : duration(t.ShutdownDelay)),
    t.Lifecycle ? [block('lifecycle', [], [attr('hook', t.Lifecycle.Hook), attr('sidecar', t.Lifecycle.Sidecar)])] : [],
    block('config', [], Object.entries(t.Config).map(([k, v]) => attr(k, v)).flat()),
    mapBlock('env', t.Env),
    (t.Templates ?? []).map(templateBlock),
    (t.VolumeMounts ?? []).map((m) => block('volume_mount', [], [
      attr('volume', m.Volume), attr('destination', m.Destination), attr('read_only', m.ReadOnly),
    ])),
    block('resources', [], [
      attr('cpu', t.Resources.CPU), attr('memory', t.Resources.MemoryMB),
      (t.Resources.Devices ?? []).map((d) => block('device', [d.Name], [attr('count', d.Count)])),
    ]),
    (t.Services ?? []).map(service),
  ]);
}

function group(g: TaskGroup): HclBlock {
  return block('group', [g.Name], [
    attr('count', g.Count),
    g.Scaling ? [scaling(g.Scaling)] : [],
    g.Meta ? [mapBlock('meta', g.Meta)] : [],
    (g.Constraints ?? []).map(constraintBlock),
    (g.Affinities ?? []).map(affinityBlock),
    g.Networks.map((n) => block('network', [], n.DynamicPorts.map((p) => block('port', [p.Label], [attr('to', p.To)])))),
    Object.values(g.Volumes ?? {}).map((v) => block('volume', [v.Name], [
      attr('type', v.Type), attr('source', v.Source), attr('read_only', v.ReadOnly),
    ])),
    block('restart', [], [
      attr('attempts', g.RestartPolicy.Attempts), attr('interval', duration(g.RestartPolicy.Interval)),
      attr('delay', duration(g.RestartPolicy.Delay)), attr('mode', g.RestartPolicy.Mode),
    ]),
    block('reschedule', [], [
      attr('delay', duration(g.ReschedulePolicy.Delay)), attr('delay_function', g.ReschedulePolicy.DelayFunction),
      attr('max_delay', duration(g.ReschedulePolicy.MaxDelay)), attr('unlimited', g.ReschedulePolicy.Unlimited),
    ]),
    block('ephemeral_disk', [], [
      attr('size', g.EphemeralDisk.SizeMB), attr('migrate', g.EphemeralDisk.Migrate), attr('sticky', g.EphemeralDisk.Sticky),
    ]),
    update(g.Update),
    g.Tasks.map(task),
  ]);
}

/** The jobspec as a `.nomad.hcl` file for `nomad job run`. */
export function renderJobHcl(job: NomadJob): string {
  const body: (HclNode | HclNode[])[] = [
    attr('type', job.Type),
    attr('region', job.Region),
    attr('namespace', job.Namespace),
    attr('datacenters', job.Datacenters),
    (job.Constraints ?? []).map(constraintBlock),
    (job.Affinities ?? []).map(affinityBlock),
    mapBlock('meta', job.Meta),
    job.TaskGroups.map(group),
  ];
  return `# Generated by modelship from models/${job.Meta.modelship_model ?? job.ID}.yaml; edit the record, not this file.\n` +
    renderHcl([block('job', [job.ID], body)]);
}
