import { App, Chart, Testing } from 'cdk8s';
import type { ModelRecord } from '../../src/core/record';
import { renderManifest } from '../../src/kubernetes/render-manifests';
import { RetrainingCronJob } from '../../src/kubernetes/retraining-cron-job';
import { byKindName, K8sObject, parseManifest, validateAll } from '../helpers/kube';
import { D1, record, version } from '../helpers/records';

const RETRAINING: ModelRecord['retraining'] = {
  schedule: '15 3 * * 1-5',
  image: 'registry.example.com/train/taxi-fare:2.0.0',
  command: ['python', '-m', 'train'],
  args: ['--epochs', '10', '--out=$(HOME)/x', 'cost$'],
  env: { LOG_LEVEL: 'info', PRICE: '$(SECRET)' },
  resources: { cpu: '2', memory: '8Gi' },
  datasets: { train: 's3://data/taxi/train/' },
  onDrift: true,
};

const withRetraining = (extra: Partial<ModelRecord> = {}) => record({
  retraining: RETRAINING, versions: [version('1.4.0', 'production')], ...extra,
});

const cronJobOf = (r: ModelRecord): K8sObject => byKindName(parseManifest(renderManifest(r)), 'CronJob', 'taxi-fare-retrain');

describe('the retraining CronJob', () => {
  it('is in the model\'s manifest and passes the official schema', () => {
    const objects = parseManifest(renderManifest(withRetraining()));
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toContain('CronJob/taxi-fare-retrain');
    validateAll(objects);
  });

  it('batch/v1, the record\'s schedule in UTC, never two runs at once, history limits', () => {
    const c = cronJobOf(withRetraining());
    expect(c.apiVersion).toBe('batch/v1');
    expect(c.metadata.namespace).toBe('ml-serving');
    expect(c.metadata.annotations).toEqual({ 'modelship.io/retrain-on-drift': 'true' });
    expect(c.spec).toMatchObject({
      schedule: '15 3 * * 1-5', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid',
      successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3, startingDeadlineSeconds: 3600,
    });
    expect(c.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 43200 });
  });

  it('is hardened like the serving pods: non-root, read-only root, no escalation, no capabilities, seccomp, requests = limits', () => {
    const pod = cronJobOf(withRetraining()).spec.jobTemplate.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    const [c] = pod.containers;
    expect(c.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] },
    });
    // The disk: the 10Gi scratch volume and 64Mi of logs.
    expect(c.resources).toEqual({ requests: { cpu: '2', memory: '8Gi', 'ephemeral-storage': '10304Mi' }, limits: { cpu: '2', memory: '8Gi', 'ephemeral-storage': '10304Mi' } });
    expect(c.volumeMounts).toEqual([{ name: 'scratch', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'scratch', emptyDir: { sizeLimit: '10240Mi' } }]);
    expect(cronJobOf(withRetraining()).spec.jobTemplate.spec.template.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'taxi-fare', 'app.kubernetes.io/part-of': 'taxi-fare',
      'app.kubernetes.io/managed-by': 'modelship', 'app.kubernetes.io/component': 'retraining',
    });
  });

  it('carries the contract, and every value arrives literally through the kubelet\'s $(VAR) expansion', () => {
    const [c] = cronJobOf(withRetraining()).spec.jobTemplate.spec.template.spec.containers;
    expect(c.image).toBe('registry.example.com/train/taxi-fare:2.0.0');
    expect(c.command).toEqual(['python', '-m', 'train']);
    expect(c.args).toEqual(['--epochs', '10', '--out=$$(HOME)/x', 'cost$$']);
    expect(Object.fromEntries(c.env.map((e: { name: string; value: string }) => [e.name, e.value]))).toEqual({
      TMPDIR: '/tmp', LOG_LEVEL: 'info', PRICE: '$$(SECRET)',
      MODELSHIP_MODEL: 'taxi-fare', MODELSHIP_CANDIDATE_REPOSITORY: 'registry.example.com/models/taxi-fare',
      MODELSHIP_NEXT_VERSION: '1.5.0-rc.0', MODELSHIP_NEXT_RELEASE: 'preminor',
      MODELSHIP_PRODUCTION_VERSION: '1.4.0', MODELSHIP_PRODUCTION_DIGEST: D1, MODELSHIP_DATASET_TRAIN: 's3://data/taxi/train/',
    });
  });

  it('without command and args the image\'s own run; default resources', () => {
    const [c] = cronJobOf(withRetraining({ retraining: { schedule: '0 * * * *', image: 'registry.example.com/train/x:1' } }))
      .spec.jobTemplate.spec.template.spec.containers;
    expect(c.command).toBeUndefined();
    expect(c.args).toBeUndefined();
    expect(c.resources.limits).toEqual({ cpu: '1', memory: '2Gi', 'ephemeral-storage': '10304Mi' });
  });

  it('is rendered before the model has a version to serve', () => {
    const objects = parseManifest(renderManifest(withRetraining({ versions: [] })));
    expect(objects.map((o) => o.kind)).toEqual(['CronJob']);
  });

  it('gets the record\'s labels, annotations, pull secrets and placement, as every pod of the model does', () => {
    const kubernetes = {
      namespace: 'ml-serving', imagePullSecrets: ['regcred'], nodeSelector: { pool: 'ml' }, priorityClassName: 'batch-high',
      tolerations: [{ key: 'dedicated', operator: 'Equal' as const, value: 'ml', effect: 'NoSchedule' as const }],
      affinity: { required: [{ key: 'zone', operator: 'In' as const, values: ['a'] }] },
      labels: { team: 'pricing' }, annotations: { 'owner.example.com/slack': '#pricing' },
    };
    const r = withRetraining({ deploy: { strategy: 'rolling', kubernetes } });
    const objects = parseManifest(renderManifest(r));
    const cron = byKindName(objects, 'CronJob', 'taxi-fare-retrain');
    const deployment = byKindName(objects, 'Deployment', 'taxi-fare');
    expect(cron.metadata.labels.team).toBe('pricing');
    expect(cron.metadata.annotations).toMatchObject({ 'owner.example.com/slack': '#pricing', 'modelship.io/retrain-on-drift': 'true' });
    const template = cron.spec.jobTemplate.spec.template;
    expect(template.metadata.labels.team).toBe('pricing');
    expect(template.metadata.annotations).toEqual({ 'owner.example.com/slack': '#pricing' });
    // The same placement fields, with the same values, as the serving pods.
    const placement = ['imagePullSecrets', 'nodeSelector', 'tolerations', 'affinity', 'priorityClassName'];
    const pick = (spec: Record<string, unknown>) => Object.fromEntries(placement.map((k) => [k, spec[k]]));
    expect(pick(template.spec)).toEqual(pick(deployment.spec.template.spec));
    expect(template.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    validateAll(objects);
  });

  it('a record without a retraining block has no CronJob', () => {
    expect(parseManifest(renderManifest(record({ versions: [version('1.4.0', 'production')] }))).map((o) => o.kind)).not.toContain('CronJob');
  });

  it('composes into any chart', () => {
    const chart = new Chart(Testing.app() as App, 'c');
    new RetrainingCronJob(chart, 'r', { record: withRetraining(), cronJobName: 'nightly' });
    expect(Testing.synth(chart).map((o) => o.metadata.name)).toEqual(['nightly']);
  });
});
