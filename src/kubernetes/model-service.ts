import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { LABEL_MANAGED_BY, LABEL_NAME, LABEL_PART_OF } from './labels';
import { requireUniqueObjects } from './unique-objects';

export interface ModelServiceProps {
  /** Name of the Service. */
  readonly serviceName: string;
  /** Model name, always part of the selector. */
  readonly modelName: string;
  /** Further pod labels to select, e.g. the active slot. */
  readonly selector: Readonly<Record<string, string>>;
  /** The serving container's port. */
  readonly targetPort: number;
  /** Port the Service listens on. @default 80 */
  readonly port?: number;
  /** Extra labels on the Service. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Extra annotations on the Service. @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A ClusterIP Service in front of one track or slot of a model. */
export class ModelService extends Construct {
  readonly service: kplus.Service;

  constructor(scope: Construct, id: string, props: ModelServiceProps) {
    super(scope, id);
    requireUniqueObjects(this);
    this.service = new kplus.Service(this, 'service', {
      metadata: {
        name: props.serviceName,
        labels: { ...props.labels, [LABEL_NAME]: props.modelName, [LABEL_PART_OF]: props.modelName, [LABEL_MANAGED_BY]: 'modelship' },
        ...(props.annotations ? { annotations: { ...props.annotations } } : {}),
      },
      ports: [{ name: 'http', port: props.port ?? 80, targetPort: props.targetPort }],
    });
    this.service.selectLabel(LABEL_NAME, props.modelName);
    for (const [k, v] of Object.entries(props.selector)) this.service.selectLabel(k, v);
  }
}
