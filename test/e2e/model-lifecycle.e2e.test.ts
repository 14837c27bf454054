import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { acceptDeclared, cliProcess, tempDir } from '../helpers/cli';
import { byKindName, K8sObject, parseManifest, validateAll } from '../helpers/kube';
import { buildImage, buildServingImage, eventually, exec, logs, play, REGISTRY, removePod, setUp, state, tryRun } from './podman';

/*
 * The whole path for real: artifact -> model image in a registry -> the public
 * CLI -> synthesized Deployment -> podman kube play (pull, init container,
 * shared volume, server). See ./podman.ts for what the harness changes in a
 * manifest so that podman 4.3 can play it.
 */

const setup = setUp();
if (!setup.ok && !process.env.CI) {
  // A developer without root: say how, do not fail their `npm run test:e2e`.
  // eslint-disable-next-line no-console
  console.warn(`skipping the end-to-end suite: ${setup.reason}`);
}
const suite = setup.ok || process.env.CI ? describe : describe.skip;

const SERVING_IMAGE = `${REGISTRY}/apps/model-httpd:1.0.0`;
const run = Date.now().toString(36);

function makeArtifact(version: string): string {
  const root = path.join(tempDir('e2e-artifact-'), 'model');
  fs.mkdirSync(path.join(root, 'weights'), { recursive: true });
  fs.mkdirSync(path.join(root, 'conf dir', 'nested'), { recursive: true });
  fs.writeFileSync(path.join(root, 'weights', 'model.bin'), crypto.randomBytes(3 * 1024 * 1024));
  fs.writeFileSync(path.join(root, 'conf dir', 'nested', 'config file.json'), JSON.stringify({ version, threshold: 0.42 }));
  fs.writeFileSync(path.join(root, 'VERSION'), `${version}\n`);
  return root;
}

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function ok(args: string[], dir: string): string {
  const r = cliProcess([...args, '--models-dir', dir]);
  if (r.code !== 0) throw new Error(`modelship ${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * bump -> measure --artifact -> validate -> promote through the CLI, with the
 * image pushed. The latency is declared (and the record opts in) to keep these
 * runtime tests short; the walkthrough below measures it for real.
 */
function ship(dir: string, name: string, release: string): { version: string; artifact: string } {
  acceptDeclared(dir, name);
  const version = ok(['bump', name, release], dir);
  const artifact = makeArtifact(version);
  buildImage(`${REGISTRY}/models/${name}:${version}`, { '/model': { from: artifact } });
  ok(['measure', name, version, '--artifact', artifact], dir);
  ok(['validate', name, version, '--declared-latency-p95-ms', '12'], dir);
  ok(['promote', name, version], dir);
  return { version, artifact };
}

function synth(dir: string, name: string): K8sObject[] {
  const out = tempDir('e2e-dist-');
  ok(['synth', '--target', 'kubernetes', '--out', out], dir);
  const objects = parseManifest(fs.readFileSync(path.join(out, 'kubernetes', `${name}.k8s.yaml`), 'utf8'));
  validateAll(objects);
  return objects;
}

suite('end to end in podman', () => {
  beforeAll(() => {
    if (!setup.ok) throw new Error(`cannot set up the container runtime: ${setup.reason}`);
    buildServingImage(SERVING_IMAGE);
  });

  describe('a rolling model', () => {
    const name = `e2e-rolling-${run}`;
    const dir = path.join(tempDir('e2e-models-'), 'models');
    let shipped: { version: string; artifact: string };
    let deployment: K8sObject;

    beforeAll(() => {
      ok(['init', name, '--image', `${REGISTRY}/models/${name}`, '--serving-image', SERVING_IMAGE, '--port', '8080',
        '--max-size-mib', '64', '--max-latency-p95-ms', '50'], dir);
      shipped = ship(dir, name, 'major');
      deployment = byKindName(synth(dir, name), 'Deployment', name);
    });
    afterAll(() => removePod(name));

    it('plays: the server answers with the model\'s bytes, read-only, not as root', async () => {
      const r = play(deployment);
      expect(r.out).not.toMatch(/Error:/);
      await eventually(() => exec(name, 'server', 'wget -qO- localhost:8080/healthz').out.trim() === 'ok', 'the server to answer');
      expect(logs(name, 'model-init')).toMatch(new RegExp(`${shipped.version} verified \\(sha256:[0-9a-f]{64}\\) and ready in /modelship/model`));

      const served = exec(name, 'server', 'wget -qO- localhost:8080/model/weights/model.bin | sha256sum');
      expect(served.out.split(' ')[0]).toBe(sha256(path.join(shipped.artifact, 'weights', 'model.bin')));
      expect(exec(name, 'server', "wget -qO- 'localhost:8080/model/conf%20dir/nested/config%20file.json'").out).toContain('"threshold":0.42');
      expect(exec(name, 'server', 'echo "$MODEL_DIR $MODEL_VERSION"').out.trim()).toBe(`/models/model ${shipped.version}`);

      const write = exec(name, 'server', 'touch /models/model/tampered');
      expect(write.code).not.toBe(0);
      expect(write.out).toMatch(/Read-only file system/);
      expect(exec(name, 'server', 'touch /etc/tampered').out).toMatch(/Read-only file system/);
      expect(exec(name, 'server', 'id -u').out.trim()).toBe('1000');
      expect(exec(name, 'model-init', 'true').code).not.toBe(0); // the init container has exited
    });

    it('a restart of the pod does not copy again', async () => {
      const inode = exec(name, 'server', 'ls -i /models/model/weights/model.bin').out.trim();
      tryRun('podman', ['pod', 'stop', '-t', '0', `${name}-pod-0`]);
      tryRun('podman', ['pod', 'start', `${name}-pod-0`]);
      await eventually(() => exec(name, 'server', 'wget -qO- localhost:8080/healthz').out.trim() === 'ok', 'the server to answer again');
      const initLog = logs(name, 'model-init');
      expect(initLog).toMatch(/nothing to copy/);
      expect(initLog.match(/verified/g)).toHaveLength(1);
      expect(exec(name, 'server', 'ls -i /models/model/weights/model.bin').out.trim()).toBe(inode);
    });

    it('the same tag re-pushed with one changed byte never starts the server; the log names the mismatch', async () => {
      removePod(name);
      const tampered = path.join(tempDir('e2e-tampered-'), 'model');
      fs.cpSync(shipped.artifact, tampered, { recursive: true });
      const weights = path.join(tampered, 'weights', 'model.bin');
      const bytes = fs.readFileSync(weights);
      bytes[1000] ^= 0x01;
      fs.writeFileSync(weights, bytes);
      buildImage(`${REGISTRY}/models/${name}:${shipped.version}`, { '/model': { from: tampered } });

      const r = play(deployment);
      expect(r.out).toMatch(/init container .* exited with code 1/);
      await eventually(() => /digest mismatch/.test(logs(name, 'model-init')), 'the init container to report');
      expect(logs(name, 'model-init')).toMatch(new RegExp(`digest mismatch for ${shipped.version}: expected sha256:[0-9a-f]{64}, the copy of /model has sha256:[0-9a-f]{64}; refusing to start the server`));
      await new Promise((r2) => setTimeout(r2, 3000));
      expect(state(name, 'server')).toBe('created');
      expect(logs(name, 'server')).toBe('');
    });
  });

  describe('a blue-green model', () => {
    const name = `e2e-bg-${run}`;
    const dir = path.join(tempDir('e2e-models-'), 'models');
    afterAll(() => {
      removePod(`${name}-blue`);
      removePod(`${name}-green`);
    });

    it('runs both slots side by side with their own versions; switch moves the live Service', async () => {
      ok(['init', name, '--image', `${REGISTRY}/models/${name}`, '--serving-image', SERVING_IMAGE, '--port', '8080',
        '--strategy', 'blue-green', '--max-size-mib', '64', '--max-latency-p95-ms', '50'], dir);
      const v1 = ship(dir, name, 'major').version;
      const v2 = ship(dir, name, 'minor').version;
      let objects = synth(dir, name);
      expect(byKindName(objects, 'Service', name).spec.selector['modelship.io/slot']).toBe('blue');
      expect(byKindName(objects, 'Service', `${name}-preview`).spec.selector['modelship.io/slot']).toBe('green');

      for (const slot of ['blue', 'green']) {
        const r = play(byKindName(objects, 'Deployment', `${name}-${slot}`), { sideBySide: true });
        expect(r.out).not.toMatch(/Error:/);
      }
      for (const [slot, version] of [['blue', v1], ['green', v2]]) {
        const dep = `${name}-${slot}`;
        await eventually(() => exec(dep, 'server', 'wget -qO- localhost:8080/healthz').out.trim() === 'ok', `${slot} to answer`);
        expect(exec(dep, 'server', 'wget -qO- localhost:8080/model/VERSION').out.trim()).toBe(version);
      }
      // Both run at once: the preview is tested while the live slot serves.
      expect(state(`${name}-blue`, 'server')).toBe('running');
      expect(state(`${name}-green`, 'server')).toBe('running');

      ok(['switch', name], dir);
      objects = synth(dir, name);
      expect(byKindName(objects, 'Service', name).spec.selector).toEqual({ 'app.kubernetes.io/name': name, 'modelship.io/slot': 'green' });
      expect(byKindName(objects, 'Service', `${name}-preview`).spec.selector['modelship.io/slot']).toBe('blue');
      expect(byKindName(objects, 'Deployment', `${name}-green`).metadata.labels['modelship.io/stage']).toBe('production');

      ok(['rollback', name], dir);
      expect(byKindName(synth(dir, name), 'Service', name).spec.selector['modelship.io/slot']).toBe('blue');
    });
  });

  describe('the README walkthrough, with measured figures only', () => {
    const name = `e2e-walk-${run}`;
    const dir = path.join(tempDir('e2e-models-'), 'models');
    const candidate = `${name}-candidate`;
    afterAll(() => removePod(candidate));

    /** Steps 2-4 for one version: cut it, bake and measure the artifact, play the candidate, measure it, validate. */
    async function measureAndValidate(release: string): Promise<string> {
      const version = ok(['bump', name, release], dir);
      const artifact = makeArtifact(version);
      buildImage(`${REGISTRY}/models/${name}:${version}`, { '/model': { from: artifact } });
      ok(['measure', name, version, '--artifact', artifact], dir);
      // Not validated yet, so only the candidate runs it: that is where it is measured.
      const objects = synth(dir, name);
      const d = byKindName(objects, 'Deployment', candidate);
      expect(d.metadata.labels).toMatchObject({ 'modelship.io/stage': 'candidate', 'app.kubernetes.io/version': version });
      expect(play(d).out).not.toMatch(/Error:/);
      await eventually(() => exec(candidate, 'server', 'wget -qO- localhost:8080/healthz').out.trim() === 'ok', 'the candidate to answer');
      expect(exec(candidate, 'server', 'wget -qO- localhost:8080/model/VERSION').out.trim()).toBe(version);
      // podman publishes the container port on the host, as a port-forward to the candidate Service would.
      const measured = ok(['measure', name, version, '--endpoint', 'http://127.0.0.1:8080/model/VERSION', '--requests', '300', '--concurrency', '4'], dir);
      expect(measured).toMatch(/p95 [\d.]+ ms \(95% CI [\d.]+-[\d.]+ ms\)/);
      const validated = ok(['validate', name, version], dir);
      expect(validated).toMatch(new RegExp(`^${name} ${version.replace(/\./g, '\\.')} validated\n  maxSizeMiB: pass: .*\n  maxLatencyP95Ms: pass: p95 latency [\\d.]+ ms \\(95% CI`));
      removePod(candidate);
      return version;
    }

    it('init, bump, measure, validate, promote, bump, measure, validate, promote, switch', async () => {
      ok(['init', name, '--image', `${REGISTRY}/models/${name}`, '--serving-image', SERVING_IMAGE, '--port', '8080',
        '--strategy', 'blue-green', '--max-size-mib', '64', '--max-latency-p95-ms', '250'], dir);
      const v1 = await measureAndValidate('major');
      expect(ok(['promote', name, v1], dir)).toMatch(/is in production in slot blue/);
      const v2 = await measureAndValidate('minor');
      expect(ok(['promote', name, v2], dir)).toMatch(/preview in slot green/);
      let objects = synth(dir, name);
      expect(byKindName(objects, 'Service', `${name}-preview`).spec.selector['modelship.io/slot']).toBe('green');
      expect(objects.some((o) => o.metadata.name === candidate)).toBe(false);
      ok(['switch', name], dir);
      objects = synth(dir, name);
      expect(byKindName(objects, 'Service', name).spec.selector['modelship.io/slot']).toBe('green');
      const green = byKindName(objects, 'Deployment', `${name}-green`);
      expect(green.metadata.annotations['modelship.io/latency-p95-source']).toBe('measured');
      expect(green.metadata.annotations['modelship.io/size-source']).toBe('measured');
      // Production took measured figures only: nothing was declared, and the record never opted in.
      const history = JSON.parse(ok(['history', name, '--json'], dir)) as { action: string }[];
      expect(history.filter((e) => e.action === 'declare')).toEqual([]);
      expect(history.filter((e) => e.action === 'measure')).toHaveLength(4);
      expect(fs.readFileSync(path.join(dir, `${name}.yaml`), 'utf8')).not.toMatch(/acceptDeclared/);
    });
  });
});
