import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PolicyError } from '../../src/core/errors';
import { promote, rollback, switchSlots } from '../../src/core/lifecycle';
import { INIT_SCRIPT } from '../../src/core/init-script';
import type { ModelRecord } from '../../src/core/record';
import { renderManifest, renderManifests } from '../../src/kubernetes/render-manifests';
import { ModelStore } from '../../src/registry/model-store';
import { cli, EXAMPLE_MODELS, tempDir } from '../helpers/cli';
import { byKindName, K8sObject, parseManifest, validateAll } from '../helpers/kube';
import { asKubeletRuns } from '../helpers/kubelet-expansion';
import { blueGreen, D2, record, version } from '../helpers/records';

const render = (r: ModelRecord): K8sObject[] => parseManifest(renderManifest(r));
const examples = new ModelStore(EXAMPLE_MODELS).loadAll();

function assertHardened(d: K8sObject): void {
  const pod = d.spec.template.spec;
  expect(pod.automountServiceAccountToken).toBe(false);
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
  for (const c of [...pod.initContainers, ...pod.containers]) {
    expect(c.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] },
    });
    expect(c.resources.requests).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
    expect(c.resources.limits).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
    expect(c.imagePullPolicy).toBe('IfNotPresent');
  }
}

describe('Kubernetes manifests', () => {
  it.each(examples.map((r) => [r.name, r] as const))('every object of %s passes the official schema', (_n, r) => {
    const objects = render(r);
    expect(objects.length).toBeGreaterThan(0);
    validateAll(objects);
  });

  it('rolling: production Deployment with the init container, shared volume, read-only mount, env, probes', () => {
    const taxi = examples.find((r) => r.name === 'taxi-fare')!;
    const objects = render(taxi);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Deployment/taxi-fare', 'Deployment/taxi-fare-candidate', 'PodDisruptionBudget/taxi-fare', 'Service/taxi-fare', 'Service/taxi-fare-candidate',
    ]);
    const d = byKindName(objects, 'Deployment', 'taxi-fare');
    const live = taxi.versions.find((v) => v.stage === 'production')!;
    expect(d.metadata.namespace).toBe('ml-serving');
    expect(d.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'taxi-fare', 'app.kubernetes.io/version': live.version, 'app.kubernetes.io/part-of': 'taxi-fare',
      'app.kubernetes.io/managed-by': 'modelship', 'modelship.io/stage': 'production',
    });
    expect(d.metadata.annotations).toEqual({
      'modelship.io/digest': live.digest, 'modelship.io/size-bytes': String(live.sizeBytes), 'modelship.io/latency-p95-ms': String(live.latencyP95Ms),
      // The example's latencies were typed in: the annotation says so.
      'modelship.io/size-source': 'measured', 'modelship.io/latency-p95-source': 'declared',
      'modelship.io/gate-max-size-mib': '512', 'modelship.io/gate-max-latency-p95-ms': '50',
    });
    expect(d.spec.replicas).toBe(3);
    const pod = d.spec.template.spec;
    const [init] = pod.initContainers;
    expect(init.image).toBe(`registry.example.com/models/taxi-fare:${live.version}`);
    // As the kubelet hands it to the container, after its `$` expansion.
    expect(asKubeletRuns(init).command).toEqual(['sh', '-c', INIT_SCRIPT]);
    expect(init.env).toEqual(expect.arrayContaining([
      { name: 'MODELSHIP_SRC', value: '/model' }, { name: 'MODELSHIP_DEST', value: '/modelship/model' },
      { name: 'MODELSHIP_VERSION', value: live.version }, { name: 'MODELSHIP_DIGEST', value: live.digest },
      // One hashing process per CPU of the init container's limit (the server's 500m: one).
      { name: 'MODELSHIP_HASH_JOBS', value: '1' }, { name: 'TMPDIR', value: '/tmp' },
    ]));
    // The model volume, and the pod's own /tmp for the hashing's lists (the root file system is read-only).
    expect(init.volumeMounts).toEqual([{ name: 'model', mountPath: '/modelship' }, { name: 'tmp', mountPath: '/tmp' }]);
    const server = pod.containers.find((c: K8sObject) => c.name === 'server');
    expect(server.image).toBe('registry.example.com/apps/fare-api:2.3.1');
    expect(server.volumeMounts).toEqual(expect.arrayContaining([{ name: 'model', mountPath: '/models', readOnly: true }]));
    expect(server.env).toEqual(expect.arrayContaining([
      { name: 'MODEL_DIR', value: '/models/model' }, { name: 'MODEL_VERSION', value: live.version }, { name: 'MODEL_DIGEST', value: live.digest },
    ]));
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      expect(server[probe].httpGet).toEqual({ path: '/healthz', port: 8080, scheme: 'HTTP' });
    }
    const volume = pod.volumes.find((v: K8sObject) => v.name === 'model');
    expect(volume.emptyDir.sizeLimit).toMatch(/^\d+Mi$/);
    assertHardened(d);
    // A switch must not restart pods: the stage is on the Deployment, not the template.
    expect(d.spec.template.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'taxi-fare', 'app.kubernetes.io/version': live.version, 'app.kubernetes.io/part-of': 'taxi-fare',
      'app.kubernetes.io/managed-by': 'modelship', 'app.kubernetes.io/component': 'model-server', 'modelship.io/track': 'stable',
    });
    expect(d.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'taxi-fare', 'modelship.io/track': 'stable' });
    expect(byKindName(objects, 'Service', 'taxi-fare').spec.selector).toEqual({ 'app.kubernetes.io/name': 'taxi-fare', 'modelship.io/track': 'stable' });
    expect(byKindName(objects, 'PodDisruptionBudget', 'taxi-fare').spec).toEqual({
      maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: { 'app.kubernetes.io/name': 'taxi-fare', 'modelship.io/track': 'stable' } },
    });
    const candidate = byKindName(objects, 'Deployment', 'taxi-fare-candidate');
    expect(candidate.spec.replicas).toBe(1);
    expect(candidate.metadata.labels['modelship.io/stage']).toBe('candidate');
    expect(candidate.spec.template.spec.initContainers[0].image).toBe('registry.example.com/models/taxi-fare:1.2.0-rc.1');
  });

  it('every user value reaches the process literally through the kubelet\'s $(VAR) and $$ expansion', () => {
    const env = { DB_PASS: 'pa$$word', REF: '$(MODEL_VERSION)', ESCAPED: '$$(MODEL_DIR)', LONE: 'a$', SHELL: '${HOME}', OPEN: '$(' };
    const r = record({
      artifact: { image: 'registry.example.com/models/taxi-fare', path: '/model$(MODEL_VERSION)$$' },
      serving: { ...record().serving, env },
      versions: [version('1.0.0', 'production')],
    });
    const d = byKindName(render(r), 'Deployment', 'taxi-fare');
    const [init] = d.spec.template.spec.initContainers.map(asKubeletRuns);
    const server = asKubeletRuns(d.spec.template.spec.containers.find((c: K8sObject) => c.name === 'server'));
    expect(init.command).toEqual(['sh', '-c', INIT_SCRIPT]);
    expect(init.env).toEqual(expect.arrayContaining([{ name: 'MODELSHIP_SRC', value: '/model$(MODEL_VERSION)$$' }]));
    for (const [name, value] of Object.entries(env)) expect(server.env).toContainEqual({ name, value });
    expect(server.env).toContainEqual({ name: 'MODEL_VERSION', value: '1.0.0' });
  });

  it('annotates how the figures were obtained, and a measured p95 with its interval', () => {
    const r = record({ versions: [version('1.0.0', 'production', { latencyP95Ms: 20, latencyP95LowMs: 18, latencyP95HighMs: 22 })] });
    expect(byKindName(render(r), 'Deployment', 'taxi-fare').metadata.annotations).toMatchObject({
      'modelship.io/size-source': 'measured', 'modelship.io/latency-p95-source': 'measured', 'modelship.io/latency-p95-ci-ms': '18-22',
    });
  });

  it('sizes the volume from the recorded size plus headroom', () => {
    const r = record({ versions: [version('1.0.0', 'production', { sizeBytes: 400 * 1024 * 1024 })] });
    const d = byKindName(render(r), 'Deployment', 'taxi-fare');
    expect(d.spec.template.spec.volumes.find((v: K8sObject) => v.name === 'model').emptyDir.sizeLimit).toBe('504Mi');
  });

  it('blue-green selectors follow switch and rollback; an empty slot is not rendered', () => {
    let r = blueGreen({ versions: [version('1.0.0', 'validated'), version('1.1.0', 'validated', { digest: D2 })] });
    r = promote(r, '1.0.0', '2026-11-02T00:00:01Z').record;
    let objects = render(r);
    validateAll(objects);
    // 1.1.0 waits for its promote as the candidate.
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Deployment/fraud-detector-blue', 'Deployment/fraud-detector-candidate', 'PodDisruptionBudget/fraud-detector',
      'Service/fraud-detector', 'Service/fraud-detector-candidate',
    ]);

    r = promote(r, '1.1.0', '2026-11-02T00:00:02Z').record;
    objects = render(r);
    validateAll(objects);
    const selector = (name: string) => byKindName(objects, 'Service', name).spec.selector;
    expect(selector('fraud-detector')).toEqual({ 'app.kubernetes.io/name': 'fraud-detector', 'modelship.io/slot': 'blue' });
    expect(selector('fraud-detector-preview')).toEqual({ 'app.kubernetes.io/name': 'fraud-detector', 'modelship.io/slot': 'green' });
    const green = byKindName(objects, 'Deployment', 'fraud-detector-green');
    expect(green.metadata.labels).toMatchObject({ 'modelship.io/slot': 'green', 'modelship.io/stage': 'validated', 'app.kubernetes.io/version': '1.1.0' });
    expect(green.spec.template.spec.initContainers[0].image).toBe('registry.example.com/models/taxi-fare:1.1.0');
    assertHardened(green);
    const greenTemplateBefore = JSON.stringify(green.spec.template);

    r = switchSlots(r, '2026-11-02T00:00:03Z').record;
    objects = render(r);
    expect(selector('fraud-detector')).toEqual({ 'app.kubernetes.io/name': 'fraud-detector', 'modelship.io/slot': 'green' });
    expect(selector('fraud-detector-preview')).toEqual({ 'app.kubernetes.io/name': 'fraud-detector', 'modelship.io/slot': 'blue' });
    expect(byKindName(objects, 'Deployment', 'fraud-detector-green').metadata.labels['modelship.io/stage']).toBe('production');
    expect(byKindName(objects, 'Deployment', 'fraud-detector-blue').metadata.labels['modelship.io/stage']).toBe('retired');
    // The switch changed selectors and labels only: the green pods keep running untouched.
    expect(JSON.stringify(byKindName(objects, 'Deployment', 'fraud-detector-green').spec.template)).toBe(greenTemplateBefore);
    expect(byKindName(objects, 'PodDisruptionBudget', 'fraud-detector').spec.selector.matchLabels['modelship.io/slot']).toBe('green');

    r = rollback(r, '2026-11-02T00:00:04Z').record;
    objects = render(r);
    expect(selector('fraud-detector')).toEqual({ 'app.kubernetes.io/name': 'fraud-detector', 'modelship.io/slot': 'blue' });
  });

  it('refuses to deploy a production version outside its gates, naming the reason', () => {
    const r = record({ gates: { maxSizeMiB: 50, maxLatencyP95Ms: 50 }, versions: [version('1.0.0', 'production')] });
    expect(() => renderManifest(r)).toThrow(PolicyError);
    expect(() => renderManifest(r)).toThrow(/taxi-fare 1\.0\.0 cannot be deployed as production: size 100 MiB exceeds maxSizeMiB 50/);
  });

  it('refuses a production slot holding a version that never passed its gates', () => {
    const r = blueGreen({
      versions: [version('1.0.0', 'production', { latencyP95Ms: 80 })],
      slots: { active: 'blue', blue: '1.0.0', green: null },
    });
    expect(() => renderManifest(r)).toThrow(/p95 latency 80 ms exceeds maxLatencyP95Ms 50/);
  });

  it('renders nothing for a model with nothing deployable yet', () => {
    expect(render(record({ versions: [version('1.0.0', 'candidate', { digest: undefined })] }))).toEqual([]);
  });

  describe('the candidate test deployment', () => {
    const names = (objects: K8sObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    /** Does a Service's selector pick pods with these labels? */
    const selects = (service: K8sObject, labels: Record<string, string>) =>
      Object.entries(service.spec.selector as Record<string, string>).every(([k, v]) => labels[k] === v);

    const cases = [
      ['rolling', record({ versions: [version('1.0.0', 'production'), version('1.1.0-rc.0', 'candidate', { digest: D2, latencyP95Ms: undefined })] })],
      ['blue-green', blueGreen({
        versions: [version('1.0.0', 'production'), version('1.1.0', 'validated'), version('1.2.0-rc.0', 'candidate', { digest: D2, latencyP95Ms: undefined })],
        slots: { active: 'blue', blue: '1.0.0', green: '1.1.0' },
      })],
    ] as const;

    it.each(cases)('%s: one replica, stage candidate, hardened, verified, never selected by live or preview', (_s, r) => {
      const objects = render(r);
      validateAll(objects);
      const d = byKindName(objects, 'Deployment', `${r.name}-candidate`);
      expect(d.spec.replicas).toBe(1);
      const expected = r.versions.find((v) => v.stage === 'candidate')!.version;
      expect(d.metadata.labels).toMatchObject({ 'modelship.io/stage': 'candidate', 'app.kubernetes.io/version': expected });
      expect(d.spec.template.spec.initContainers[0].image).toBe(`${r.artifact.image}:${expected}`);
      expect(d.metadata.labels['modelship.io/slot']).toBeUndefined();
      const podLabels = d.spec.template.metadata.labels;
      expect(podLabels).toMatchObject({ 'modelship.io/stage': 'candidate', 'modelship.io/track': 'candidate' });
      assertHardened(d);
      const [init] = d.spec.template.spec.initContainers;
      expect(asKubeletRuns(init).command).toEqual(['sh', '-c', INIT_SCRIPT]);
      expect(init.env).toEqual(expect.arrayContaining([{ name: 'MODELSHIP_DIGEST', value: D2 }]));
      const service = byKindName(objects, 'Service', `${r.name}-candidate`);
      expect(selects(service, podLabels)).toBe(true);
      for (const other of objects.filter((o) => o.kind === 'Service' && o !== service)) {
        expect(selects(other, podLabels)).toBe(false);
      }
      for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
        expect(Object.entries(pdb.spec.selector.matchLabels).every(([k, v]) => podLabels[k] === v)).toBe(false);
      }
      // And the candidate Service selects no live or preview pod.
      for (const other of objects.filter((o) => o.kind === 'Deployment' && o !== d)) {
        expect(selects(service, other.spec.template.metadata.labels)).toBe(false);
      }
    });

    it.each(cases)('%s: production and preview objects are unchanged by a candidate', (_s, r) => {
      const without = { ...r, versions: r.versions.filter((v) => v.stage !== 'candidate') };
      const candidateFree = render(r).filter((o) => !o.metadata.name.endsWith('-candidate'));
      expect(candidateFree).toEqual(render(without));
      expect(names(render(r))).toEqual([...names(render(without)), `Deployment/${r.name}-candidate`, `Service/${r.name}-candidate`].sort());
    });

    it('a candidate with no digest or over its size gate is not rendered', () => {
      const live = version('1.0.0', 'production');
      expect(names(render(record({ versions: [live, version('1.1.0', 'candidate', { digest: undefined })] })))).not.toContain('Deployment/taxi-fare-candidate');
      expect(names(render(record({ versions: [live, version('1.1.0', 'candidate', { sizeBytes: 513 * 1024 * 1024 })] })))).not.toContain('Deployment/taxi-fare-candidate');
    });

    it('sizes the candidate volume from its measured size', () => {
      const r = record({ versions: [version('1.0.0', 'candidate', { sizeBytes: 400 * 1024 * 1024 })] });
      const d = byKindName(render(r), 'Deployment', 'taxi-fare-candidate');
      expect(d.spec.template.spec.volumes.find((v: K8sObject) => v.name === 'model').emptyDir.sizeLimit).toBe('504Mi');
    });
  });

  it('is deterministic: two syntheses of the examples are byte-identical', async () => {
    const dirs = [0, 1].map(() => tempDir('synth-'));
    // One in the bin's own process, one in this worker after it rendered everything above: neither
    // process state nor what ran before may change a byte (and the second costs no node start).
    const r = spawnSync(process.execPath, [path.join(__dirname, '../../bin/modelship.js'), 'synth', '--out', dirs[0], '--models-dir', EXAMPLE_MODELS], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect((await cli(['synth', '--out', dirs[1], '--models-dir', EXAMPLE_MODELS])).code).toBe(0);
    const read = (d: string) => Object.fromEntries(['kubernetes', 'nomad'].flatMap((t) =>
      fs.readdirSync(path.join(d, t)).map((f) => [`${t}/${f}`, fs.readFileSync(path.join(d, t, f), 'utf8')])));
    const [a, b] = dirs.map(read);
    expect(Object.keys(a).sort()).toEqual([
      'kubernetes/fraud-detector.k8s.yaml', 'kubernetes/taxi-fare.k8s.yaml',
      'nomad/fraud-detector-candidate.nomad.hcl', 'nomad/fraud-detector-candidate.nomad.json', 'nomad/fraud-detector.nomad.hcl', 'nomad/fraud-detector.nomad.json',
      'nomad/taxi-fare-candidate.nomad.hcl', 'nomad/taxi-fare-candidate.nomad.json', 'nomad/taxi-fare.nomad.hcl', 'nomad/taxi-fare.nomad.json',
    ]);
    expect(b).toEqual(a);
  });

  it('keeps a readable snapshot of one manifest beside the assertions above', () => {
    expect(renderManifest(examples.find((r) => r.name === 'fraud-detector')!)).toMatchSnapshot();
  });
});

