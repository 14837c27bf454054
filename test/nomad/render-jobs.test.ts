import { cpuMillis } from '../../src/core/quantities';
import { format } from '@cdktf/hcl-tools';
import { PolicyError } from '../../src/core/errors';
import { INIT_SCRIPT } from '../../src/core/init-script';
import type { ModelRecord } from '../../src/core/record';
import { quote } from '../../src/nomad/hcl-writer';
import { renderJobHcl } from '../../src/nomad/job-hcl';
import { renderJobJson } from '../../src/nomad/job-json';
import { buildCandidateJob, buildModelJob } from '../../src/nomad/model-job';
import { buildRetrainingJob } from '../../src/nomad/retraining-job';
import { renderJobs } from '../../src/nomad/render-jobs';
import { ModelStore } from '../../src/registry/model-store';
import { EXAMPLE_MODELS } from '../helpers/cli';
import { expectNomadValid, haveNomadValidate, nomadValidate } from '../helpers/nomad-validate';
import { durationNs, hclProblems, hclString, Json, jsonProblems, parseHcl } from '../helpers/nomad-schema';
import { blueGreen, D2, record, version } from '../helpers/records';

const examples = new ModelStore(EXAMPLE_MODELS).loadAll();

function rendered(r: ModelRecord): { hcl: string; json: Json } {
  const job = buildModelJob({ record: r });
  if (!job) throw new Error('nothing to render');
  return { hcl: renderJobHcl(job), json: JSON.parse(renderJobJson(job)) };
}

const one = (label: string, v: Json) => {
  const bodies = v[label];
  expect(bodies).toHaveLength(1);
  return bodies[0];
};

/** The fields we set, read back from the parsed HCL into the API's terms. */
function fromHcl(parsed: Json) {
  const name = Object.keys(parsed.job)[0];
  const job = one(name, parsed.job);
  const gname = Object.keys(job.group)[0];
  const g = one(gname, job.group);
  const server = one('server', g.task);
  const svc = server.service[0];
  const restart = svc.check[0].check_restart[0];
  const upd = g.update[0];
  const strMap = (m: Json) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, hclString(v as string)]));
  return {
    ID: name, Type: job.type, Datacenters: job.datacenters, Meta: strMap(job.meta[0]),
    Group: {
      Name: gname, Count: g.count,
      Port: Object.entries(g.network[0].port).map(([label, b]) => ({ Label: label, To: (b as Json)[0].to })),
      Service: {
        Name: svc.name, PortLabel: svc.port, Tags: svc.tags, CanaryTags: svc.canary_tags, Path: svc.check[0].path, Interval: durationNs(svc.check[0].interval),
        CheckRestart: { Limit: restart.limit, Grace: durationNs(restart.grace), IgnoreWarnings: restart.ignore_warnings },
        ShutdownDelay: durationNs(server.shutdown_delay),
      },
      Update: {
        MaxParallel: upd.max_parallel, HealthCheck: upd.health_check, MinHealthyTime: durationNs(upd.min_healthy_time),
        HealthyDeadline: durationNs(upd.healthy_deadline), AutoRevert: upd.auto_revert, AutoPromote: upd.auto_promote, Canary: upd.canary,
      },
      DiskMB: g.ephemeral_disk[0].size,
      Restart: { Attempts: g.restart[0].attempts, Mode: g.restart[0].mode, Interval: durationNs(g.restart[0].interval) },
      Tasks: Object.entries(g.task).map(([tname, bodies]) => {
        const t = (bodies as Json)[0];
        const config = t.config[0];
        return {
          Name: tname, Driver: t.driver, User: t.user, Hook: t.lifecycle?.[0].hook, Sidecar: t.lifecycle?.[0].sidecar,
          Image: config.image, Args: config.args?.map(hclString), Env: strMap(t.env[0]),
          CPU: t.resources[0].cpu, MemoryMB: t.resources[0].memory,
          Mounts: (t.volume_mount ?? []).map((m: Json) => ({ Volume: m.volume, Destination: m.destination, ReadOnly: m.read_only })),
        };
      }),
    },
  };
}

