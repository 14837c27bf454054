import { Construct } from 'constructs';
import type { ModelRecord, VersionEntry } from '../core/record';
import { LABEL_STAGE, LABEL_TRACK } from './labels';
import { ModelDeployment } from './model-deployment';
import { ModelService } from './model-service';

export interface ModelCandidateProps {
  /** The model record: image, serving spec and gates. */
  readonly record: ModelRecord;
  /** The version to run for measurement (see `planDeployments`). */
  readonly version: VersionEntry;
}

/**
 * A one-replica `<name>-candidate` Deployment and Service, where a version is
 * measured before it is validated. Its pods carry `modelship.io/track:
 * candidate` and no slot, so neither the live nor the preview Service ever
 * selects them; they are hardened and verified by the init container exactly
 * like production.
 */
export class ModelCandidate extends Construct {
  readonly deployment: ModelDeployment;

  constructor(scope: Construct, id: string, props: ModelCandidateProps) {
    super(scope, id);
    const r = props.record;
    const selector = { [LABEL_TRACK]: 'candidate', [LABEL_STAGE]: 'candidate' };
    this.deployment = new ModelDeployment(this, 'deployment', {
      modelName: r.name, deploymentName: `${r.name}-candidate`, artifact: r.artifact, serving: r.serving, gates: r.gates,
      version: props.version, servesAs: 'candidate', selectorLabels: selector, replicas: 1,
    });
    new ModelService(this, 'service', {
      serviceName: `${r.name}-candidate`, modelName: r.name, selector, targetPort: r.serving.port,
    });
  }
}
