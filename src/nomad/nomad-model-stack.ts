// The only file under src/ that imports cdktf: archived upstream, so it stays
// behind this one construct and stacks/, and rendering jobs never needs it.
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Job } from '@cdktf/provider-nomad/lib/job';
import { NomadProvider } from '@cdktf/provider-nomad/lib/provider';
import type { ModelRecord } from '../core/record';
import { renderJobHcl } from './job-hcl';
import type { NomadJob } from './job-model';
import { buildCandidateJob, buildModelJob } from './model-job';

export interface NomadModelStackProps {
  /** The model records; each with something deployable becomes one `nomad_job`, and its candidate another. */
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

/** One stack with the Nomad provider and a `nomad_job` per model and per candidate, for `cdktf deploy`. */
export class NomadModelStack extends TerraformStack {
  /** Job resources by job name (`<name>`, `<name>-candidate`). */
  readonly jobs = new Map<string, Job>();

  constructor(scope: Construct, id: string, props: NomadModelStackProps) {
    super(scope, id);
    new NomadProvider(this, 'nomad', { address: props.address ?? process.env.NOMAD_ADDR ?? 'http://127.0.0.1:4646' });
    for (const record of props.records) {
      const main = buildModelJob({ record });
      if (main) {
        // A deployment that waits for `nomad deployment promote` must not block the apply.
        this.addJob(main, record.deploy.strategy === 'blue-green');
        new TerraformOutput(this, `${record.name}-version`, { value: main.Meta.modelship_version });
      }
      const candidate = buildCandidateJob({ record });
      if (candidate) this.addJob(candidate, false);
    }
  }

  private addJob(job: NomadJob, detach: boolean): void {
    this.jobs.set(job.ID, new Job(this, job.ID, {
      jobspec: escapeTerraformTemplate(renderJobHcl(job)),
      detach,
      purgeOnDestroy: false,
    }));
  }
}