function fromJson(doc: Json) {
  const j = doc.Job;
  const g = j.TaskGroups[0];
  const server = g.Tasks.find((t: Json) => t.Name === 'server');
  const s = server.Services[0];
  return {
    ID: j.ID, Type: j.Type, Datacenters: j.Datacenters, Meta: j.Meta,
    Group: {
      Name: g.Name, Count: g.Count,
      Port: g.Networks[0].DynamicPorts,
      Service: {
        Name: s.Name, PortLabel: s.PortLabel, Tags: s.Tags, CanaryTags: s.CanaryTags, Path: s.Checks[0].Path, Interval: s.Checks[0].Interval,
        CheckRestart: s.Checks[0].CheckRestart, ShutdownDelay: server.ShutdownDelay,
      },
      Update: {
        MaxParallel: g.Update.MaxParallel, HealthCheck: g.Update.HealthCheck, MinHealthyTime: g.Update.MinHealthyTime,
        HealthyDeadline: g.Update.HealthyDeadline, AutoRevert: g.Update.AutoRevert, AutoPromote: g.Update.AutoPromote, Canary: g.Update.Canary,
      },
      DiskMB: g.EphemeralDisk.SizeMB,
      Restart: { Attempts: g.RestartPolicy.Attempts, Mode: g.RestartPolicy.Mode, Interval: g.RestartPolicy.Interval },
      Tasks: g.Tasks.map((t: Json) => ({
        Name: t.Name, Driver: t.Driver, User: t.User, Hook: t.Lifecycle?.Hook, Sidecar: t.Lifecycle?.Sidecar,
        Image: t.Config.image, Args: t.Config.args, Env: t.Env, CPU: t.Resources.CPU, MemoryMB: t.Resources.MemoryMB,
        Mounts: t.VolumeMounts ?? [],
      })),
    },
  };
}

