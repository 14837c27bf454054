import { App, Chart } from 'cdk8s';
import type { ModelRecord } from '../../src/core/record';
import { ModelDeployment } from '../../src/kubernetes/model-deployment';
import { renderManifest } from '../../src/kubernetes/render-manifests';
import { byKindName, parseManifest, validateAll } from '../helpers/kube';
import { D1, record, version } from '../helpers/records';

const withAccounts = (k8s: Record<string, string>): ModelRecord => record({
  versions: [version('1.4.0', 'production'), version('1.5.0', 'candidate')],
  deploy: { strategy: 'rolling', kubernetes: { namespace: 'ml-serving', ...k8s } },
  retraining: { schedule: '0 3 * * 1', image: 'registry.example.com/train/taxi-fare:2.0.0' },
});

describe('ServiceAccounts for a cloud workload identity', () => {
  it('the serving pods run as deploy.kubernetes.serviceAccountName, the training pods as their own; no API token is mounted', () => {
    const objects = parseManifest(renderManifest(withAccounts({ serviceAccountName: 'fare-api', retrainingServiceAccountName: 'fare-trainer' })));
    validateAll(objects);
    for (const name of ['taxi-fare', 'taxi-fare-candidate']) {
      const pod = byKindName(objects, 'Deployment', name).spec.template.spec;
      expect([pod.serviceAccountName, pod.automountServiceAccountToken]).toEqual(['fare-api', false]);
    }
    const training = byKindName(objects, 'CronJob', 'taxi-fare-retrain').spec.jobTemplate.spec.template.spec;
    expect([training.serviceAccountName, training.automountServiceAccountToken]).toEqual(['fare-trainer', false]);
  });

  it('without them, the pods name none (the namespace\'s default)', () => {
    const objects = parseManifest(renderManifest(withAccounts({})));
    expect(byKindName(objects, 'Deployment', 'taxi-fare').spec.template.spec.serviceAccountName).toBeUndefined();
    expect(byKindName(objects, 'CronJob', 'taxi-fare-retrain').spec.jobTemplate.spec.template.spec.serviceAccountName).toBeUndefined();
  });

  it('a program\'s ModelDeployment with a name no ServiceAccount can have is refused at construction', () => {
    const build = (serviceAccountName: string) => () => new ModelDeployment(new Chart(new App(), 'c'), 'd', {
      modelName: 'churn', artifact: { image: 'registry.example.com/models/churn' },
      serving: { image: 'registry.example.com/apps/churn:1.0.0', resources: { cpu: '1', memory: '1Gi' } },
      version: { version: '1.0.0', digest: D1, sizeBytes: 1024 }, kubernetes: { serviceAccountName },
    });
    expect(build('churn-api')).not.toThrow();
    expect(build('Churn_API')).toThrow('kubernetes.serviceAccountName must be a ServiceAccount name (a DNS-1123 subdomain), not "Churn_API"');
  });

  it('a program\'s RetrainingCronJob checks its ServiceAccount name too', () => {
    expect(() => renderManifest(withAccounts({ retrainingServiceAccountName: 'Bad_Trainer!' })))
      .toThrow('taxi-fare: kubernetes.retrainingServiceAccountName must be a ServiceAccount name (a DNS-1123 subdomain), not "Bad_Trainer!"');
  });
});
