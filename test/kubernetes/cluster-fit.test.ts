import type { ModelRecord } from '../../src/core/record';
import { renderManifest } from '../../src/kubernetes/render-manifests';
import { byKindName, K8sObject, parseManifest, validateAll } from '../helpers/kube';
import { unknownFields } from '../helpers/kube-strict';
import { ModelStore } from '../../src/registry/model-store';
import { EXAMPLE_MODELS } from '../helpers/cli';
import { blueGreen, D2, record, version } from '../helpers/records';

const render = (r: ModelRecord): K8sObject[] => {
  const objects = parseManifest(renderManifest(r));
  validateAll(objects);
  return objects;
};

const placed = record({
  versions: [version('1.0.0', 'production'), version('1.1.0', 'validated', { digest: D2 })],
  serving: {
    ...record().serving,
    resources: { cpu: '2', memory: '8Gi', gpu: { count: 2 } },
    command: ['python', '-m', 'serve'],
    args: ['--model', '$(MODEL_DIR)', '--price=$5'],
    servicePort: 8443,
  },
  deploy: {
    strategy: 'rolling',
    kubernetes: {
      namespace: 'ml-serving',
      imagePullSecrets: ['registry-creds'],
      nodeSelector: { 'cloud.google.com/gke-accelerator': 'nvidia-l4' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      affinity: {
        required: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }],
        preferred: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1a'], weight: 20 }],
      },
      priorityClassName: 'ml-serving-high',
      labels: { team: 'pricing-ml' },
      annotations: { 'example.com/owner': 'pricing-ml@example.com' },
    },
  },
});