describe('Nomad jobs', () => {
  const cases: [string, ModelRecord][] = [
    ...examples.map((r) => [`${r.name} (example)`, r] as [string, ModelRecord]),
    ['host volume', record({ deploy: { strategy: 'rolling', nomad: { datacenters: ['eu-1', 'eu-2'], hostVolume: 'models', namespace: 'ml', region: 'eu' } }, versions: [version('1.0.0', 'production')] })],
  ];

  it.each(cases)('%s: HCL parses with HashiCorp\'s parser and uses only jobspec blocks and attributes', async (_n, r) => {
    const { hcl } = rendered(r);
    expect(hclProblems(await parseHcl(hcl))).toEqual([]);
  });

  it.each(cases)('%s: every key of the JSON job is a field of Nomad\'s API', (_n, r) => {
    expect(jsonProblems(rendered(r).json)).toEqual([]);
  });

  it.each(cases)('%s: HCL and JSON describe the same job', async (_n, r) => {
    const { hcl, json } = rendered(r);
    expect(fromHcl(await parseHcl(hcl))).toEqual(fromJson(json));
  });

  it.each(cases)('%s: Nomad\'s own parser and server validation accept HCL and JSON with no warning', (_n, r) => {
    const { hcl, json } = rendered(r);
    expectNomadValid({ 'job.nomad.hcl': hcl, 'job.nomad.json': JSON.stringify(json) });
  });

  it('Nomad\'s own validation rejects what a server would', () => {
    if (!haveNomadValidate()) return;
    const { json } = rendered(cases[0][1]);
    json.Job.TaskGroups[0].Tasks[0].Resources.MemoryMB = 5;
    const v = nomadValidate({ 'bad.nomad.json': JSON.stringify(json) });
    expect(v.status).toBe(1);
    expect(v.output).toMatch(/memory/i);
  });

  it('the checks catch what Nomad would reject', async () => {
    const bad = await parseHcl('job "x" {\n  group "g" {\n    task "t" {\n      driver = "docker"\n      image = "nginx"\n    }\n    lifecycle {\n      hook = "prestart"\n    }\n  }\n}\n');
    expect(hclProblems(bad).sort()).toEqual(['job["x"].group["g"].lifecycle: not an attribute or block of TaskGroup', 'job["x"].group["g"].task["t"].image: not an attribute or block of Task']);
    expect(jsonProblems({ Job: { ID: 'x', TaskGroups: [{ Name: 'g', Tasks: [{ Name: 't', Image: 'nginx' }] }] } })).toEqual(['Job.TaskGroups[0].Tasks[0].Image: not a field of api.Task']);
    await expect(parseHcl('job "x" {\n  type = "service\n}\n')).rejects.toBeTruthy();
  });

  it('prestart task copies and verifies into the alloc dir the server reads', () => {
    const taxi = examples.find((r) => r.name === 'taxi-fare')!;
    const live = taxi.versions.find((v) => v.stage === 'production')!;
    const { json } = rendered(taxi);
    const [init, server] = json.Job.TaskGroups[0].Tasks;
    expect(init).toMatchObject({
      Name: 'model-init', Driver: 'docker', Lifecycle: { Hook: 'prestart', Sidecar: false },
      Config: { image: `registry.example.com/models/taxi-fare:${live.version}`, entrypoint: ['sh'], args: ['-c', INIT_SCRIPT], readonly_rootfs: true, cap_drop: ['ALL'] },
      Env: {
        MODELSHIP_SRC: '/model', MODELSHIP_DEST: '/alloc/data/model', MODELSHIP_VERSION: live.version, MODELSHIP_DIGEST: live.digest,
        // The prestart task has the server's CPU: one hashing process per whole CPU; scratch in its own /local.
        MODELSHIP_HASH_JOBS: String(Math.max(1, Math.ceil(cpuMillis(taxi.serving.resources.cpu) / 1000))), TMPDIR: '/local',
      },
    });
    expect(server.Env).toMatchObject({ MODEL_DIR: '/alloc/data/model', MODEL_VERSION: live.version, MODEL_DIGEST: live.digest });
    expect(server.Resources).toEqual({ CPU: 500, MemoryMB: 1024 });
    // The prestart task ends before the server starts: Nomad reserves the larger, so it gets the server's.
    expect(init.Resources).toEqual({ CPU: 500, MemoryMB: 1024 });
    expect(json.Job.TaskGroups[0].Update).toMatchObject({ Canary: 0, AutoRevert: true, HealthCheck: 'checks' });
    expect(json.Job.TaskGroups[0].RestartPolicy).toMatchObject({ Attempts: 3, Mode: 'fail' });
    expect(json.Job.TaskGroups[0].ReschedulePolicy).toMatchObject({ Unlimited: true, DelayFunction: 'exponential' });
    // The stage is in the service tags, not meta: Nomad restarts allocations whose meta changes.
    expect(json.Job.Meta).toEqual({ modelship_model: 'taxi-fare', modelship_managed_by: 'modelship' });
    expect(json.Job.TaskGroups[0].Meta).toEqual({
      modelship_version: live.version, modelship_digest: live.digest, modelship_size_source: 'measured', modelship_latency_source: 'declared',
    });
    // The service is the server task's: registered once the model is verified and the server runs, not at allocation start.
    expect(json.Job.TaskGroups[0].Services).toBeUndefined();
    expect(init.Services).toBeUndefined();
    expect(server.Services[0].Tags).toEqual(['live', `version-${live.version}`]);
    // A hung server is restarted after six failed checks, as the Kubernetes liveness probe does; not while it loads.
    expect(server.Services[0].Checks[0].CheckRestart).toEqual({ Limit: 6, Grace: 300 * 1e9, IgnoreWarnings: false });
    expect(server.ShutdownDelay).toBe(5 * 1e9);
  });

  it('host volume: copy into a per-version directory, read-only in the server', () => {
    const r = record({ deploy: { strategy: 'rolling', nomad: { hostVolume: 'models' } }, versions: [version('1.0.0', 'production')] });
    const g = rendered(r).json.Job.TaskGroups[0];
    expect(g.Volumes).toEqual({ models: { Name: 'models', Type: 'host', Source: 'models', ReadOnly: false } });
    const [init, server] = g.Tasks;
    expect(init.VolumeMounts).toEqual([{ Volume: 'models', Destination: '/models', ReadOnly: false }]);
    expect(server.VolumeMounts).toEqual([{ Volume: 'models', Destination: '/models', ReadOnly: true }]);
    expect(init.Env.MODELSHIP_DEST).toBe('/models/taxi-fare/1.0.0');
    expect(server.Env.MODEL_DIR).toBe('/models/taxi-fare/1.0.0');
  });

  it('escapes quotes, ${...}, %{...} and backslashes in record strings', async () => {
    const nasty = 'say "hi" ${HOME} %{ if x } C:\\temp\\new\nline\ttab';
    const r = record({ serving: { ...record().serving, env: { NASTY: nasty, TEMPLATE: '${NOMAD_ALLOC_DIR}' } }, versions: [version('1.0.0', 'production')] });
    const { hcl, json } = rendered(r);
    const parsed = await parseHcl(hcl);
    const server = fromHcl(parsed).Group.Tasks.find((t) => t.Name === 'server')!;
    expect(server.Env.NASTY).toBe(nasty);
    expect(server.Env.TEMPLATE).toBe('${NOMAD_ALLOC_DIR}');
    expect(json.Job.TaskGroups[0].Tasks[1].Env.NASTY).toBe(nasty);
    const init = fromHcl(parsed).Group.Tasks.find((t) => t.Name === 'model-init')!;
    expect(init.Args).toEqual(['-c', INIT_SCRIPT]);
    expect(quote('a"b\\c${d}%{e}$f')).toBe('"a\\"b\\\\c$${d}%%{e}$f"');
  });

  it.each(cases)('%s: HCL is already as hclwrite.Format (what `nomad fmt` runs) lays it out', async (_n, r) => {
    const { hcl } = rendered(r);
    expect(await format(hcl)).toBe(hcl);
  });

  it('lays out as nomad fmt does: two-space indents, aligned equals', () => {
    const { hcl } = rendered(examples.find((r) => r.name === 'taxi-fare')!);
    expect(hcl).toContain('\n    restart {\n      attempts = 3\n      interval = "5m"\n      delay    = "15s"\n      mode     = "fail"\n    }\n');
    expect(hcl).not.toMatch(/\t| +\n/);
  });

  it('refuses to deploy outside the gates and renders nothing without a deployable version', () => {
    const r = record({ gates: { maxSizeMiB: 512, maxLatencyP95Ms: 10 }, versions: [version('1.0.0', 'production')] });
    expect(() => buildModelJob({ record: r })).toThrow(PolicyError);
    expect(() => buildModelJob({ record: r })).toThrow(/p95 latency 20 ms exceeds maxLatencyP95Ms 10/);
    expect(renderJobs([record({ versions: [version('1.0.0', 'candidate', { digest: undefined })] })]).size).toBe(0);
  });

  describe('the candidate job', () => {
    const candidateCases = [
      ['rolling', record({ versions: [version('1.0.0', 'production'), version('1.1.0-rc.0', 'candidate', { digest: D2, latencyP95Ms: undefined })] })],
      ['blue-green', blueGreen({
        serving: { ...record().serving, replicas: 4 },
        versions: [version('1.0.0', 'production'), version('1.1.0', 'validated'), version('1.2.0-rc.0', 'candidate', { digest: D2, latencyP95Ms: undefined })],
        slots: { active: 'blue', blue: '1.0.0', green: '1.1.0' },
      })],
      ['host volume', record({ deploy: { strategy: 'rolling', nomad: { hostVolume: 'models' } }, versions: [version('1.0.0', 'candidate')] })],
    ] as const;
    const candidateOf = (r: ModelRecord) => {
      const job = buildCandidateJob({ record: r });
      if (!job) throw new Error('no candidate job');
      return { hcl: renderJobHcl(job), json: JSON.parse(renderJobJson(job)) };
    };

    it.each(candidateCases)('%s: passes HashiCorp\'s parser and server validation, HCL and JSON alike', async (_n, r) => {
      const { hcl, json } = candidateOf(r);
      expectNomadValid({ 'candidate.nomad.hcl': hcl, 'candidate.nomad.json': JSON.stringify(json) });
      expect(hclProblems(await parseHcl(hcl))).toEqual([]);
      expect(jsonProblems(json)).toEqual([]);
      expect(fromHcl(await parseHcl(hcl))).toEqual(fromJson(json));
      expect(await format(hcl)).toBe(hcl);
    });

    it.each(candidateCases)('%s: its own job and service, one instance, no canaries, tasks built as production\'s', (_n, r) => {
      const candidate = r.versions.filter((v) => v.stage === 'candidate').at(-1)!;
      const job = candidateOf(r).json.Job;
      expect(job.ID).toBe(`${r.name}-candidate`);
      expect(job.Meta).toEqual({
        modelship_model: r.name, modelship_version: candidate.version, modelship_digest: candidate.digest, modelship_stage: 'candidate',
        modelship_size_source: 'measured', ...(candidate.latencyP95Ms !== undefined ? { modelship_latency_source: 'measured' } : {}), modelship_managed_by: 'modelship',
      });
      const g = job.TaskGroups[0];
      expect(g.Count).toBe(1);
      expect(g.Update).toMatchObject({ Canary: 0, AutoRevert: true });
      const [init, server] = g.Tasks;
      expect(server.Services).toEqual([expect.objectContaining({ Name: `${r.name}-candidate`, Tags: ['candidate', `version-${candidate.version}`] })]);
      expect(server.Services[0].CanaryTags).toBeUndefined();
      expect(init.Config).toMatchObject({ image: `${r.artifact.image}:${candidate.version}`, args: ['-c', INIT_SCRIPT], readonly_rootfs: true, cap_drop: ['ALL'] });
      expect(init.Env).toMatchObject({ MODELSHIP_VERSION: candidate.version, MODELSHIP_DIGEST: candidate.digest });
      expect(server.Env).toMatchObject({ MODEL_VERSION: candidate.version, MODEL_DIGEST: candidate.digest });
      // Hardening, resources and policies are production's: compare with a production job of the same version.
      const asLive = buildModelJob({ record: { ...r, deploy: { ...r.deploy, strategy: 'rolling' }, slots: undefined,
        versions: [version(candidate.version, 'production', { digest: candidate.digest, sizeBytes: candidate.sizeBytes })] } })!;
      // The service is the candidate's own (its name and tags, checked above).
      const strip = (t: Record<string, unknown>) => ({ ...t, Env: undefined, Services: undefined });
      expect(g.Tasks.map(strip)).toEqual(asLive.TaskGroups[0].Tasks.map((t) => strip(t as unknown as Record<string, unknown>)));
      expect(g.RestartPolicy).toEqual(asLive.TaskGroups[0].RestartPolicy);
      expect(g.ReschedulePolicy).toEqual(asLive.TaskGroups[0].ReschedulePolicy);
      expect(g.EphemeralDisk).toEqual(asLive.TaskGroups[0].EphemeralDisk);
    });

    it.each(candidateCases)('%s: the main job is unchanged by a candidate', (_n, r) => {
      const without = { ...r, versions: r.versions.filter((v) => v.stage !== 'candidate') };
      expect(buildModelJob({ record: r })).toEqual(buildModelJob({ record: without }));
    });

    it('renders <name>-candidate files beside the main job; none for a candidate without digest or over its size gate', () => {
      const [, r] = candidateCases[0];
      expect([...renderJobs([r]).keys()].sort()).toEqual(['taxi-fare-candidate.nomad.hcl', 'taxi-fare-candidate.nomad.json', 'taxi-fare.nomad.hcl', 'taxi-fare.nomad.json']);
      const live = version('1.0.0', 'production');
      expect([...renderJobs([record({ versions: [live, version('1.1.0', 'candidate', { digest: undefined })] })]).keys()]).toEqual(['taxi-fare.nomad.hcl', 'taxi-fare.nomad.json']);
      expect([...renderJobs([record({ versions: [live, version('1.1.0', 'candidate', { sizeBytes: 600 * 1024 * 1024 })] })]).keys()]).toEqual(['taxi-fare.nomad.hcl', 'taxi-fare.nomad.json']);
    });

    it('refuses two jobs with one name (a model named like another one\'s candidate)', () => {
      const a = record({ versions: [version('1.0.0', 'candidate')] });
      const b = record({ name: 'taxi-fare-candidate', versions: [version('1.0.0', 'production')] });
      expect(() => renderJobs([a, b])).toThrow(/two jobs would be named taxi-fare-candidate/);
    });
  });
});

