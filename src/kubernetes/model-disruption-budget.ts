import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { LABEL_MANAGED_BY, LABEL_NAME } from './labels';
import { requireUniqueObjects } from './unique-objects';

export interface ModelDisruptionBudgetProps {
  /** Name of the PodDisruptionBudget. */
  readonly budgetName: string;
  readonly modelName: string;
  /** Pod labels of the production deployment. */
  readonly selector: Readonly<Record<string, string>>;
  /** Extra labels on the budget. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Keeps voluntary disruptions (node drains, upgrades) to one production pod at
 * a time. maxUnavailable rather than minAvailable: a one-replica model can still
 * be drained instead of blocking the node forever. A pod that is running but
 * not ready (a crash-looping server) may always be evicted: it serves nothing,
 * and with the default policy it would block every drain of its node
 * (`unhealthyPodEvictionPolicy`, on by default from Kubernetes 1.27).
 */
export class ModelDisruptionBudget extends Construct {
  readonly budget: kplus.k8s.KubePodDisruptionBudget;

  constructor(scope: Construct, id: string, props: ModelDisruptionBudgetProps) {
    super(scope, id);
    requireUniqueObjects(this);
    this.budget = new kplus.k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: { name: props.budgetName, labels: { ...props.labels, [LABEL_NAME]: props.modelName, [LABEL_MANAGED_BY]: 'modelship' } },
      spec: {
        maxUnavailable: kplus.k8s.IntOrString.fromNumber(1),
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
        selector: { matchLabels: { [LABEL_NAME]: props.modelName, ...props.selector } },
      },
    });
  }
}
