import { Construct } from 'constructs';
import { ModelRecord, productionVersion, VersionEntry } from '../core/record';
import { compareVersions } from '../core/semver-rules';
import { LABEL_ROLE, LABEL_TRACK } from './labels';
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
  /** The production Deployment, when a version is in production. */
  readonly live?: ModelDeployment;
  readonly liveService?: ModelService;
  readonly disruptionBudget?: ModelDisruptionBudget;
  /** The one-replica test Deployment of the newest validated version. */
  readonly candidate?: ModelDeployment;
  readonly candidateService?: ModelService;

  constructor(scope: Construct, id: string, props: RollingModelProps) {
    super(scope, id);
    const r = props.record;
    if (r.deploy.strategy !== 'rolling') throw new Error(`${r.name}: RollingModel needs deploy.strategy rolling, not ${r.deploy.strategy}`);
    const k8s = r.deploy.kubernetes ?? {};
    const objectMeta = { labels: k8s.labels, annotations: k8s.annotations };
    const port = r.serving.servicePort;
    const live = productionVersion(r);
    if (live) {
      const stable = { [LABEL_TRACK]: 'stable' };
      this.live = ModelDeployment.fromRecord(this, 'production', r, live, {
        deploymentName: r.name, servesAs: 'production', selectorLabels: stable,
        autoscaling: r.serving.autoscaling, deploymentLabels: { [LABEL_ROLE]: 'live' },
      });
      this.liveService = new ModelService(this, 'service', {
        serviceName: r.name, modelName: r.name, selector: stable, targetPort: r.serving.port, port, ...objectMeta,
        labels: { ...k8s.labels, [LABEL_ROLE]: 'live' },
      });
      this.disruptionBudget = new ModelDisruptionBudget(this, 'pdb', { budgetName: r.name, modelName: r.name, selector: stable, labels: k8s.labels });
    }
    const next = testCandidate(r);
    if (next) {
      const candidate = { [LABEL_TRACK]: 'candidate' };
      this.candidate = ModelDeployment.fromRecord(this, 'candidate', r, next, {
        deploymentName: `${r.name}-candidate`, servesAs: 'validated', selectorLabels: candidate, replicas: 1,
        deploymentLabels: { [LABEL_ROLE]: 'candidate' },
      });
      this.candidateService = new ModelService(this, 'candidate-service', {
        serviceName: `${r.name}-candidate`, modelName: r.name, selector: candidate, targetPort: r.serving.port, port, ...objectMeta,
        labels: { ...k8s.labels, [LABEL_ROLE]: 'candidate' },
      });
    }
  }
}
