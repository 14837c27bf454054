import { Construct } from 'constructs';
import { findVersion, ModelRecord, otherSlot, SLOT_NAMES, SlotName } from '../core/record';
import { LABEL_ROLE, LABEL_SLOT } from './labels';
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
 * two selectors and object labels, so it takes effect as fast as kube-proxy
 * updates and restarts no pod.
 */
export class BlueGreenModel extends Construct {
  /** The Deployment of each filled slot. */
  readonly slots: Partial<Record<SlotName, ModelDeployment>> = {};
  /** Service `<name>`, on the active slot. */
  readonly liveService?: ModelService;
  /** Service `<name>-preview`, on the other slot (labelled `idle` when it holds a retired version). */
  readonly previewService?: ModelService;
  readonly disruptionBudget?: ModelDisruptionBudget;

  constructor(scope: Construct, id: string, props: BlueGreenModelProps) {
    super(scope, id);
    const r = props.record;
    if (r.deploy.strategy !== 'blue-green') throw new Error(`${r.name}: BlueGreenModel needs deploy.strategy blue-green, not ${r.deploy.strategy}`);
    const slots = r.slots;
    if (!slots) return;
    const k8s = r.deploy.kubernetes ?? {};
    const port = r.serving.servicePort;
    const idle = otherSlot(slots.active);
    const idleRole = (version: string) => (findVersion(r, version)?.stage === 'retired' ? 'idle' : 'preview');
    for (const slot of SLOT_NAMES) {
      const version = slots[slot];
      if (version === null) continue;
      const entry = findVersion(r, version);
      if (!entry) throw new Error(`${r.name}: slots.${slot} holds ${version}, which is not in versions`);
      const active = slot === slots.active;
      const role = active ? 'live' : idleRole(version);
      // A retired slot may shrink; otherwise every slot keeps the same size (or
      // autoscaler), so a switch changes no replica count and restarts no pod.
      const shrunk = role === 'idle' && r.deploy.blueGreen?.idleReplicas !== undefined;
      this.slots[slot] = ModelDeployment.fromRecord(this, slot, r, entry, {
        deploymentName: `${r.name}-${slot}`, servesAs: active ? 'production' : entry.stage, slot, selectorLabels: { [LABEL_SLOT]: slot },
        deploymentLabels: { [LABEL_ROLE]: role },
        ...(shrunk ? { replicas: r.deploy.blueGreen!.idleReplicas } : { autoscaling: r.serving.autoscaling }),
      });
    }
    if (slots[slots.active] !== null) {
      this.liveService = new ModelService(this, 'live', {
        serviceName: r.name, modelName: r.name, selector: { [LABEL_SLOT]: slots.active }, targetPort: r.serving.port, port,
        labels: { ...k8s.labels, [LABEL_ROLE]: 'live' }, annotations: k8s.annotations,
      });
      this.disruptionBudget = new ModelDisruptionBudget(this, 'pdb', {
        budgetName: r.name, modelName: r.name, selector: { [LABEL_SLOT]: slots.active }, labels: k8s.labels,
      });
    }
    const idleVersion = slots[idle];
    if (idleVersion !== null) {
      this.previewService = new ModelService(this, 'preview', {
        serviceName: `${r.name}-preview`, modelName: r.name, selector: { [LABEL_SLOT]: idle }, targetPort: r.serving.port, port,
        labels: { ...k8s.labels, [LABEL_ROLE]: idleRole(idleVersion) }, annotations: k8s.annotations,
      });
    }
  }
}
