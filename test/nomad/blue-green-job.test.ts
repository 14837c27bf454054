import { format } from '@cdktf/hcl-tools';
import { PolicyError } from '../../src/core/errors';
import { promote, rollback, switchSlots } from '../../src/core/lifecycle';
import type { ModelRecord } from '../../src/core/record';
import { renderJobHcl } from '../../src/nomad/job-hcl';
import { renderJobJson } from '../../src/nomad/job-json';
import { buildModelJob } from '../../src/nomad/model-job';
import { expectNomadValid, nomadParsed } from '../helpers/nomad-validate';
import { Json, jsonProblems } from '../helpers/nomad-schema';
import { blueGreen, D2, D3, record, version } from '../helpers/records';

const job = (r: ModelRecord): Json => JSON.parse(renderJobJson(buildModelJob({ record: r })!)).Job;

/** Every path at which two JSON values differ. */
function differences(a: Json, b: Json, at = ''): string[] {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b ? [] : [at];
  if (Array.isArray(a) !== Array.isArray(b)) return [at];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) => differences(a[k], b[k], Array.isArray(a) ? `${at}[${k}]` : `${at}.${k}`));
}

/** Both files through HashiCorp's parser into api.Job, so HCL and JSON can be compared whole. */
function parsedByNomad(r: ModelRecord): { hcl: Json; json: Json } | undefined {
  const j = buildModelJob({ record: r })!;
  const parsed = nomadParsed({ 'job.nomad.hcl': renderJobHcl(j), 'job.nomad.json': renderJobJson(j) });
  return parsed && { hcl: parsed['job.nomad.hcl'], json: parsed['job.nomad.json'] };
}

function expectValidBothWays(r: ModelRecord): void {
  const j = buildModelJob({ record: r })!;
  expect(jsonProblems(JSON.parse(renderJobJson(j)))).toEqual([]);
  expectNomadValid({ 'job.nomad.hcl': renderJobHcl(j), 'job.nomad.json': renderJobJson(j) });
  const parsed = parsedByNomad(r);
  if (parsed) expect(parsed.hcl).toEqual(parsed.json);
}

const T = (n: number) => `2026-11-02T00:00:0${n}Z`;

describe('Nomad blue/green: one job, a blue and a green group', () => {
  let first = blueGreen({ versions: [version('1.0.0', 'validated'), version('1.1.0', 'validated', { digest: D2 })] });
  first = promote(first, '1.0.0', T(1)).record;
  const withPreview = promote(first, '1.1.0', T(2)).record;
  const switched = switchSlots(withPreview, T(3)).record;
  const rolledBack = rollback(switched, T(4)).record;

  it('renders only filled slots, each pinned to its version with its own prestart task and disk', () => {
    expect(job(first).TaskGroups.map((g: Json) => g.Name)).toEqual(['blue']);
    const groups = job(withPreview).TaskGroups;
    // Named as the Kubernetes Services: a lookup of fraud-detector by name finds the live slot only.
    expect(groups.map((g: Json) => [g.Name, g.Meta.modelship_version, g.Tasks[0].Config.image, g.Tasks[1].Services[0].Name, g.Tasks[1].Services[0].Tags])).toEqual([
      ['blue', '1.0.0', 'registry.example.com/models/taxi-fare:1.0.0', 'fraud-detector', ['live', 'version-1.0.0', 'slot-blue']],
      ['green', '1.1.0', 'registry.example.com/models/taxi-fare:1.1.0', 'fraud-detector-preview', ['preview', 'version-1.1.0', 'slot-green']],
    ]);
    for (const g of groups) {
      expect(g.Update).toMatchObject({ Canary: 0, AutoRevert: true });
      expect(g.Tasks[0].Env.MODELSHIP_DIGEST).toBe(g.Meta.modelship_digest);
      expect(g.Count).toBe(3);
    }
    expect(job(withPreview).Meta).toEqual({ modelship_model: 'fraud-detector', modelship_managed_by: 'modelship' });
  });

  it.each([['first', first], ['preview', withPreview], ['switched', switched], ['rolled back', rolledBack]])(
    '%s: HCL and JSON pass Nomad\'s parser and validation with no warning, and parse to the same api.Job', async (_n, r) => {
      expectValidBothWays(r);
      const hcl = renderJobHcl(buildModelJob({ record: r })!);
      expect(await format(hcl)).toBe(hcl);
    },
  );

  it('a switch and a rollback change only service names and tags, which Nomad updates in place', () => {
    // Nomad's scheduler (tasksUpdated) compares a task's driver, config, env, meta, resources..., and of
    // services only Connect's: a plain service's name and tags change without a new allocation.
    const tagsOnly = (paths: string[]) => paths.every((p) => /^\.TaskGroups\[\d\]\.Tasks\[1\]\.Services\[0\]\.(Tags\[\d\]|Name)$/.test(p));
    const bySwitch = differences(job(withPreview), job(switched));
    expect(bySwitch.length).toBeGreaterThan(0);
    expect(bySwitch.filter((p) => !tagsOnly([p]))).toEqual([]);
    expect(job(switched).TaskGroups.map((g: Json) => [g.Tasks[1].Services[0].Name, g.Tasks[1].Services[0].Tags[0]]))
      .toEqual([['fraud-detector-preview', 'preview'], ['fraud-detector', 'live']]);
    expect(job(switched).TaskGroups[0].Tasks[1].Services[0].Tags).toContain('idle');
    const byRollback = differences(job(switched), job(rolledBack));
    expect(byRollback.length).toBeGreaterThan(0);
    expect(byRollback.filter((p) => !tagsOnly([p]))).toEqual([]);
    // The HCL differs in the same lines only.
    const lines = (r: ModelRecord) => renderJobHcl(buildModelJob({ record: r })!).split('\n');
    const [a, b] = [lines(withPreview), lines(switched)];
    expect(a.length).toBe(b.length);
    expect(a.filter((l, i) => l !== b[i]).every((l) => /^\s+(tags|name)\s+=/.test(l))).toBe(true);
  });

  it('deploy.blueGreen.idleReplicas shrinks only a retired slot', () => {
    const small = (r: ModelRecord): ModelRecord => ({ ...r, deploy: { ...r.deploy, blueGreen: { idleReplicas: 1 } } });
    expect(job(small(withPreview)).TaskGroups.map((g: Json) => g.Count)).toEqual([3, 3]);
    expect(job(small(switched)).TaskGroups.map((g: Json) => g.Count)).toEqual([1, 3]);
    expectValidBothWays(small(switched));
    // Autoscaled: the live group keeps its scaling block, a shrunk retired slot has a fixed count (0 stops it).
    const scaled = (r: ModelRecord): ModelRecord => ({
      ...r, serving: { ...r.serving, autoscaling: { min: 2, max: 6, targetCpuPercent: 60 } }, deploy: { ...r.deploy, blueGreen: { idleReplicas: 0 } },
    });
    const groups = job(scaled(switched)).TaskGroups;
    expect(groups.map((g: Json) => [g.Name, g.Count, g.Scaling?.Max])).toEqual([['blue', 0, undefined], ['green', 2, 6]]);
    expectValidBothWays(scaled(switched));
    expectValidBothWays(scaled(withPreview));
  });

  it('refuses a slot version outside its gates or stages', () => {
    const bad = { ...withPreview, gates: { maxSizeMiB: 512, maxLatencyP95Ms: 10 } };
    expect(() => buildModelJob({ record: bad })).toThrow(PolicyError);
  });
});

