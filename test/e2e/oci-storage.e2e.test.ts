import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { acceptDeclared, cliProcess, tempDir } from '../helpers/cli';
import { byKindName, parseManifest, validateAll } from '../helpers/kube';
import { buildImage, buildServingImage, eventually, exec, play, REGISTRY, removePod, run, setUp, tryRun } from './podman';

/*
 * Release-candidate and production storage in the real local registry
 * (Debian's docker-registry, deletes enabled by setup.sh): the candidate is
 * pushed to models-rc/<name>, pinned, promoted by blob mount into
 * models/<name>, and everything the registry holds is checked with skopeo,
 * independently of modelship's own client.
 */

const setup = setUp();
const suite = setup.ok || process.env.CI ? describe : describe.skip;

const REGISTRY_LOG = path.join(process.env.E2E_REGISTRY_DIR ?? '/tmp/modelship-e2e-registry', 'log');
const SERVING_IMAGE = `${REGISTRY}/apps/model-httpd:1.0.0`;
const name = `e2e-oci-${Date.now().toString(36)}`;
const CANDIDATES = `${REGISTRY}/models-rc/${name}`;
const PRODUCTION = `${REGISTRY}/models/${name}`;

function makeArtifact(version: string): string {
  const root = path.join(tempDir('e2e-artifact-'), 'model');
  fs.mkdirSync(path.join(root, 'weights'), { recursive: true });
  fs.writeFileSync(path.join(root, 'weights', 'model.bin'), crypto.randomBytes(1024 * 1024));
  fs.writeFileSync(path.join(root, 'VERSION'), `${version}\n`);
  return root;
}