describe('Kubernetes: what real model servers need', () => {
  const objects = render(placed);
  const live = byKindName(objects, 'Deployment', 'taxi-fare');
  const pod = live.spec.template.spec;
  const server = pod.containers[0];

  it('GPU limits under the vendor resource name, and the init container without them', () => {
    // CPU and memory as the record writes them.
    expect(server.resources.limits).toEqual({ cpu: '2', memory: '8Gi', 'ephemeral-storage': expect.any(String), 'nvidia.com/gpu': '2' });
    expect(server.resources.requests).toEqual({ cpu: '2', memory: '8Gi', 'ephemeral-storage': expect.any(String) });
    expect(pod.initContainers[0].resources.limits['nvidia.com/gpu']).toBeUndefined();
    const amd = render(record({ ...placed, serving: { ...placed.serving, resources: { cpu: '1', memory: '1Gi', gpu: { count: 1, vendor: 'amd' } } } }));
    expect(byKindName(amd, 'Deployment', 'taxi-fare').spec.template.spec.containers[0].resources.limits['amd.com/gpu']).toBe('1');
  });

  it('scheduling, pull secrets and priority on every pod, candidate included', () => {
    for (const d of objects.filter((o) => o.kind === 'Deployment')) {
      const spec = d.spec.template.spec;
      expect(spec.imagePullSecrets).toEqual([{ name: 'registry-creds' }]);
      expect(spec.nodeSelector).toEqual({ 'cloud.google.com/gke-accelerator': 'nvidia-l4' });
      expect(spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
      expect(spec.priorityClassName).toBe('ml-serving-high');
      expect(spec.affinity.nodeAffinity).toEqual({
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }] }],
        },
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 20, preference: { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1a'] }] } },
        ],
      });
    }
  });

  it('command and args reach the server literally: kubelet would expand $(VAR), so $ is doubled', () => {
    expect(server.command).toEqual(['python', '-m', 'serve']);
    expect(server.args).toEqual(['--model', '$$(MODEL_DIR)', '--price=$$5']);
  });

  it('the Service listens on servicePort and targets the container port', () => {
    for (const name of ['taxi-fare', 'taxi-fare-candidate']) {
      expect(byKindName(objects, 'Service', name).spec.ports).toEqual([{ name: 'http', port: 8443, targetPort: 8080 }]);
    }
  });

  it('extra labels and annotations on objects and pods; modelship keys win', () => {
    for (const o of objects) expect(o.metadata.labels.team).toBe('pricing-ml');
    expect(live.spec.template.metadata.labels.team).toBe('pricing-ml');
    expect(live.spec.template.metadata.annotations).toEqual({ 'example.com/owner': 'pricing-ml@example.com' });
    expect(live.metadata.annotations['example.com/owner']).toBe('pricing-ml@example.com');
    expect(live.metadata.labels['app.kubernetes.io/name']).toBe('taxi-fare');
  });

  it("the init container gets the server's CPU and memory, at least 100m and 64Mi", () => {
    const disk = server.resources.requests['ephemeral-storage'];
    expect(pod.initContainers[0].resources).toEqual({ requests: { cpu: '2', memory: '8Gi', 'ephemeral-storage': disk }, limits: { cpu: '2', memory: '8Gi', 'ephemeral-storage': disk } });
    const small = render(record({ versions: [version('1.0.0', 'production')], serving: { ...record().serving, resources: { cpu: '50m', memory: '32Mi' } } }));
    expect(byKindName(small, 'Deployment', 'taxi-fare').spec.template.spec.initContainers[0].resources.limits).toEqual({ cpu: '100m', memory: '64Mi', 'ephemeral-storage': expect.stringMatching(/^\d+Mi$/) });
  });

  it('writes CPU and memory as the record does, not rounded to millicores and MiB', () => {
    const odd = render(record({ versions: [version('1.0.0', 'production')], serving: { ...record().serving, resources: { cpu: '0.0015', memory: '1000M' } } }));
    const spec = byKindName(odd, 'Deployment', 'taxi-fare').spec.template.spec;
    expect(spec.containers[0].resources.requests).toMatchObject({ cpu: '0.0015', memory: '1000M' });
    expect(spec.containers[0].resources.limits).toMatchObject({ cpu: '0.0015', memory: '1000M' });
    // Raised to the init container's minimum: its own figures, not the record's.
    expect(spec.initContainers[0].resources.limits).toMatchObject({ cpu: '100m', memory: '1000M' });
  });

  it('asks for the node disk its volumes can fill, plus 64Mi of logs, in both containers of every pod', () => {
    const mib = (q: string) => Number(/^(\d+)Mi$/.exec(q)![1]);
    for (const d of objects.filter((o) => o.kind === 'Deployment')) {
      const spec = d.spec.template.spec;
      const volumes = spec.volumes.reduce((sum: number, v: { emptyDir: { sizeLimit: string } }) => sum + mib(v.emptyDir.sizeLimit), 0);
      for (const c of [...spec.initContainers, ...spec.containers]) {
        expect([d.metadata.name, c.name, c.resources.requests['ephemeral-storage']]).toEqual([d.metadata.name, c.name, `${volumes + 64}Mi`]);
        expect(c.resources.limits['ephemeral-storage']).toBe(c.resources.requests['ephemeral-storage']);
      }
    }
    // A 400 MB model: a 484Mi model volume (1.1x and 64Mi) and the 64Mi /tmp.
    const sized = render(record({ versions: [version('1.0.0', 'production', { sizeBytes: 400_000_000 })] }));
    const c = byKindName(sized, 'Deployment', 'taxi-fare').spec.template.spec.containers[0];
    expect(c.resources.requests['ephemeral-storage']).toBe(`${484 + 64 + 64}Mi`);
  });
});

