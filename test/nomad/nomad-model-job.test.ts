import 'cdktf/lib/testing/adapters/jest';
import { Testing, TerraformStack } from 'cdktf';
import { NomadProvider } from '@cdktf/provider-nomad/lib/provider';
import { PolicyError } from '../../src/core/errors';
import { NomadModelJob } from '../../src/nomad/nomad-model-job';
import { record, version } from '../helpers/records';

Testing.setupJest();

const live = record({ versions: [version('1.0.0', 'production')] });

describe('NomadModelJob in a stack of your own', () => {
  it('uses the stack\'s provider, or the one passed in; the resource is named after the construct id', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'mine');
    new NomadProvider(stack, 'default', { address: 'http://nomad-a:4646' });
    const other = new NomadProvider(stack, 'eu', { address: 'http://nomad-eu:4646', alias: 'eu' });
    const a = new NomadModelJob(stack, 'taxi-fare', { record: live });
    new NomadModelJob(stack, 'taxi-fare-eu', { record: live, provider: other, detach: true });
    const out = JSON.parse(Testing.synth(stack));
    expect(Object.keys(out.resource.nomad_job).sort()).toEqual(['taxi-fare', 'taxi-fare-eu']);
    expect(out.resource.nomad_job['taxi-fare'].provider).toBeUndefined();
    expect(out.resource.nomad_job['taxi-fare-eu']).toMatchObject({ provider: 'nomad.eu', detach: true });
    expect(a.job?.TaskGroups.map((g) => g.Name)).toEqual(['model']);
  });

  it('creates nothing for a model with nothing deployable, and throws the PolicyError itself for one outside its gates', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'mine');
    expect(new NomadModelJob(stack, 'empty', { record: record() }).resource).toBeUndefined();
    const outside = record({ gates: { maxSizeMiB: 512, maxLatencyP95Ms: 10 }, versions: [version('1.0.0', 'production')] });
    expect(() => new NomadModelJob(stack, 'bad', { record: outside })).toThrow(PolicyError);
    expect(() => new NomadModelJob(stack, 'bad2', { record: outside })).toThrow(/^taxi-fare 1\.0\.0 cannot be deployed as production: p95 latency/);
  });
});
