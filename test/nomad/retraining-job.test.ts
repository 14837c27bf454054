import { format } from '@cdktf/hcl-tools';
import type { ModelRecord } from '../../src/core/record';
import { renderJobs } from '../../src/nomad/render-jobs';
import { buildRetrainingJob, renderRetrainingJobHcl, renderRetrainingJobJson } from '../../src/nomad/retraining-job';
import { expectNomadValid, haveNomadValidate, nomadValidate } from '../helpers/nomad-validate';
import { hclProblems, jsonProblems, parseHcl } from '../helpers/nomad-schema';
import { D1, record, version } from '../helpers/records';

const RETRAINING: ModelRecord['retraining'] = {
  schedule: '15 3 * * 1-5',
  image: 'registry.example.com/train/taxi-fare:2.0.0',
  command: ['python', '-m', 'train'],
  args: ['--epochs', '10', '--template=${NOMAD_TASK_DIR} %{x}'],
  env: { LOG_LEVEL: 'info' },
  resources: { cpu: '2', memory: '8Gi' },
  datasets: { train: 's3://data/taxi/train/' },
};

const withRetraining = (extra: Partial<ModelRecord> = {}) => record({
  retraining: RETRAINING, versions: [version('1.4.0', 'production')], ...extra,
});

function files(r: ModelRecord) {
  const job = buildRetrainingJob({ record: r });
  if (!job) throw new Error('no job');
  return { hcl: renderRetrainingJobHcl(job), json: renderRetrainingJobJson(job), job };
}

describe('the retraining periodic job', () => {
  it('passes HashiCorp\'s parser and server validation with no warning, in HCL and JSON', () => {
    const { hcl, json } = files(withRetraining());
    expectNomadValid({ 'taxi-fare-retrain.nomad.hcl': hcl, 'taxi-fare-retrain.nomad.json': json });
  });

  it('passes the jobspec schema and is laid out as nomad fmt does', async () => {
    const { hcl, json } = files(withRetraining());
    expect(hclProblems(await parseHcl(hcl))).toEqual([]);
    expect(jsonProblems(JSON.parse(json))).toEqual([]);
    expect(await format(hcl)).toBe(hcl);
  });

  it('a batch job with periodic { crons, prohibit_overlap = true } in UTC', () => {
    const { hcl, job } = files(withRetraining());
    expect(job).toMatchObject({
      ID: 'taxi-fare-retrain', Type: 'batch', Datacenters: ['dc1'],
      Meta: { modelship_model: 'taxi-fare', modelship_managed_by: 'modelship', modelship_retrain_on_drift: 'false' },
      Periodic: { Enabled: true, Specs: ['15 3 * * 1-5'], SpecType: 'cron', ProhibitOverlap: true, TimeZone: 'UTC' },
    });
    expect(hcl).toContain('  periodic {\n    crons            = ["15 3 * * 1-5"]\n    prohibit_overlap = true\n    time_zone        = "UTC"\n  }\n');
  });

  it('the task is hardened, sized, has restart and reschedule policies, and gets the contract', () => {
    const { job } = files(withRetraining());
    const [g] = job.TaskGroups;
    expect(g.RestartPolicy.Mode).toBe('fail');
    expect(g.ReschedulePolicy).toMatchObject({ Attempts: 2, Unlimited: false });
    const [t] = g.Tasks;
    expect(t.User).toBe('1000');
    expect(t.Config).toEqual({
      image: 'registry.example.com/train/taxi-fare:2.0.0', entrypoint: ['python', '-m', 'train'],
      args: ['--epochs', '10', '--template=${NOMAD_TASK_DIR} %{x}'],
      readonly_rootfs: true, cap_drop: ['ALL'], security_opt: ['no-new-privileges'],
    });
    expect(t.Resources).toEqual({ CPU: 2000, MemoryMB: 8192 });
    expect(t.Env).toEqual({
      TMPDIR: '/local', LOG_LEVEL: 'info',
      MODELSHIP_MODEL: 'taxi-fare', MODELSHIP_CANDIDATE_REPOSITORY: 'registry.example.com/models/taxi-fare',
      MODELSHIP_NEXT_VERSION: '1.5.0-rc.0', MODELSHIP_NEXT_RELEASE: 'preminor',
      MODELSHIP_PRODUCTION_VERSION: '1.4.0', MODELSHIP_PRODUCTION_DIGEST: D1, MODELSHIP_DATASET_TRAIN: 's3://data/taxi/train/',
    });
  });

  it('HCL template sequences in values stay literal text through the parser', () => {
    if (!haveNomadValidate()) return;
    const { hcl } = files(withRetraining());
    expect(hcl).toContain('"--template=$${NOMAD_TASK_DIR} %%{x}"');
    const v = nomadValidate({ 'j.nomad.hcl': hcl });
    expect(v.status).toBe(0);
  });

  it('synth writes <name>-retrain.nomad.hcl/.json beside the serving job, and even before a first version', () => {
    expect([...renderJobs([withRetraining()]).keys()].sort()).toEqual([
      'taxi-fare-retrain.nomad.hcl', 'taxi-fare-retrain.nomad.json', 'taxi-fare.nomad.hcl', 'taxi-fare.nomad.json',
    ]);
    expect(renderJobs([withRetraining({ versions: [] })]).size).toBe(2);
    expect(renderJobs([record({ versions: [version('1.4.0', 'production')] })]).has('taxi-fare-retrain.nomad.hcl')).toBe(false);
  });

  it('the model\'s constraints and affinities, as on its serving job, valid to Nomad in HCL and JSON', async () => {
    const nomad = {
      datacenters: ['dc1'],
      constraints: [{ attribute: '${attr.kernel.name}', value: 'linux' }, { attribute: '${node.class}', operator: 'regexp' as const, value: '^ml-' }],
      affinities: [{ attribute: '${meta.gpu}', value: 'a100', weight: 30 }],
    };
    const r = withRetraining({ deploy: { strategy: 'rolling', nomad } });
    const { hcl, json, job } = files(r);
    const serving = JSON.parse(renderJobs([r]).get('taxi-fare.nomad.json')!).Job;
    // The serving job has them per group (its one group here); the retraining job's one group is the job.
    expect(job.Constraints).toEqual(serving.TaskGroups[0].Constraints);
    expect(job.Affinities).toEqual(serving.TaskGroups[0].Affinities);
    expect(job.Constraints).toEqual([
      { LTarget: '${attr.kernel.name}', RTarget: 'linux', Operand: '=' }, { LTarget: '${node.class}', RTarget: '^ml-', Operand: 'regexp' },
    ]);
    expect(hcl).toContain('  constraint {\n    attribute = "$${node.class}"\n    operator  = "regexp"\n    value     = "^ml-"\n  }\n');
    expect(hclProblems(await parseHcl(hcl))).toEqual([]);
    expect(await format(hcl)).toBe(hcl);
    expectNomadValid({ 'taxi-fare-retrain.nomad.hcl': hcl, 'taxi-fare-retrain.nomad.json': json });
  });

  it('region and namespace from the record', () => {
    const { job } = files(withRetraining({ deploy: { strategy: 'rolling', nomad: { datacenters: ['eu1', 'eu2'], region: 'eu', namespace: 'ml' } } }));
    expect(job).toMatchObject({ Region: 'eu', Namespace: 'ml', Datacenters: ['eu1', 'eu2'] });
  });
});
