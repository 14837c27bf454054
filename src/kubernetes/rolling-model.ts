import { Construct } from 'constructs';
import { planDeployments } from '../core/deployment-plan';
import type { ModelRecord } from '../core/record';
import { LABEL_TRACK } from './labels';
import { ModelCandidate } from './model-candidate';
import { ModelDeployment } from './model-deployment';
import { ModelDisruptionBudget } from './model-disruption-budget';
import { ModelService } from './model-service';

export interface RollingModelProps {
  /** The model record; `planDeployments` decides what runs live and as the candidate. */
  readonly record: ModelRecord;
}

/**
 * A rolling model: Deployment `<name>` with the production version (replaced
 * in place on promote), Service and PodDisruptionBudget; plus the one-replica
 * `<name>-candidate` Deployment and Service when a candidate can run.
 */
export class RollingModel extends Construct {
  constructor(scope: Construct, id: string, props: RollingModelProps) {
    super(scope, id);
    const r = props.record;
    if (r.deploy.strategy !== 'rolling') throw new Error(`${r.name}: RollingModel needs deploy.strategy rolling, not ${r.deploy.strategy}`);
    const plan = planDeployments(r);
    if (plan.live) {
      const stable = { [LABEL_TRACK]: 'stable' };
      new ModelDeployment(this, 'production', {
        modelName: r.name, deploymentName: r.name, artifact: r.artifact, serving: r.serving, gates: r.gates,
        version: plan.live.version, servesAs: 'production', selectorLabels: stable,
      });
      new ModelService(this, 'service', { serviceName: r.name, modelName: r.name, selector: stable, targetPort: r.serving.port });
      new ModelDisruptionBudget(this, 'pdb', { budgetName: r.name, modelName: r.name, selector: stable });
    }
    if (plan.candidate) new ModelCandidate(this, 'candidate', { record: r, version: plan.candidate.version });
  }
}