describe('the task user', () => {
  const live = record({ versions: [version('1.0.0', 'production')], retraining: { schedule: '0 3 * * *', image: 'r/train:1' } });

  it.each(['0', 'root', '', '00', 'a b', '0:1000', 'root:root', '1000:', '1000:1000:1'])('refuses user %p on every job: the tasks run as a non-root uid', (user) => {
    for (const build of [buildModelJob, buildRetrainingJob]) {
      expect(() => build({ record: live, user })).toThrow(/^taxi-fare: user must be a non-root uid/);
    }
  });

  it('takes another uid or a user name', () => {
    expect(buildModelJob({ record: live, user: '65532' })!.TaskGroups[0].Tasks.map((t) => t.User)).toEqual(['65532', '65532']);
    expect(buildRetrainingJob({ record: live, user: 'nobody' })!.TaskGroups[0].Tasks[0].User).toBe('nobody');
    expect(buildModelJob({ record: live, user: '1000:1000' })!.TaskGroups[0].Tasks[0].User).toBe('1000:1000');
    expect(buildModelJob({ record: live, user: 'app:app' })!.TaskGroups[0].Tasks[0].User).toBe('app:app');
  });
});

describe('the job namespace', () => {
  it('is always written, "default" when the record names none: $NOMAD_NAMESPACE cannot move a job into another stand\'s namespace', () => {
    const r = record({ versions: [version('1.0.0', 'production')], retraining: { schedule: '0 3 * * *', image: 'r/train:1' } });
    const files = renderJobs([r]);
    for (const name of ['taxi-fare', 'taxi-fare-retrain']) {
      expect(JSON.parse(files.get(`${name}.nomad.json`)!).Job.Namespace).toBe('default');
      expect(files.get(`${name}.nomad.hcl`)).toMatch(/^ {2}namespace += "default"$/m);
    }
  });
});
