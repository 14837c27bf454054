import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { BlueGreenModel } from '../../src/kubernetes/blue-green-model';
import { ModelDeployment } from '../../src/kubernetes/model-deployment';
import { RetrainingCronJob } from '../../src/kubernetes/retraining-cron-job';
import { K8sObject, validateAll } from '../helpers/kube';
import { blueGreen, D1, D2, record, version } from '../helpers/records';

/** Does a label selector (matchLabels only, as these are) pick a pod with these labels? */
function selects(selector: Record<string, string> | undefined, podLabels: Record<string, string>): boolean {
  return selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => podLabels[k] === v);
}

const podLabelsOf = (o: K8sObject): Record<string, string> =>
  (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec.template).metadata.labels;

describe('a user\'s own cdk8s-plus objects select the pods of modelship\'s workloads', () => {
  it('a Service, a deny-all NetworkPolicy and pod affinity on a ModelDeployment select its pods, and only its pods', () => {
    const chart = Testing.chart();
    const md = new ModelDeployment(chart, 'm', {
      modelName: 'churn', artifact: { image: 'r/churn' }, selectorLabels: { 'modelship.io/track': 'stable' },
      serving: { image: 'r/api:1', resources: { cpu: '1', memory: '1Gi' } },
      version: { version: '1.0.0', digest: D1, sizeBytes: 1024 },
    });
    new ModelDeployment(chart, 'c', {
      modelName: 'churn', deploymentName: 'churn-candidate', artifact: { image: 'r/churn' }, selectorLabels: { 'modelship.io/track': 'candidate' },
      serving: { image: 'r/api:1', resources: { cpu: '1', memory: '1Gi' } },
      version: { version: '1.1.0', digest: D2, sizeBytes: 1024 }, servesAs: 'candidate',
    });
    new kplus.Service(chart, 'svc', { metadata: { name: 'mine' }, selector: md.deployment, ports: [{ port: 80, targetPort: 8080 }] });
    md.deployment.exposeViaService({ name: 'exposed', ports: [{ port: 81, targetPort: 8080 }] });
    md.deployment.connections.isolate();
    const cache = new kplus.Deployment(chart, 'cache', { metadata: { name: 'cache' }, containers: [{ image: 'redis:7', securityContext: { user: 1000 } }] });
    cache.scheduling.colocate(md.deployment);

    const objects = Testing.synth(chart);
    validateAll(objects);
    const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;
    const live = podLabelsOf(find('Deployment', 'churn'));
    const candidate = podLabelsOf(find('Deployment', 'churn-candidate'));
    const selectors: [string, Record<string, string>][] = [
      ['Service mine', find('Service', 'mine').spec.selector],
      ['Service exposed', find('Service', 'exposed').spec.selector],
      ['NetworkPolicy', objects.find((o) => o.kind === 'NetworkPolicy')!.spec.podSelector.matchLabels],
      ['pod affinity', find('Deployment', 'cache').spec.template.spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels],
    ];
    for (const [what, selector] of selectors) {
      expect([what, selects(selector, live), selects(selector, candidate)]).toEqual([what, true, false]);
    }
    // Only the user's own Deployment carries cdk8s-plus's construct-path label.
    expect(objects.filter((o) => JSON.stringify(o).includes('cdk8s.io/metadata.addr')).map((o) => o.metadata.name)).toEqual(['cache']);
  });

  it('a blue-green slot\'s Deployment selects that slot\'s pods, and the training pods select as the training pods', () => {
    const chart = Testing.chart();
    const bg = new BlueGreenModel(chart, 'bg', { record: blueGreen({
      versions: [version('1.0.0', 'production'), version('1.1.0', 'validated')],
      slots: { active: 'blue', blue: '1.0.0', green: '1.1.0' },
    }) });
    const training = new RetrainingCronJob(chart, 'train', { record: record({
      versions: [version('1.0.0', 'production')],
      retraining: { schedule: '0 3 * * *', image: 'r/train:1', datasets: { train: 's3://d/' } },
    }) });
    bg.slots.green!.deployment.exposeViaService({ name: 'green-only', ports: [{ port: 80, targetPort: 8080 }] });
    training.cronJob.connections.isolate();

    const objects = Testing.synth(chart);
    validateAll(objects);
    const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;
    const greenOnly = find('Service', 'green-only').spec.selector;
    expect(selects(greenOnly, podLabelsOf(find('Deployment', 'fraud-detector-green')))).toBe(true);
    expect(selects(greenOnly, podLabelsOf(find('Deployment', 'fraud-detector-blue')))).toBe(false);
    const policy = objects.find((o) => o.kind === 'NetworkPolicy')!.spec.podSelector.matchLabels;
    expect(selects(policy, podLabelsOf(find('CronJob', 'taxi-fare-retrain')))).toBe(true);
    expect(JSON.stringify(objects)).not.toContain('cdk8s.io/metadata.addr');
  });
});
