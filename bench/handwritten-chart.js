'use strict';
// The baseline for bench/synth: the same objects modelship writes for N blue-green
// models, written by hand with cdk8s-plus-27 the usual way (one App, one chart per model).
const fs = require('node:fs');
const path = require('node:path');
const { App, Chart, Size, Duration, ApiObject, JsonPatch } = require('cdk8s');
const kplus = require('cdk8s-plus-27');
const { parse } = require('yaml');

const [modelsDir, outdir] = process.argv.slice(2);
const app = new App({ outdir });
for (const file of fs.readdirSync(modelsDir).filter((f) => f.endsWith('.yaml')).sort()) {
  const r = parse(fs.readFileSync(path.join(modelsDir, file), 'utf8'));
  const chart = new Chart(app, r.name, { namespace: 'ml-serving', disableResourceNameHashes: true });
  for (const slot of ['blue', 'green']) {
    const v = r.versions.find((x) => x.version === r.slots[slot]);
    const labels = { 'app.kubernetes.io/name': r.name, 'modelship.io/slot': slot, 'app.kubernetes.io/version': v.version };
    const vol = kplus.Volume.fromEmptyDir(chart, `${slot}-model`, 'model', { sizeLimit: Size.mebibytes(600) });
    const tmp = kplus.Volume.fromEmptyDir(chart, `${slot}-tmp`, 'tmp', { sizeLimit: Size.mebibytes(64) });
    const sec = { ensureNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, user: 1000, group: 1000, capabilities: { drop: ['ALL'] } };
    const d = new kplus.Deployment(chart, slot, {
      metadata: { name: `${r.name}-${slot}`, labels, annotations: { 'modelship.io/digest': v.digest } },
      replicas: r.serving.replicas, select: false, podMetadata: { labels },
      automountServiceAccountToken: false, securityContext: { ensureNonRoot: true, user: 1000, group: 1000, fsGroup: 1000 },
      volumes: [vol, tmp],
      initContainers: [{
        name: 'model-init', image: `${r.artifact.image}:${v.version}`, command: ['sh', '-c', 'copy-and-verify'],
        envVariables: { MODELSHIP_DIGEST: kplus.EnvValue.fromValue(v.digest), MODELSHIP_VERSION: kplus.EnvValue.fromValue(v.version) },
        volumeMounts: [{ volume: vol, path: '/modelship' }], securityContext: sec,
        resources: { cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(1000) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) } },
      }],
      containers: [{
        name: 'server', image: r.serving.image, ports: [{ number: r.serving.port, name: 'http' }],
        envVariables: { MODEL_DIR: kplus.EnvValue.fromValue('/models/model') },
        volumeMounts: [{ volume: vol, path: '/models', readOnly: true }, { volume: tmp, path: '/tmp' }], securityContext: sec,
        resources: { cpu: { request: kplus.Cpu.millis(500), limit: kplus.Cpu.millis(500) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) } },
        readiness: kplus.Probe.fromHttpGet('/healthz', { port: r.serving.port }),
        liveness: kplus.Probe.fromHttpGet('/healthz', { port: r.serving.port }),
        startup: kplus.Probe.fromHttpGet('/healthz', { port: r.serving.port }),
      }],
    });
    d.select(kplus.LabelSelector.of({ labels: { 'app.kubernetes.io/name': r.name, 'modelship.io/slot': slot } }));
    ApiObject.of(d).addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }));
  }
  for (const [name, slot] of [[r.name, r.slots.active], [`${r.name}-preview`, r.slots.active === 'blue' ? 'green' : 'blue']]) {
    const s = new kplus.Service(chart, name, { metadata: { name }, ports: [{ port: 80, targetPort: r.serving.port }] });
    s.selectLabel('app.kubernetes.io/name', r.name);
    s.selectLabel('modelship.io/slot', slot);
  }
  new kplus.k8s.KubePodDisruptionBudget(chart, 'pdb', {
    metadata: { name: r.name },
    spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: { 'app.kubernetes.io/name': r.name, 'modelship.io/slot': r.slots.active } } },
  });
}
app.synth();