describe('Nomad: what real model servers need', () => {
  const r = record({
    versions: [version('1.0.0', 'production', { digest: D3 })],
    serving: {
      ...record().serving,
      resources: { cpu: '2', memory: '8Gi', gpu: { count: 2 } },
      command: ['python', '-m', 'serve'],
      args: ['--model', '${NOMAD_ALLOC_DIR}/x', 'say "hi"'],
      autoscaling: { min: 2, max: 8, targetCpuPercent: 70 },
    },
    deploy: {
      strategy: 'rolling',
      nomad: {
        datacenters: ['dc1'],
        constraints: [{ attribute: '${attr.kernel.name}', value: 'linux' }, { operator: 'distinct_hosts' }],
        affinities: [{ attribute: '${node.class}', value: 'gpu', weight: 60 }],
      },
    },
  });
  const j = job(r);
  const g = j.TaskGroups[0];
  const server = g.Tasks[1];

  it('a GPU device on the server task only, constraints and affinities on the group', () => {
    expect(server.Resources).toEqual({ CPU: 2000, MemoryMB: 8192, Devices: [{ Name: 'nvidia/gpu', Count: 2 }] });
    expect(g.Tasks[0].Resources.Devices).toBeUndefined();
    expect(g.Constraints).toEqual([{ LTarget: '${attr.kernel.name}', RTarget: 'linux', Operand: '=' }, { Operand: 'distinct_hosts' }]);
    expect(g.Affinities).toEqual([{ LTarget: '${node.class}', RTarget: 'gpu', Operand: '=', Weight: 60 }]);
    expect([j.Constraints, j.Affinities]).toEqual([undefined, undefined]);
  });

  it('blue-green: each slot has the constraints, so distinct_hosts keeps a slot\'s allocations apart, not both slots\' (a job-level one needs 2 x count nodes)', () => {
    const two = promote(promote(blueGreen({ versions: [version('1.0.0', 'validated'), version('1.1.0', 'validated', { digest: D2 })] }), '1.0.0', T(1)).record, '1.1.0', T(2)).record;
    const bg = { ...two, deploy: { ...two.deploy, nomad: { datacenters: ['dc1'], constraints: [{ operator: 'distinct_hosts' as const }] } } };
    const both = job(bg);
    expect(both.Constraints).toBeUndefined();
    expect(both.TaskGroups.map((tg: Json) => [tg.Name, tg.Constraints])).toEqual([['blue', [{ Operand: 'distinct_hosts' }]], ['green', [{ Operand: 'distinct_hosts' }]]]);
    expectValidBothWays(bg);
    expect(renderJobHcl(buildModelJob({ record: bg })!)).toContain('  group "green" {\n    count = 3\n\n    meta {');
  });

  it('the docker driver gets the entrypoint and args as written', () => {
    expect(server.Config.entrypoint).toEqual(['python', '-m', 'serve']);
    expect(server.Config.args).toEqual(['--model', '${NOMAD_ALLOC_DIR}/x', 'say "hi"']);
  });

  it('a scaling block owns the count (count starts at min)', () => {
    expect(g.Count).toBe(2);
    expect(g.Scaling).toEqual({
      Type: 'horizontal', Enabled: true, Min: 2, Max: 8,
      Policy: { check: [{ cpu: [{ source: 'nomad-apm', query: 'avg_cpu-allocated', strategy: [{ 'target-value': [{ target: 70 }] }] }] }] },
    });
  });

  it('passes Nomad\'s parser and validation with no warning; HCL and JSON parse to the same api.Job; laid out as nomad fmt does', async () => {
    expectValidBothWays(r);
    const hcl = renderJobHcl(buildModelJob({ record: r })!);
    expect(await format(hcl)).toBe(hcl);
    expectValidBothWays({ ...r, serving: { ...r.serving, resources: { cpu: '1', memory: '1Gi', gpu: { count: 1, vendor: 'amd' } } } });
  });
});
