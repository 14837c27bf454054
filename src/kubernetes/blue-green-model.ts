import { Construct } from 'constructs';
import { planDeployments, PlannedDeployment } from '../core/deployment-plan';
import type { ModelRecord } from '../core/record';
import { LABEL_SLOT } from './labels';
import { ModelCandidate } from './model-candidate';
import { ModelDeployment } from './model-deployment';
import { ModelDisruptionBudget } from './model-disruption-budget';
import { ModelService } from './model-service';

export interface BlueGreenModelProps {
  /** The model record; `slots` says which version runs where and which slot is live. */
  readonly record: ModelRecord;
}

/**
 * A blue-green model: `<name>-blue` and `<name>-green` Deployments pinned to
 * their slots' versions (an empty slot is not rendered), Service `<name>` on
 * the active slot and `<name>-preview` on the other. A switch changes only the
 * two selectors, so it takes effect as fast as kube-proxy updates. A candidate
 * runs beside them as `<name>-candidate`, in no slot.
 */
export class BlueGreenModel extends Construct {
  constructor(scope: Construct, id: string, props: BlueGreenModelProps) {
    super(scope, id);
    const r = props.record;
    if (r.deploy.strategy !== 'blue-green') throw new Error(`${r.name}: BlueGreenModel needs deploy.strategy blue-green, not ${r.deploy.strategy}`);
    const plan = planDeployments(r);
    const slotted = [plan.live, plan.preview].filter((p): p is PlannedDeployment => p !== undefined)
      // Construct order decides object order in the manifest: blue before green, whichever is live.
      .sort((a, b) => (a.slot as string).localeCompare(b.slot as string));
    for (const p of slotted) {
      const slot = p.slot as NonNullable<PlannedDeployment['slot']>;
      new ModelDeployment(this, slot, {
        modelName: r.name, deploymentName: `${r.name}-${slot}`, artifact: r.artifact, serving: r.serving, gates: r.gates,
        version: p.version, servesAs: p.role === 'live' ? 'production' : p.version.stage, slot, selectorLabels: { [LABEL_SLOT]: slot },
      });
    }
    if (plan.live) {
      const selector = { [LABEL_SLOT]: plan.live.slot as string };
      new ModelService(this, 'live', { serviceName: r.name, modelName: r.name, selector, targetPort: r.serving.port });
      new ModelDisruptionBudget(this, 'pdb', { budgetName: r.name, modelName: r.name, selector });
    }
    if (plan.preview) {
      new ModelService(this, 'preview', {
        serviceName: `${r.name}-preview`, modelName: r.name, selector: { [LABEL_SLOT]: plan.preview.slot as string }, targetPort: r.serving.port,
      });
    }
    if (plan.candidate) new ModelCandidate(this, 'candidate', { record: r, version: plan.candidate.version });
  }
}
