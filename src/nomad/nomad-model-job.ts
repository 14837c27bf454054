// With nomad-model-stack.ts, the only files under src/ that import cdktf: it is
// archived upstream, so it stays behind the `modelship/nomad/stack` entry point.
import { TerraformProvider, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Job } from '@cdktf/provider-nomad/lib/job';
import type { ModelRecord } from '../core/record';
import { renderJobHcl } from './job-hcl';
import type { NomadJob } from './job-model';
import { buildCandidateJob, buildModelJob } from './model-job';
import { buildRetrainingJob, renderRetrainingJobHcl, RetrainingJob } from './retraining-job';

/**
 * What each stack's `nomad_job` resources already claimed: cdktf writes a second resource
 * with a taken logical ID over the first in cdk.tf.json, and two resources for one Nomad
 * job would fight over it, both silently.
 */
const claims = new WeakMap<TerraformStack, Map<string, string>>();

function claim(scope: Construct, key: string, what: string): void {
  const stack = TerraformStack.of(scope);
  const taken = claims.get(stack) ?? new Map<string, string>();
  claims.set(stack, taken);
  const holder = taken.get(key);
  if (holder !== undefined) throw new Error(`${scope.node.path}: ${what} is already defined by ${holder}; give this NomadModelJob another id`);
  taken.set(key, scope.node.path);
}

/** The stack's one unaliased provider, looked up once per stack (a stack of a thousand models is not searched a thousand times). */
const defaults = new WeakMap<TerraformStack, TerraformProvider | undefined>();

/** The provider a resource without one uses, passed or not, when the stack has exactly one (created, as usual, before its resources). */
function defaultProvider(stack: TerraformStack): TerraformProvider | undefined {
  if (!defaults.has(stack)) {
    const providers = stack.node.children.filter((c): c is TerraformProvider => c instanceof TerraformProvider && !c.alias);
    defaults.set(stack, providers.length === 1 ? providers[0] : undefined);
  }
  return defaults.get(stack);
}

export interface NomadModelJobProps {
  /** The model record to run. */
  readonly record: ModelRecord;
  /**
   * The Nomad provider to register the job with.
   * @default - the stack's Nomad provider, as for any cdktf resource
   */
  readonly provider?: TerraformProvider;
  /**
   * Return from `terraform apply` once Nomad has accepted the job, without
   * waiting for its deployment to finish.
   * @default false
   */
  readonly detach?: boolean;
  /** uid the tasks run as. @default "1000" */
  readonly user?: string;
  /**
   * Also run the model's candidate (see `planDeployments`) as job `<name>-candidate`.
   * @default true
   */
  readonly candidate?: boolean;
  /**
   * Also register the record's `retraining` block as periodic job `<name>-retrain`.
   * @default true
   */
  readonly retraining?: boolean;
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

/**
 * One model's Nomad jobs as `nomad_job` resources named after the construct
 * id (`<id>`, `<id>-candidate` and `<id>-retrain`, so the id must be unique in its stack), for
 * any cdktf `TerraformStack`. A model with nothing deployable creates no
 * resource; one outside its gates throws a PolicyError.
 */
export class NomadModelJob extends Construct {
  /** The model's job as rendered, in Nomad's API shape; undefined when nothing is deployable. */
  readonly job?: NomadJob;
  /** Its `nomad_job` resource. */
  readonly resource?: Job;
  /** The candidate's job, when one can run. */
  readonly candidateJob?: NomadJob;
  readonly candidateResource?: Job;
  /** The scheduled retraining job, for a record with a `retraining` block (with or without a version). */
  readonly retrainingJob?: RetrainingJob;
  readonly retrainingResource?: Job;

  constructor(scope: Construct, id: string, props: NomadModelJobProps) {
    super(scope, id);
    const provider = (props.provider ?? defaultProvider(TerraformStack.of(this)))?.node.path ?? 'the default provider';
    const add = (name: string, logicalId: string, job: { ID: string; Namespace?: string; Region?: string }, hcl: string): Job => {
      claim(this, `resource ${logicalId}`, `nomad_job.${logicalId}`);
      const where = `region ${job.Region ?? 'of the provider'}, namespace ${job.Namespace ?? 'default'}`;
      claim(this, `job ${provider} ${where} ${job.ID}`, `the Nomad job ${JSON.stringify(job.ID)} (${where}, ${provider})`);
      const resource = new Job(this, name, {
        jobspec: escapeTerraformTemplate(hcl),
        detach: props.detach ?? false,
        purgeOnDestroy: false,
        ...(props.provider ? { provider: props.provider } : {}),
      });
      // `nomad_job.<id>`, not a path hash: the Terraform state address stays put when the construct tree changes.
      resource.overrideLogicalId(logicalId);
      return resource;
    };
    this.job = buildModelJob({ record: props.record, user: props.user });
    if (this.job) this.resource = add('job', id, this.job, renderJobHcl(this.job));
    this.candidateJob = props.candidate === false ? undefined : buildCandidateJob({ record: props.record, user: props.user });
    if (this.candidateJob) this.candidateResource = add('candidate', `${id}-candidate`, this.candidateJob, renderJobHcl(this.candidateJob));
    this.retrainingJob = props.retraining === false ? undefined : buildRetrainingJob({ record: props.record, user: props.user });
    if (this.retrainingJob) this.retrainingResource = add('retraining', `${id}-retrain`, this.retrainingJob, renderRetrainingJobHcl(this.retrainingJob));
  }
}
