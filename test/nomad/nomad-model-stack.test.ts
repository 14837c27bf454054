import 'cdktf/lib/testing/adapters/jest';
import { App, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { Job } from '@cdktf/provider-nomad/lib/job';
import { NomadProvider } from '@cdktf/provider-nomad/lib/provider';
import { escapeTerraformTemplate, NomadModelJob, NomadModelStack } from '../../src/nomad/nomad-model-stack';
import { renderJobHcl } from '../../src/nomad/job-hcl';
import { buildCandidateJob, buildModelJob } from '../../src/nomad/model-job';
import { buildRetrainingJob, renderRetrainingJobHcl } from '../../src/nomad/retraining-job';
import { ModelStore } from '../../src/registry/model-store';
import { EXAMPLE_MODELS } from '../helpers/cli';
import { parseHcl } from '../helpers/nomad-schema';
import { record, version } from '../helpers/records';

Testing.setupJest();

const records = new ModelStore(EXAMPLE_MODELS).loadAll();

function synth(rs = records, address?: string): string {
  const app = Testing.app();
  const stack = new NomadModelStack(app as App, 'test', { records: rs, address });
  return Testing.synth(stack);
}

describe('cdktf stack', () => {
  it('has the Nomad provider and one nomad_job per model, with the rendered jobspec', () => {
    const out = synth(records, 'http://nomad.internal:4646');
    expect(out).toHaveProvider(NomadProvider);
    expect(out).toHaveProviderWithProperties(NomadProvider, { address: 'http://nomad.internal:4646' });
    for (const r of records) {
      expect(out).toHaveResourceWithProperties(Job, {
        jobspec: escapeTerraformTemplate(renderJobHcl(buildModelJob({ record: r })!)),
        // Blue-green is two groups now, not canaries waiting for a promote: nothing to detach from.
        detach: false,
      });
    }
    for (const r of records) {
      expect(out).toHaveResourceWithProperties(Job, { jobspec: escapeTerraformTemplate(renderJobHcl(buildCandidateJob({ record: r })!)), detach: false });
    }
    expect(Object.keys(JSON.parse(out).resource.nomad_job).sort()).toEqual(['fraud-detector', 'fraud-detector-candidate', 'taxi-fare', 'taxi-fare-candidate']);
  });

  it('hands the provider exactly the jobspec HCL after Terraform unescapes its templates', async () => {
    const out = JSON.parse(synth());
    const tf = out.resource.nomad_job['taxi-fare'].jobspec as string;
    // Terraform's template rule: `$${` is a literal `${`, `%%{` a literal `%{`.
    const delivered = tf.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
    expect(delivered).toBe(renderJobHcl(buildModelJob({ record: records.find((r) => r.name === 'taxi-fare')! })!));
    await expect(parseHcl(delivered)).resolves.toHaveProperty('job');
  });

  it('defaults the address to the local agent; the construct does not read the environment', () => {
    const saved = process.env.NOMAD_ADDR;
    process.env.NOMAD_ADDR = 'http://10.0.0.9:4646';
    expect(synth()).toHaveProviderWithProperties(NomadProvider, { address: 'http://127.0.0.1:4646' });
    if (saved === undefined) delete process.env.NOMAD_ADDR;
    else process.env.NOMAD_ADDR = saved;
  });

  it('a record with a retraining block gets its periodic job, even before a first version', () => {
    const r = record({ retraining: { schedule: '0 3 * * 1', image: 'registry.example.com/train/x:1', args: ['${NOMAD_TASK_DIR}'] } });
    const out = synth([r]);
    expect(out).toHaveResourceWithProperties(Job, { jobspec: escapeTerraformTemplate(renderRetrainingJobHcl(buildRetrainingJob({ record: r })!)) });
    expect(Object.keys(JSON.parse(out).resource.nomad_job)).toEqual(['taxi-fare-retrain']);
  });

  it('skips models with nothing deployable', () => {
    const out = JSON.parse(synth([record({ versions: [version('1.0.0', 'candidate', { digest: undefined })] })]));
    expect(out.resource?.nomad_job).toBeUndefined();
  });
});

describe('NomadModelJob names in a stack', () => {
  const one = (name: string) => record({ name, versions: [version('1.0.0', 'production')] });

  it('refuses a second resource with a taken logical ID, naming both constructs (cdktf would write one over the other)', () => {
    const stack = new TerraformStack(Testing.app() as App, 's');
    new NomadProvider(stack, 'nomad', { address: 'http://127.0.0.1:4646' });
    new NomadModelJob(new Construct(stack, 'east'), 'churn', { record: one('churn') });
    expect(() => new NomadModelJob(new Construct(stack, 'west'), 'churn', { record: one('churn') }))
      .toThrow('s/west/churn: nomad_job.churn is already defined by s/east/churn; give this NomadModelJob another id');
  });

  it('refuses model a-candidate beside model a\'s candidate in one stack', () => {
    const candidate = record({ name: 'a', versions: [version('1.0.0', 'production'), version('1.1.0', 'candidate')] });
    expect(() => synth([candidate, one('a-candidate')])).toThrow(/nomad_job\.a-candidate is already defined by test\/a/);
  });

  it('refuses two resources for one Nomad job on one provider and namespace, and allows it on another provider', () => {
    const stack = new TerraformStack(Testing.app() as App, 's');
    const east = new NomadProvider(stack, 'east', { alias: 'east', address: 'http://east:4646' });
    const west = new NomadProvider(stack, 'west', { alias: 'west', address: 'http://west:4646' });
    new NomadModelJob(stack, 'churn', { record: one('churn'), provider: east });
    expect(() => new NomadModelJob(stack, 'churn-again', { record: one('churn'), provider: east }))
      .toThrow('s/churn-again: the Nomad job "churn" (region of the provider, namespace default, s/east) is already defined by s/churn');
    new NomadModelJob(stack, 'churn-west', { record: one('churn'), provider: west });
    const jobs = JSON.parse(Testing.synth(stack)).resource.nomad_job;
    expect(Object.keys(jobs).sort()).toEqual(['churn', 'churn-west']);
  });
});

describe('NomadModelJob: one Nomad job per region, namespace and ID', () => {
  const inRegion = (region?: string) => record({ name: 'churn', versions: [version('1.0.0', 'production')], deploy: { strategy: 'rolling', nomad: { datacenters: ['dc1'], ...(region ? { region } : {}) } } });

  it('takes one model in two regions on one provider', () => {
    const stack = new TerraformStack(Testing.app() as App, 's');
    new NomadProvider(stack, 'nomad', { address: 'http://127.0.0.1:4646' });
    new NomadModelJob(stack, 'churn-eu', { record: inRegion('eu') });
    expect(() => new NomadModelJob(stack, 'churn-us', { record: inRegion('us') })).not.toThrow();
  });

  it('sees the stack\'s one provider whether it is passed or not', () => {
    const stack = new TerraformStack(Testing.app() as App, 's');
    const p = new NomadProvider(stack, 'nomad', { address: 'http://127.0.0.1:4646' });
    new NomadModelJob(stack, 'churn', { record: inRegion() });
    expect(() => new NomadModelJob(stack, 'churn-again', { record: inRegion(), provider: p })).toThrow(/the Nomad job "churn" \(region of the provider, namespace default, s\/nomad\) is already defined by s\/churn/);
  });
});
