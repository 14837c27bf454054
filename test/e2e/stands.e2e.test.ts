import * as fs from 'node:fs';
import * as path from 'node:path';
import { acceptDeclared, cliProcess, tempDir } from '../helpers/cli';
import { byKindName, K8sObject, parseManifest, validateAll } from '../helpers/kube';
import { buildImage, buildServingImage, eventually, exec, play, REGISTRY, removePod, setUp } from './podman';

/*
 * One model in two stands side by side: dev runs the newer version, prod the
 * older one, from the same record. podman ignores namespaces, so the harness
 * maps each stand's namespace to a pod of its own by prefixing the Deployment's
 * name with it (the product's names are the same in every stand).
 */

const setup = setUp();
if (!setup.ok && !process.env.CI) {
  // eslint-disable-next-line no-console
  console.warn(`skipping the end-to-end suite: ${setup.reason}`);
}
const suite = setup.ok || process.env.CI ? describe : describe.skip;

const SERVING_IMAGE = `${REGISTRY}/apps/stand-httpd:1.0.0`;
const name = `e2e-stands-${Date.now().toString(36)}`;

function ok(args: string[], dir: string): string {
  const r = cliProcess([...args, '--models-dir', dir]);
  if (r.code !== 0) throw new Error(`modelship ${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
  return r.stdout.trim();
}

/** bump -> image -> measure -> validate: a version ready for the first stand. */
function cut(dir: string, release: string): string {
  const version = ok(['bump', name, release], dir);
  const artifact = path.join(tempDir('e2e-artifact-'), 'model');
  fs.mkdirSync(artifact, { recursive: true });
  fs.writeFileSync(path.join(artifact, 'VERSION'), `${version}\n`);
  buildImage(`${REGISTRY}/models/${name}:${version}`, { '/model': { from: artifact } });
  ok(['measure', name, version, '--artifact', artifact], dir);
  ok(['validate', name, version, '--declared-latency-p95-ms', '12'], dir);
  return version;
}

/** The stand's Deployment, renamed after its namespace so both stands get pods of their own. */
function standDeployment(out: string, stand: string): K8sObject {
  const objects = parseManifest(fs.readFileSync(path.join(out, stand, 'kubernetes', `${name}.k8s.yaml`), 'utf8'));
  validateAll(objects);
  const d = byKindName(objects, 'Deployment', name);
  return { ...d, metadata: { ...d.metadata, name: `${d.metadata.namespace}-${name}` } };
}

suite('one model in two stands, side by side in podman', () => {
  const dir = path.join(tempDir('e2e-models-'), 'models');
  const pods: string[] = [];

  beforeAll(() => {
    if (!setup.ok) throw new Error(`cannot set up the container runtime: ${setup.reason}`);
    buildServingImage(SERVING_IMAGE);
    ok(['init', name, '--image', `${REGISTRY}/models/${name}`, '--serving-image', SERVING_IMAGE, '--port', '8080',
      '--max-size-mib', '64', '--max-latency-p95-ms', '50'], dir);
    acceptDeclared(dir, name);
    const file = path.join(dir, `${name}.yaml`);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^versions:/m,
      'stands:\n  - { name: dev, kubernetes: { namespace: e2e-dev }, nomad: { namespace: dev }, replicas: 1 }\n'
      + '  - { name: prod, kubernetes: { namespace: e2e-prod } }\nversions:'));
  });
  afterAll(() => pods.forEach(removePod));

  it('dev runs the new version while prod keeps the old one, each in its own pod', async () => {
    const v1 = cut(dir, 'major');
    ok(['promote', name, v1], dir);
    ok(['promote', name, v1], dir);
    const v2 = cut(dir, 'minor');
    expect(cliProcess(['promote', name, v2, '--stand', 'prod', '--models-dir', dir]).code).toBe(1);
    expect(ok(['promote', name, v2], dir)).toBe(`[dev] ${name} ${v2} is live in dev; ${v1} retired`);
    const out = tempDir('e2e-dist-');
    ok(['synth', '--target', 'kubernetes', '--out', out], dir);

    const stands = { dev: v2, prod: v1 };
    for (const [stand, version] of Object.entries(stands)) {
      const d = standDeployment(out, stand);
      pods.push(d.metadata.name);
      const r = play(d, { sideBySide: true });
      expect(r.out).not.toMatch(/Error:/);
      expect(d.spec.template.metadata.labels['app.kubernetes.io/version']).toBe(version);
    }
    for (const [stand, version] of Object.entries(stands)) {
      const pod = `e2e-${stand}-${name}`;
      await eventually(() => exec(pod, 'server', 'wget -qO- localhost:8080/healthz').out.trim() === 'ok', `the ${stand} server to answer`);
      expect(exec(pod, 'server', 'wget -qO- localhost:8080/model/VERSION').out.trim()).toBe(version);
      expect(exec(pod, 'server', 'echo "$MODEL_VERSION"').out.trim()).toBe(version);
    }
    // Rolling dev back touches dev only.
    expect(ok(['rollback', name, '--stand', 'dev'], dir)).toBe(`[dev] ${name}: rolled back to ${v1}; ${v2} retired`);
    const again = tempDir('e2e-dist-');
    ok(['synth', '--target', 'kubernetes', '--out', again], dir);
    expect(standDeployment(again, 'dev').spec.template.metadata.labels['app.kubernetes.io/version']).toBe(v1);
    expect(standDeployment(again, 'prod').spec.template.metadata.labels['app.kubernetes.io/version']).toBe(v1);
  });
});