/** The manifest digest the registry holds for a reference, by skopeo; undefined when it has none. */
function skopeoDigest(ref: string): string | undefined {
  let raw: string;
  try {
    raw = run('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${ref}`]);
  } catch {
    return undefined;
  }
  // --raw prints the manifest's exact bytes; their sha256 is the manifest digest.
  return `sha256:${crypto.createHash('sha256').update(raw).digest('hex')}`;
}

function ok(args: string[], dir: string): string {
  const r = cliProcess([...args, '--models-dir', dir]);
  if (r.code !== 0) throw new Error(`modelship ${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
  return r.stdout.trim();
}

suite('release-candidate and production storage in a real registry', () => {
  const dir = path.join(tempDir('e2e-models-'), 'models');
  const pinnedOf = (version: string) =>
    (parse(fs.readFileSync(path.join(dir, `${name}.yaml`), 'utf8')).versions as { version: string; image?: string }[]).find((v) => v.version === version)?.image;
  let v1: string;
  let artifact: string;
  let digest: string;

  beforeAll(() => {
    if (!setup.ok) throw new Error(`cannot set up the container runtime: ${setup.reason}`);
    buildServingImage(SERVING_IMAGE);
    ok(['init', name, '--image', PRODUCTION, '--candidate-image', CANDIDATES, '--serving-image', SERVING_IMAGE,
      '--port', '8080', '--max-size-mib', '64', '--max-latency-p95-ms', '50'], dir);
    // No server is measured here: the p95 is declared, which these gates accept.
    acceptDeclared(dir, name);
  });
  afterAll(() => removePod(name));

  it('a candidate pushed to models-rc is pinned, and promote copies it to models under the same digest', () => {
    v1 = ok(['bump', name, 'major'], dir);
    artifact = makeArtifact(v1);
    buildImage(`${CANDIDATES}:${v1}`, { '/model': { from: artifact } });
    ok(['measure', name, v1, '--artifact', artifact], dir);
    const measured = ok(['measure', name, v1, '--image'], dir);
    digest = skopeoDigest(`${CANDIDATES}:${v1}`) as string;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(measured).toBe(`${name} ${v1}: ${CANDIDATES}:${v1}@${digest}`);
    expect(skopeoDigest(`${PRODUCTION}:${v1}`)).toBeUndefined();

    ok(['validate', name, v1, '--declared-latency-p95-ms', '12'], dir);
    ok(['promote', name, v1], dir);
    expect(skopeoDigest(`${PRODUCTION}:${v1}`)).toBe(digest);
    expect(pinnedOf(v1)).toBe(`${PRODUCTION}:${v1}@${digest}`);

    // The registry's own log of modelship's requests: blobs were mounted (201), none was downloaded.
    const ours = fs.readFileSync(REGISTRY_LOG, 'utf8').split('\n')
      .filter((l) => l.includes('http.request.useragent=modelship') && l.includes(`/${name}/`));
    const mounts = ours.filter((l) => /http\.request\.method=POST .*mount=sha256/.test(l));
    expect(mounts.length).toBeGreaterThanOrEqual(2);
    expect(mounts.every((l) => l.includes('http.response.status=201'))).toBe(true);
    expect(ours.filter((l) => /http\.request\.method=GET .*\/blobs\//.test(l))).toEqual([]);
  });

  it('a candidate tag pushed again with other bytes does not change what production runs', async () => {
    const other = makeArtifact(v1);
    buildImage(`${CANDIDATES}:${v1}`, { '/model': { from: other } });
    expect(skopeoDigest(`${CANDIDATES}:${v1}`)).not.toBe(digest);
    expect(skopeoDigest(`${PRODUCTION}:${v1}`)).toBe(digest);

    const out = tempDir('e2e-dist-');
    ok(['synth', '--target', 'kubernetes', '--out', out], dir);
    const objects = parseManifest(fs.readFileSync(path.join(out, 'kubernetes', `${name}.k8s.yaml`), 'utf8'));
    validateAll(objects);
    const deployment = byKindName(objects, 'Deployment', name);
    const pinned = `${PRODUCTION}:${v1}@${digest}`;
    expect(deployment.spec.template.spec.initContainers[0].image).toBe(pinned);

    tryRun('podman', ['rmi', '-f', pinned]);
    const r = play(deployment);
    expect(r.out).not.toMatch(/Error:/);
    await eventually(() => exec(name, 'server', 'wget -qO- localhost:8080/healthz').out.trim() === 'ok', 'the server to answer');
    // The pod pulled the pinned reference: the init container's image is that digest.
    const image = run('podman', ['inspect', '-f', '{{.ImageDigest}}', `${name}-pod-0-model-init`]).trim();
    expect(image).toBe(digest);
    const served = exec(name, 'server', 'wget -qO- localhost:8080/model/weights/model.bin | sha256sum').out.split(' ')[0];
    expect(served).toBe(crypto.createHash('sha256').update(fs.readFileSync(path.join(artifact, 'weights', 'model.bin'))).digest('hex'));
  });

  it('prune --yes removes a rejected version\'s tag; a later pull of it fails', () => {
    const v2 = ok(['bump', name, 'minor'], dir);
    buildImage(`${CANDIDATES}:${v2}`, { '/model': { from: makeArtifact(v2) } });
    ok(['measure', name, v2, '--artifact', makeArtifact(v2)], dir);
    ok(['measure', name, v2, '--image'], dir);
    expect(cliProcess(['validate', name, v2, '--declared-latency-p95-ms', '500', '--models-dir', dir]).code).toBe(1);
    expect(skopeoDigest(`${CANDIDATES}:${v2}`)).toMatch(/^sha256:/);

    const plan = ok(['prune', name], dir);
    expect(plan).toContain(`${v2}\trejected`);
    expect(skopeoDigest(`${CANDIDATES}:${v2}`)).toMatch(/^sha256:/);

    const pruned = ok(['prune', name, '--yes'], dir);
    expect(pruned).toMatch(new RegExp(`${CANDIDATES}:${v2}: deleted \\(sha256:[0-9a-f]{64}\\)`));
    expect(skopeoDigest(`${CANDIDATES}:${v2}`)).toBeUndefined();
    const pull = tryRun('podman', ['pull', '-q', `${CANDIDATES}:${v2}`]);
    expect(pull.code).not.toBe(0);
    expect(pull.out).toMatch(/manifest unknown/i);
    expect(pinnedOf(v2)).toBeUndefined();
    // Production is untouched.
    expect(skopeoDigest(`${PRODUCTION}:${v1}`)).toBe(digest);
  });
});