describe('object names across models', () => {
  const live = [version('1.0.0', 'production')];
  it('refuses a model named like another model\'s candidate or slot in the same namespace, whichever comes first', () => {
    const x = record({ name: 'x', versions: live });
    for (const [other, what] of [['x-candidate', 'candidate'], ['x-blue', 'blue slot'], ['x-preview', 'preview']]) {
      const clash = record({ name: other, versions: live });
      for (const records of [[x, clash], [clash, x]]) {
        expect(() => renderManifests(records)).toThrow(PolicyError);
        expect(() => renderManifests(records)).toThrow(`models x and ${other} in namespace ml-serving: x's ${what} objects are named ${other}; rename one of the models or give it another namespace`);
      }
    }
  });

  it('the same names in different namespaces, or a model that deploys nothing, are no clash', () => {
    const x = record({ name: 'x', versions: [version('1.0.0', 'production')] });
    const elsewhere = record({ name: 'x-candidate', versions: [version('1.0.0', 'production')], deploy: { strategy: 'rolling', kubernetes: { namespace: 'other' } } });
    expect([...renderManifests([x, elsewhere]).keys()]).toEqual(['x.k8s.yaml', 'x-candidate.k8s.yaml']);
    expect([...renderManifests([x, record({ name: 'x-green' })]).keys()]).toEqual(['x.k8s.yaml']);
  });
});
