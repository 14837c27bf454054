import 'cdktf/lib/testing/adapters/jest';
import { App, Testing } from 'cdktf';
import { Job } from '@cdktf/provider-nomad/lib/job';
import { NomadProvider } from '@cdktf/provider-nomad/lib/provider';
import { escapeTerraformTemplate, NomadModelStack } from '../../src/nomad/nomad-model-stack';
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
