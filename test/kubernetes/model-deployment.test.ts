import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { PolicyError } from '../../src/core/errors';
import { BlueGreenModel } from '../../src/kubernetes/blue-green-model';
import { ModelDeployment, ModelDeploymentProps } from '../../src/kubernetes/model-deployment';
import { renderManifest } from '../../src/kubernetes/render-manifests';
import { RollingModel } from '../../src/kubernetes/rolling-model';
import { byKindName, K8sObject, validateAll } from '../helpers/kube';
import { blueGreen, D1, D2, record, version } from '../helpers/records';

const minimal: ModelDeploymentProps = {
  modelName: 'churn',
  artifact: { image: 'registry.example.com/models/churn' },
  serving: { image: 'registry.example.com/apps/churn-api:1.0.0', resources: { cpu: '1', memory: '2Gi' } },
  version: { version: '1.0.0', digest: D1, sizeBytes: 10 * 1024 * 1024 },
};

function synth(build: (chart: Chart) => void): K8sObject[] {
  const chart = Testing.chart();
  build(chart);
  const objects = Testing.synth(chart);
  validateAll(objects);
  return objects;
}

describe('ModelDeployment, cdk8s-plus style', () => {
  it('needs only the model, the images, resources and the figures it uses; everything else has a default', () => {
    const [d] = synth((c) => new ModelDeployment(c, 'churn', minimal));
    expect(d.metadata.name).toBe('churn');
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'churn' });
    const pod = d.spec.template.spec;
    const server = pod.containers[0];
    expect(server.ports).toEqual([{ containerPort: 8080, name: 'http' }]);
    expect(server.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 8080, scheme: 'HTTP' });
    expect(server.volumeMounts).toEqual(expect.arrayContaining([{ name: 'model', mountPath: '/models', readOnly: true }]));
    expect(pod.initContainers[0].env).toEqual(expect.arrayContaining([{ name: 'MODELSHIP_SRC', value: '/model' }]));
    expect(d.metadata.labels['modelship.io/stage']).toBe('production');
    expect(Object.keys(d.metadata.annotations)).not.toContain('modelship.io/gate-max-size-mib');
  });

  it('probe timings, rollout strategy and init resources can be overridden', () => {
    const [d] = synth((c) => new ModelDeployment(c, 'churn', {
      ...minimal,
      deploymentName: 'churn-canary',
      probes: { startup: { failureThreshold: 240, periodSeconds: 15 }, liveness: { timeoutSeconds: 5 } },
      strategy: kplus.DeploymentStrategy.recreate(),
      initResources: { cpu: '4', memory: '512Mi' },
    }));
    expect(d.metadata.name).toBe('churn-canary');
    const server = d.spec.template.spec.containers[0];
    expect(server.startupProbe).toMatchObject({ failureThreshold: 240, periodSeconds: 15 });
    expect(server.livenessProbe).toMatchObject({ failureThreshold: 6, periodSeconds: 10, timeoutSeconds: 5 });
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(d.spec.template.spec.initContainers[0].resources.limits).toEqual({ cpu: '4000m', memory: '512Mi', 'ephemeral-storage': '203Mi' });
    // Four CPUs: four hashing processes (nproc in a container would count the node's CPUs).
    expect(d.spec.template.spec.initContainers[0].env).toEqual(expect.arrayContaining([{ name: 'MODELSHIP_HASH_JOBS', value: '4' }]));
  });

  it('refuses a version outside its gates with a PolicyError; a nonsensical prop is a plain Error', () => {
    // Typed figures (no provenance) are declared: production takes them only when the gates opt in.
    const gates = { maxSizeMiB: 100, maxLatencyP95Ms: 10, acceptDeclared: true };
    const build = (props: ModelDeploymentProps) => () => new ModelDeployment(new Chart(new App(), 'c'), 'd', props);
    expect(build({ ...minimal, gates, version: { ...minimal.version, latencyP95Ms: 30 } })).toThrow(PolicyError);
    expect(build({ ...minimal, gates, version: { ...minimal.version, latencyP95Ms: 5 } })).not.toThrow();
    const bad = build({ ...minimal, replicas: -1 });
    expect(bad).toThrow(/replicas must be a whole number >= 0, not -1/);
    try {
      bad();
    } catch (e) {
      expect(e).not.toBeInstanceOf(PolicyError);
    }
  });

  it('refuses a rejected version in any role, with or without gates (PolicyError)', () => {
    const r = record({ versions: [version('2.0.0', 'rejected', { reason: 'p95 900 ms exceeds maxLatencyP95Ms 50', latencyP95Ms: 900 })] });
    const chart = () => new Chart(new App(), 'c');
    expect(() => ModelDeployment.fromRecord(chart(), 'd', r, r.versions[0])).toThrow(PolicyError);
    expect(() => ModelDeployment.fromRecord(chart(), 'd', r, r.versions[0]))
      .toThrow('taxi-fare 2.0.0 is rejected and cannot be deployed (p95 900 ms exceeds maxLatencyP95Ms 50)');
    expect(() => new ModelDeployment(chart(), 'd', { ...minimal, version: { ...minimal.version, stage: 'rejected' } })).toThrow(PolicyError);
    expect(() => new ModelDeployment(chart(), 'd', { ...minimal, servesAs: 'rejected' })).toThrow(PolicyError);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses runAsUser %p: the pods run as a non-root uid (a plain Error naming the prop)', (uid) => {
    const build = () => new ModelDeployment(new Chart(new App(), 'c'), 'd', { ...minimal, runAsUser: uid });
    expect(build).toThrow(`churn: runAsUser must be a non-root uid (a whole number 1..2147483647), not ${JSON.stringify(uid)}`);
  });

  it('fromRecord refuses a version without the figures it needs', () => {
    const r = record({ versions: [version('1.0.0', 'production', { digest: undefined })] });
    expect(() => ModelDeployment.fromRecord(new Chart(new App(), 'c'), 'd', r, r.versions[0])).toThrow(PolicyError);
  });

  it('the record-level constructs expose what they create', () => {
    const chart = Testing.chart();
    const rolling = new RollingModel(chart, 'r', { record: record({ versions: [version('1.0.0', 'production'), version('1.1.0', 'validated', { digest: D2 })] }) });
    expect(rolling.live?.deployment.name).toBe('taxi-fare');
    expect(rolling.liveService?.service.name).toBe('taxi-fare');
    expect(rolling.candidate?.deployment.deployment.name).toBe('taxi-fare-candidate');
    const bg = new BlueGreenModel(Testing.chart(), 'b', {
      record: blueGreen({ versions: [version('1.0.0', 'production'), version('1.1.0', 'validated', { digest: D2 })], slots: { active: 'blue', blue: '1.0.0', green: '1.1.0' } }),
    });
    expect([bg.slots.blue?.deployment.name, bg.slots.green?.deployment.name, bg.liveService?.service.name, bg.previewService?.service.name])
      .toEqual(['fraud-detector-blue', 'fraud-detector-green', 'fraud-detector', 'fraud-detector-preview']);
  });

  it('renderManifest lets construct errors through as thrown (the CLI adds "synth refused")', () => {
    const outside = record({ gates: { maxSizeMiB: 512, maxLatencyP95Ms: 10 }, versions: [version('1.0.0', 'production')] });
    expect(() => renderManifest(outside)).toThrow(PolicyError);
    expect(() => renderManifest(outside)).toThrow(/^taxi-fare 1\.0\.0 cannot be deployed as production: p95 latency 20 ms/);
    const objects = (() => {
      const chart = Testing.chart();
      new ModelDeployment(chart, 'x', { ...minimal, gates: { maxSizeMiB: 100, maxLatencyP95Ms: 50, acceptDeclared: true }, version: { ...minimal.version, latencyP95Ms: 1 } });
      return Testing.synth(chart);
    })();
    expect(byKindName(objects, 'Deployment', 'churn').metadata.annotations['modelship.io/gate-max-size-mib']).toBe('100');
  });
});
