import { Construct } from 'constructs';
import type { ModelRecord, VersionEntry } from '../core/record';
import { LABEL_ROLE, LABEL_STAGE, LABEL_TRACK } from './labels';
import { ModelDeployment } from './model-deployment';
import { ModelService } from './model-service';

export interface ModelCandidateProps {
  /** The model record: image, serving spec, gates and cluster settings. */
  readonly record: ModelRecord;
  /** The version to run for measurement (see `planDeployments`). */
  readonly version: VersionEntry;
}

/**
 * A one-replica `<name>-candidate` Deployment and Service, where a version is
 * measured before it is validated. Its pods carry `modelship.io/track:
 * candidate` and no slot, so neither the live nor the preview Service ever
 * selects them; they are hardened and verified by the init container exactly
 * like production, and placed by the same scheduling settings.
 */
export class ModelCandidate extends Construct {
  readonly deployment: ModelDeployment;
  readonly service: ModelService;

  constructor(scope: Construct, id: string, props: ModelCandidateProps) {
    super(scope, id);
    const r = props.record;
    const k8s = r.deploy.kubernetes ?? {};
    const selector = { [LABEL_TRACK]: 'candidate', [LABEL_STAGE]: 'candidate' };
    this.deployment = ModelDeployment.fromRecord(this, 'deployment', r, props.version, {
      deploymentName: `${r.name}-candidate`, servesAs: 'candidate', selectorLabels: selector, replicas: 1,
      deploymentLabels: { [LABEL_ROLE]: 'candidate' },
    });
    this.service = new ModelService(this, 'service', {
      serviceName: `${r.name}-candidate`, modelName: r.name, selector, targetPort: r.serving.port, port: r.serving.servicePort,
      labels: { ...k8s.labels, [LABEL_ROLE]: 'candidate' }, annotations: k8s.annotations,
    });
  }
}
