import { Construct } from 'constructs';
import { planDeployments, roleRefusal } from '../core/deployment-plan';
import { PolicyError } from '../core/errors';
import type { ModelRecord } from '../core/record';
import { LABEL_ROLE, LABEL_TRACK } from './labels';
import { ModelCandidate } from './model-candidate';
import { ModelDeployment } from './model-deployment';
import { ModelDisruptionBudget } from './model-disruption-budget';
import { ModelService } from './model-service';
import { requireRecordNamespace } from './record-namespace';

export interface RollingModelProps {
  /** The model record; `planDeployments` decides what runs live and as the candidate. */
  readonly record: ModelRecord;
}

/**
 * A rolling model: Deployment `<name>` with the production version (replaced
 * in place on promote; autoscaled when the record says so), Service and
 * PodDisruptionBudget; plus the one-replica `<name>-candidate` Deployment and
 * Service when a candidate can run.
 */
export class RollingModel extends Construct {
  /** The production Deployment, when a version is in production. */
  readonly live?: ModelDeployment;
  readonly liveService?: ModelService;
  readonly disruptionBudget?: ModelDisruptionBudget;
  /** The candidate's Deployment and Service, when one can run. */
  readonly candidate?: ModelCandidate;

  constructor(scope: Construct, id: string, props: RollingModelProps) {
    super(scope, id);
    const r = props.record;
    requireRecordNamespace(this, r, 'RollingModel');
    if (r.deploy.strategy !== 'rolling') throw new Error(`${r.name}: RollingModel needs deploy.strategy rolling, not ${r.deploy.strategy}`);
    const plan = planDeployments(r);
    if (plan.live) {
      const refusal = roleRefusal(r, plan.live);
      if (refusal) throw new PolicyError(refusal);
    }
    const k8s = r.deploy.kubernetes ?? {};
    if (plan.live) {
      const stable = { [LABEL_TRACK]: 'stable' };
      this.live = ModelDeployment.fromRecord(this, 'production', r, plan.live.version, {
        deploymentName: r.name, servesAs: 'production', selectorLabels: stable,
        autoscaling: r.serving.autoscaling, deploymentLabels: { [LABEL_ROLE]: 'live' },
      });
      this.liveService = new ModelService(this, 'service', {
        serviceName: r.name, modelName: r.name, selector: stable, targetPort: r.serving.port, port: r.serving.servicePort,
        labels: { ...k8s.labels, [LABEL_ROLE]: 'live' }, annotations: k8s.annotations,
      });
      this.disruptionBudget = new ModelDisruptionBudget(this, 'pdb', { budgetName: r.name, modelName: r.name, selector: stable, labels: k8s.labels });
    }
    if (plan.candidate) this.candidate = new ModelCandidate(this, 'candidate', { record: r, version: plan.candidate.version });
  }
}
