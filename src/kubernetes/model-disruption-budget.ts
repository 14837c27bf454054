import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { LABEL_MANAGED_BY, LABEL_NAME } from './labels';

export interface ModelDisruptionBudgetProps {
  /** Name of the PodDisruptionBudget. */
  readonly budgetName: string;
  readonly modelName: string;
  /** Pod labels of the production deployment. */
  readonly selector: Readonly<Record<string, string>>;
  /** Replicas of that deployment. */
  readonly replicas: number;
}

/**
 * Keeps node drains from taking production below capacity: at most one pod
 * down at a time, and never the only one of a multi-replica model.
 */
export class ModelDisruptionBudget extends Construct {
  constructor(scope: Construct, id: string, props: ModelDisruptionBudgetProps) {
    super(scope, id);
    new kplus.k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: { name: props.budgetName, labels: { [LABEL_NAME]: props.modelName, [LABEL_MANAGED_BY]: 'modelship' } },
      spec: {
        maxUnavailable: kplus.k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: { [LABEL_NAME]: props.modelName, ...props.selector } },
      },
    });
  }
}
