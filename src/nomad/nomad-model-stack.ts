// The only file under src/ that imports cdktf: archived upstream, so it stays
// behind this one construct and stacks/, and rendering jobs never needs it.
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Job } from '@cdktf/provider-nomad/lib/job';
import { NomadProvider } from '@cdktf/provider-nomad/lib/provider';
import type { ModelRecord } from '../core/record';
import { renderJobHcl } from './job-hcl';
import { buildModelJob } from './model-job';

export interface NomadModelStackProps {
  /** The model records; each with something deployable becomes one `nomad_job`. */
  readonly records: readonly ModelRecord[];
  /** Nomad's HTTP API. @default $NOMAD_ADDR, else http://127.0.0.1:4646 */
  readonly address?: string;
}

/**
 * Terraform reads every string in cdk.tf.json as a template, so `${` and `%{`
 * are doubled to reach the provider as written. (Fn.rawString is for HCL
 * expression context: it also escapes quotes and backslashes, which would
 * corrupt the jobspec here.)
 */
export function escapeTerraformTemplate(s: string): string {
  return s.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** One stack with the Nomad provider and a `nomad_job` per model, for `cdktf deploy`. */
export class NomadModelStack extends TerraformStack {
  /** Job resources by model name. */
  readonly jobs = new Map<string, Job>();

  constructor(scope: Construct, id: string, props: NomadModelStackProps) {
    super(scope, id);
    new NomadProvider(this, 'nomad', { address: props.address ?? process.env.NOMAD_ADDR ?? 'http://127.0.0.1:4646' });
    for (const record of props.records) {
      const job = buildModelJob({ record });
      if (!job) continue;
      const resource = new Job(this, record.name, {
        jobspec: escapeTerraformTemplate(renderJobHcl(job)),
        // A deployment that waits for `nomad deployment promote` must not block the apply.
        detach: record.deploy.strategy === 'blue-green',
        purgeOnDestroy: false,
      });
      this.jobs.set(record.name, resource);
      const live = job.TaskGroups.find((g) => g.Services.some((s) => s.Tags.includes('live')));
      if (live?.Meta) new TerraformOutput(this, `${record.name}-version`, { value: live.Meta.modelship_version });
    }
  }
}
