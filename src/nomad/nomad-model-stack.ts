// The `modelship/nomad/stack` entry point: cdktf is archived upstream, so only
// this file and nomad-model-job.ts import it, and rendering jobs never needs it.
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { Job } from '@cdktf/provider-nomad/lib/job';
import { NomadProvider } from '@cdktf/provider-nomad/lib/provider';
import type { ModelRecord } from '../core/record';
import { NomadModelJob } from './nomad-model-job';

export { escapeTerraformTemplate, NomadModelJob } from './nomad-model-job';
export type { NomadModelJobProps } from './nomad-model-job';

export interface NomadModelStackProps {
  /** The model records; each with something deployable becomes one `nomad_job`, and its candidate another. */
  readonly records: readonly ModelRecord[];
  /** Nomad's HTTP API (stacks/main.ts passes $NOMAD_ADDR). @default "http://127.0.0.1:4646", the local agent */
  readonly address?: string;
}

/** A thin default stack: the Nomad provider and a NomadModelJob per model, for `cdktf deploy`. */
export class NomadModelStack extends TerraformStack {
  /** Job resources by job name (`<name>`, `<name>-candidate`, `<name>-retrain`). */
  readonly jobs = new Map<string, Job>();

  constructor(scope: Construct, id: string, props: NomadModelStackProps) {
    super(scope, id);
    new NomadProvider(this, 'nomad', { address: props.address ?? 'http://127.0.0.1:4646' });
    for (const record of props.records) {
      const jobs = new NomadModelJob(this, record.name, { record });
      if (jobs.candidateJob && jobs.candidateResource) this.jobs.set(jobs.candidateJob.ID, jobs.candidateResource);
      if (jobs.retrainingJob && jobs.retrainingResource) this.jobs.set(jobs.retrainingJob.ID, jobs.retrainingResource);
      if (!jobs.job || !jobs.resource) continue;
      this.jobs.set(jobs.job.ID, jobs.resource);
      const live = jobs.job.TaskGroups.find((g) => g.Tasks.some((t) => t.Services?.some((s) => s.Tags.includes('live'))));
      if (live?.Meta) new TerraformOutput(this, `${record.name}-version`, { value: live.Meta.modelship_version });
    }
  }
}
