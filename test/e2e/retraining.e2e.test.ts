import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { cliProcess, tempDir, validatedVersion } from '../helpers/cli';
import { byKindName, parseManifest, validateAll } from '../helpers/kube';
import { buildImage, eventually, REGISTRY, setUp, tryRun } from './podman';

/*
 * The retraining CronJob's pod for real: podman has no CronJob controller, so
 * the test plays what the controller would create, the jobTemplate's pod spec
 * as a Pod, unchanged. A stand-in training image prints its contract.
 */

const setup = setUp();
if (!setup.ok && !process.env.CI) {
  // eslint-disable-next-line no-console
  console.warn(`skipping the end-to-end suite: ${setup.reason}`);
}
const suite = setup.ok || process.env.CI ? describe : describe.skip;

const TRAIN_SH = `#!/bin/sh
# A stand-in training image: prints its contract and what it may do, as a trainer would see it.
set -eu
env | grep '^MODELSHIP_' | sort
echo "args: $*"
echo "uid: $(id -u)"
if touch /root-fs-probe 2>/dev/null; then echo "root fs: writable"; else echo "root fs: read-only"; fi
echo scratch > "$TMPDIR/probe" && echo "scratch: $TMPDIR writable"
echo "would push: $MODELSHIP_CANDIDATE_REPOSITORY:$MODELSHIP_NEXT_VERSION"
`;
const TRAINING_IMAGE = `${REGISTRY}/train/contract-printer:1.0.0`;
const run = Date.now().toString(36);

function ok(args: string[], dir: string): string {
  const r = cliProcess([...args, '--models-dir', dir]);
  if (r.code !== 0) throw new Error(`modelship ${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
  return r.stdout.trim();
}

suite('the retraining CronJob under podman', () => {
  const name = `retrain-${run}`;
  const podName = `${name}-retrain-run`;
  let dir: string;
  let production: string;
  let productionDigest: string;

  beforeAll(async () => {
    buildImage(TRAINING_IMAGE, { '/train.sh': { content: TRAIN_SH, mode: 0o755 } });
    dir = path.join(tempDir('e2e-retrain-'), 'models');
    ok(['init', name, '--image', `${REGISTRY}/models/${name}`, '--serving-image', `${REGISTRY}/apps/model-httpd:1.0.0`], dir);
    production = await validatedVersion(dir, name, 'major');
    ok(['promote', name, production], dir);
    const record = parse(fs.readFileSync(path.join(dir, `${name}.yaml`), 'utf8'));
    productionDigest = record.versions.find((v: { version: string }) => v.version === production).digest;
    fs.appendFileSync(path.join(dir, `${name}.yaml`), `
retraining:
  schedule: "30 2 * * *"
  image: ${TRAINING_IMAGE}
  command: [/train.sh]
  args: [--epochs, "3", "--note=two words"]
  resources: { cpu: 200m, memory: 64Mi }
  datasets: { train: "s3://bucket/${name}/train/" }
  onDrift: true
`);
  });

  afterAll(() => {
    tryRun('podman', ['pod', 'rm', '-f', '-t', '0', podName]);
  });

  it('runs as the CronJob would: non-root, read-only root, writable scratch, the contract in its environment', async () => {
    const out = path.join(tempDir('e2e-retrain-out-'), 'dist');
    ok(['synth', '--target', 'kubernetes', '--out', out], dir);
    const objects = parseManifest(fs.readFileSync(path.join(out, 'kubernetes', `${name}.k8s.yaml`), 'utf8'));
    validateAll(objects);
    const cronJob = byKindName(objects, 'CronJob', `${name}-retrain`);
    const template = cronJob.spec.jobTemplate.spec.template;
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: podName, labels: template.metadata.labels }, spec: template.spec };
    const file = path.join(tempDir('e2e-retrain-play-'), 'pod.yaml');
    fs.writeFileSync(file, stringify(pod));
    tryRun('podman', ['pod', 'rm', '-f', '-t', '0', podName]);
    const played = tryRun('podman', ['kube', 'play', file]);
    expect(played.code).toBe(0);

    const container = `${podName}-train`;
    const status = () => tryRun('podman', ['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', container]).out.trim();
    await eventually(() => status().startsWith('exited'), 'the training container to finish');
    const logs = tryRun('podman', ['logs', container]).out;
    expect(status()).toBe('exited 0');
    expect(logs.split('\n').filter((l) => l.startsWith('MODELSHIP_'))).toEqual([
      `MODELSHIP_CANDIDATE_REPOSITORY=${REGISTRY}/models/${name}`,
      'MODELSHIP_DATASET_TRAIN=s3://bucket/' + name + '/train/',
      'MODELSHIP_MODEL=' + name,
      'MODELSHIP_NEXT_RELEASE=preminor',
      'MODELSHIP_NEXT_VERSION=1.1.0-rc.0',
      `MODELSHIP_PRODUCTION_DIGEST=${productionDigest}`,
      `MODELSHIP_PRODUCTION_VERSION=${production}`,
    ]);
    // podman 4.3 does not do the kubelet's $(VAR) expansion, so `$` escaping is checked by the unit tests only.
    expect(logs).toContain('args: --epochs 3 --note=two words\n');
    expect(logs).toContain('uid: 1000\n');
    expect(logs).toContain('root fs: read-only\n');
    expect(logs).toContain('scratch: /tmp writable\n');
    expect(logs).toContain(`would push: ${REGISTRY}/models/${name}:1.1.0-rc.0\n`);
  });
});
