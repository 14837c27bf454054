import { Construct } from 'constructs';
import { ModelRecord, productionVersion, VersionEntry } from '../core/record';
import { compareVersions } from '../core/semver-rules';
import { LABEL_TRACK } from './labels';
import { ModelDeployment } from './model-deployment';
import { ModelDisruptionBudget } from './model-disruption-budget';
import { ModelService } from './model-service';

export interface RollingModelProps {
  /** The model record; its production version is served, its newest validated one is offered as a candidate. */
  readonly record: ModelRecord;
}

/** The newest validated version above production: what a team wants to try next. */
export function testCandidate(record: ModelRecord): VersionEntry | undefined {
  const live = productionVersion(record);
  return record.versions
    .filter((v) => v.stage === 'validated' && (!live || compareVersions(v.version, live.version) > 0))
    .sort((a, b) => compareVersions(b.version, a.version))[0];
}

/**
 * A rolling model: Deployment `<name>` with the production version (replaced
 * in place on promote), Service and PodDisruptionBudget; plus a one-replica
 * `<name>-candidate` Deployment and Service when a validated version waits.
 */
export class RollingModel extends Construct {
  constructor(scope: Construct, id: string, props: RollingModelProps) {
    super(scope, id);
    const r = props.record;
    if (r.deploy.strategy !== 'rolling') throw new Error(`${r.name}: RollingModel needs deploy.strategy rolling, not ${r.deploy.strategy}`);
    const live = productionVersion(r);
    if (live) {
      const stable = { [LABEL_TRACK]: 'stable' };
      new ModelDeployment(this, 'production', {
        modelName: r.name, deploymentName: r.name, artifact: r.artifact, serving: r.serving, gates: r.gates,
        version: live, servesAs: 'production', selectorLabels: stable,
      });
      new ModelService(this, 'service', { serviceName: r.name, modelName: r.name, selector: stable, targetPort: r.serving.port });
      new ModelDisruptionBudget(this, 'pdb', { budgetName: r.name, modelName: r.name, selector: stable });
    }
    const next = testCandidate(r);
    if (next) {
      const candidate = { [LABEL_TRACK]: 'candidate' };
      new ModelDeployment(this, 'candidate', {
        modelName: r.name, deploymentName: `${r.name}-candidate`, artifact: r.artifact, serving: r.serving, gates: r.gates,
        version: next, servesAs: 'validated', selectorLabels: candidate, replicas: 1,
      });
      new ModelService(this, 'candidate-service', {
        serviceName: `${r.name}-candidate`, modelName: r.name, selector: candidate, targetPort: r.serving.port,
      });
    }
  }
}
