import { Construct } from 'constructs';
import { findVersion, ModelRecord, otherSlot, SLOT_NAMES } from '../core/record';
import { LABEL_SLOT } from './labels';
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
 * two selectors, so it takes effect as fast as kube-proxy updates.
 */
export class BlueGreenModel extends Construct {
  constructor(scope: Construct, id: string, props: BlueGreenModelProps) {
    super(scope, id);
    const r = props.record;
    if (r.deploy.strategy !== 'blue-green') throw new Error(`${r.name}: BlueGreenModel needs deploy.strategy blue-green, not ${r.deploy.strategy}`);
    const slots = r.slots;
    if (!slots) return;
    for (const slot of SLOT_NAMES) {
      const version = slots[slot];
      if (version === null) continue;
      const entry = findVersion(r, version);
      if (!entry) throw new Error(`${r.name}: slots.${slot} holds ${version}, which is not in versions`);
      const active = slot === slots.active;
      new ModelDeployment(this, slot, {
        modelName: r.name, deploymentName: `${r.name}-${slot}`, artifact: r.artifact, serving: r.serving, gates: r.gates,
        version: entry, servesAs: active ? 'production' : entry.stage, slot, selectorLabels: { [LABEL_SLOT]: slot },
      });
    }
    const idle = otherSlot(slots.active);
    if (slots[slots.active] !== null) {
      new ModelService(this, 'live', {
        serviceName: r.name, modelName: r.name, selector: { [LABEL_SLOT]: slots.active }, targetPort: r.serving.port,
      });
      new ModelDisruptionBudget(this, 'pdb', {
        budgetName: r.name, modelName: r.name, selector: { [LABEL_SLOT]: slots.active },
      });
    }
    if (slots[idle] !== null) {
      new ModelService(this, 'preview', {
        serviceName: `${r.name}-preview`, modelName: r.name, selector: { [LABEL_SLOT]: idle }, targetPort: r.serving.port,
      });
    }
  }
}
