import { Construct } from 'constructs';
import { planDeployments, PlannedDeployment, roleRefusal } from '../core/deployment-plan';
import { PolicyError } from '../core/errors';
import type { ModelRecord, SlotName } from '../core/record';
import { LABEL_ROLE, LABEL_SLOT } from './labels';
import { ModelCandidate } from './model-candidate';
import { ModelDeployment } from './model-deployment';
import { ModelDisruptionBudget } from './model-disruption-budget';
import { ModelService } from './model-service';
import { requireRecordNamespace } from './record-namespace';

export interface BlueGreenModelProps {
  /** The model record; `slots` says which version runs where and which slot is live. */
  readonly record: ModelRecord;
}

/**
 * A blue-green model: `<name>-blue` and `<name>-green` Deployments pinned to
 * their slots' versions (an empty slot is not rendered), Service `<name>` on
 * the active slot and `<name>-preview` on the other. A switch changes only the
 * two selectors and object labels, so it takes effect as fast as kube-proxy
 * updates and restarts no pod. A candidate runs beside them as
 * `<name>-candidate`, in no slot.
 */
export class BlueGreenModel extends Construct {
  /** The Deployment of each filled slot. */
  readonly slots: Partial<Record<SlotName, ModelDeployment>> = {};
  /** Service `<name>`, on the active slot. */
  readonly liveService?: ModelService;
  /** Service `<name>-preview`, on the other slot (labelled `idle` when it holds a retired version). */
  readonly previewService?: ModelService;
  readonly disruptionBudget?: ModelDisruptionBudget;
  /** The candidate's Deployment and Service, when one can run. */
  readonly candidate?: ModelCandidate;

  constructor(scope: Construct, id: string, props: BlueGreenModelProps) {
    super(scope, id);
    const r = props.record;
    requireRecordNamespace(this, r, 'BlueGreenModel');
    if (r.deploy.strategy !== 'blue-green') throw new Error(`${r.name}: BlueGreenModel needs deploy.strategy blue-green, not ${r.deploy.strategy}`);
    const plan = planDeployments(r);
    const slotted = [plan.live, plan.preview].filter((p): p is PlannedDeployment => p !== undefined)
      // Construct order decides object order in the manifest: blue before green, whichever is live.
      .sort((a, b) => (a.slot as string).localeCompare(b.slot as string));
    for (const p of slotted) {
      const refusal = roleRefusal(r, p);
      if (refusal) throw new PolicyError(refusal);
    }
    const k8s = r.deploy.kubernetes ?? {};
    for (const p of slotted) {
      const slot = p.slot as SlotName;
      // A retired slot may shrink; otherwise every slot keeps the same size (or
      // autoscaler), so a switch changes no replica count and restarts no pod.
      const shrunk = p.role === 'idle' && r.deploy.blueGreen?.idleReplicas !== undefined;
      this.slots[slot] = ModelDeployment.fromRecord(this, slot, r, p.version, {
        deploymentName: `${r.name}-${slot}`, servesAs: p.role === 'live' ? 'production' : p.version.stage, slot,
        selectorLabels: { [LABEL_SLOT]: slot }, deploymentLabels: { [LABEL_ROLE]: p.role },
        ...(shrunk ? { replicas: r.deploy.blueGreen!.idleReplicas } : { autoscaling: r.serving.autoscaling }),
      });
    }
    const port = r.serving.servicePort;
    if (plan.live) {
      const selector = { [LABEL_SLOT]: plan.live.slot as string };
      this.liveService = new ModelService(this, 'live', {
        serviceName: r.name, modelName: r.name, selector, targetPort: r.serving.port, port,
        labels: { ...k8s.labels, [LABEL_ROLE]: 'live' }, annotations: k8s.annotations,
      });
      this.disruptionBudget = new ModelDisruptionBudget(this, 'pdb', { budgetName: r.name, modelName: r.name, selector, labels: k8s.labels });
    }
    if (plan.preview) {
      this.previewService = new ModelService(this, 'preview', {
        serviceName: `${r.name}-preview`, modelName: r.name, selector: { [LABEL_SLOT]: plan.preview.slot as string }, targetPort: r.serving.port, port,
        labels: { ...k8s.labels, [LABEL_ROLE]: plan.preview.role }, annotations: k8s.annotations,
      });
    }
    if (plan.candidate) this.candidate = new ModelCandidate(this, 'candidate', { record: r, version: plan.candidate.version });
  }
}