describe('Kubernetes autoscaling', () => {
  const scaled = { ...record().serving, autoscaling: { min: 2, max: 10, targetCpuPercent: 70 } };

  it('rolling: an autoscaling/v2 HPA on the live Deployment, which has no fixed replicas; the candidate keeps one', () => {
    const objects = render(record({ serving: scaled, versions: [version('1.0.0', 'production'), version('1.1.0', 'validated')] }));
    const hpa = byKindName(objects, 'HorizontalPodAutoscaler', 'taxi-fare');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'taxi-fare' }, minReplicas: 2, maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    });
    expect(byKindName(objects, 'Deployment', 'taxi-fare').spec.replicas).toBeUndefined();
    expect(byKindName(objects, 'Deployment', 'taxi-fare-candidate').spec.replicas).toBe(1);
    expect(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')).toHaveLength(1);
  });

  it('blue-green: both slots autoscaled, so a switch changes no replica count', () => {
    const bg = blueGreen({
      serving: scaled,
      versions: [version('1.0.0', 'production'), version('1.1.0', 'validated', { digest: D2 })],
      slots: { active: 'blue', blue: '1.0.0', green: '1.1.0' },
    });
    const objects = render(bg);
    expect(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((o) => o.spec.scaleTargetRef.name).sort())
      .toEqual(['fraud-detector-blue', 'fraud-detector-green']);
    for (const d of objects.filter((o) => o.kind === 'Deployment')) expect(d.spec.replicas).toBeUndefined();
  });
});

describe('Kubernetes: the idle blue-green slot', () => {
  const switched = blueGreen({
    versions: [version('1.0.0', 'retired'), version('1.1.0', 'production', { digest: D2 })],
    slots: { active: 'green', blue: '1.0.0', green: '1.1.0' },
  });

  it('keeps the full count by default, so a rollback is instant at full capacity; the preview Service says idle', () => {
    const objects = render(switched);
    expect(byKindName(objects, 'Deployment', 'fraud-detector-blue').spec.replicas).toBe(3);
    expect(byKindName(objects, 'Deployment', 'fraud-detector-blue').metadata.labels['modelship.io/role']).toBe('idle');
    expect(byKindName(objects, 'Service', 'fraud-detector-preview').metadata.labels['modelship.io/role']).toBe('idle');
    expect(byKindName(objects, 'Service', 'fraud-detector').metadata.labels['modelship.io/role']).toBe('live');
  });

  it('shrinks to deploy.blueGreen.idleReplicas (0 too), even when autoscaled, and only a retired slot', () => {
    const objects = render({ ...switched, deploy: { ...switched.deploy, blueGreen: { idleReplicas: 0 } }, serving: { ...switched.serving, autoscaling: { min: 2, max: 4, targetCpuPercent: 60 } } });
    expect(byKindName(objects, 'Deployment', 'fraud-detector-blue').spec.replicas).toBe(0);
    expect(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((o) => o.metadata.name)).toEqual(['fraud-detector-green']);
    const preview = render(blueGreen({
      deploy: { strategy: 'blue-green', blueGreen: { idleReplicas: 1 } },
      versions: [version('1.0.0', 'production'), version('1.1.0', 'validated', { digest: D2 })],
      slots: { active: 'blue', blue: '1.0.0', green: '1.1.0' },
    }));
    expect(byKindName(preview, 'Deployment', 'fraud-detector-green').spec.replicas).toBe(3);
    expect(byKindName(preview, 'Service', 'fraud-detector-preview').metadata.labels['modelship.io/role']).toBe('preview');
  });
});

describe('no field the official schemas do not know', () => {
  it('the check sees one', () => {
    const [d] = parseManifest(renderManifest(record({ versions: [version('1.0.0', 'production')] })));
    d.spec.template.spec.containers[0].gpus = 1;
    expect(unknownFields([d])).toEqual([expect.stringMatching(/^Deployment taxi-fare: .*'"gpus"' does not exist in type 'IContainer'/)]);
  });

  it('in the examples and in every cluster-fit object (HPA, GPU limits, tolerations, affinity)', () => {
    const objects = [
      ...new ModelStore(EXAMPLE_MODELS).loadAll().flatMap((r) => parseManifest(renderManifest(r))),
      ...parseManifest(renderManifest(placed)),
      ...parseManifest(renderManifest(record({ serving: { ...record().serving, autoscaling: { min: 2, max: 4, targetCpuPercent: 60 } }, versions: [version('1.0.0', 'production')] }))),
    ];
    expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['HorizontalPodAutoscaler', 'Deployment', 'Service', 'PodDisruptionBudget']));
    expect(unknownFields(objects)).toEqual([]);
  });
});

