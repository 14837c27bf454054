import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { asKubeletRuns } from '../helpers/kubelet-expansion';
import { tempDir } from '../helpers/cli';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = any;

export const REGISTRY = 'localhost:5000';
const ROOTFS = path.join(__dirname, 'rootfs.sh');

export function run(cmd: string, args: readonly string[], opts: { input?: string } = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], input: opts.input });
}

export function tryRun(cmd: string, args: readonly string[]): { code: number; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

export interface SetupResult {
  readonly ok: boolean;
  readonly reason?: string;
}

/** Runs the project's set-up script: podman, runc, busybox, registry, base image. */
export function setUp(): SetupResult {
  const r = spawnSync('bash', [path.join(__dirname, 'setup.sh')], { encoding: 'utf8' });
  if (r.status === 0) return { ok: true };
  return { ok: false, reason: `${r.stderr || r.stdout}`.trim() || `setup.sh exited ${r.status}` };
}

/**
 * Builds an image the way this machine can without a daemon or buildah: a
 * busybox root file system plus `files` (a map of image path -> host path or
 * content), imported as one layer, and pushes it to the local registry.
 */
export function buildImage(tag: string, files: Record<string, { from?: string; content?: string; mode?: number }>, cmd?: string[]): void {
  const root = tempDir('e2e-rootfs-');
  run('bash', [ROOTFS, root]);
  for (const [target, src] of Object.entries(files)) {
    const dest = path.join(root, target);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    if (src.from) fs.cpSync(src.from, dest, { recursive: true });
    else fs.writeFileSync(dest, src.content ?? '', { mode: src.mode ?? 0o644 });
  }
  // Artifacts must be readable by the non-root uid the pods run as.
  run('chmod', ['-R', 'a+rX', root]);
  const tar = `${root}.tar`;
  run('tar', ['-C', root, '-cf', tar, '.']);
  const changes = ['USER 1000', 'ENV PATH=/bin', ...(cmd ? [`CMD ${JSON.stringify(cmd)}`] : [])].flatMap((c) => ['--change', c]);
  run('podman', ['import', '-q', ...changes, tar, tag]);
  run('podman', ['push', '-q', tag]);
  // Drop the local copy so that a play pulls what the registry holds.
  tryRun('podman', ['rmi', '-f', tag]);
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(tar, { force: true });
}

export interface PlayOptions {
  /** Run beside another pod: own volume names and no published ports. */
  readonly sideBySide?: boolean;
}

/**
 * What the harness changes so podman 4.3 can play a synthesized Deployment; the
 * product's output stays plain Kubernetes:
 *  - replicas 1: podman plays one pod per Deployment;
 *  - annotation io.podman.annotations.init.container.type=always on the
 *    Deployment: with the default ("once") podman 4.3 races removing the init
 *    container against its exit;
 *  - restartPolicy OnFailure: under Always podman restarts an init container
 *    that exited 0, forever (Kubernetes requires Always for a Deployment, and
 *    never restarts a finished init container);
 *  - the kubelet's `$(VAR)`/`$$` expansion of command, args and env values
 *    applied here: podman 4.3 passes them through as written (podman#15983,
 *    fixed in 4.7), and the manifest escapes every `$` for the kubelet;
 *  - side by side only: volumes renamed after the Deployment (podman turns an
 *    emptyDir into a named volume shared by name across pods) and container
 *    ports dropped (podman publishes every containerPort on the host).
 */
export function playable(deployment: K8sObject, opts: PlayOptions = {}): K8sObject {
  const d = structuredClone(deployment);
  d.spec.replicas = 1;
  d.metadata.annotations = { ...d.metadata.annotations, 'io.podman.annotations.init.container.type': 'always' };
  const pod = d.spec.template.spec;
  pod.restartPolicy = 'OnFailure';
  pod.initContainers = pod.initContainers.map(asKubeletRuns);
  pod.containers = pod.containers.map(asKubeletRuns);
  if (opts.sideBySide) {
    const rename = (n: string) => `${d.metadata.name}-${n}`;
    pod.volumes = pod.volumes.map((v: K8sObject) => ({ ...v, name: rename(v.name) }));
    for (const c of [...pod.initContainers, ...pod.containers]) {
      c.volumeMounts = c.volumeMounts.map((m: K8sObject) => ({ ...m, name: rename(m.name) }));
      delete c.ports;
    }
  }
  return d;
}

export const podName = (deploymentName: string) => `${deploymentName}-pod-0`;
export const containerName = (deploymentName: string, container: string) => `${podName(deploymentName)}-${container}`;

/** Plays one Deployment after removing its pod and volumes from an earlier play. */
export function play(deployment: K8sObject, opts: PlayOptions = {}): { code: number; out: string } {
  const d = playable(deployment, opts);
  removePod(d.metadata.name);
  for (const v of d.spec.template.spec.volumes) tryRun('podman', ['volume', 'rm', '-f', v.name]);
  const file = path.join(tempDir('e2e-play-'), `${d.metadata.name}.yaml`);
  fs.writeFileSync(file, stringify(d));
  return tryRun('podman', ['kube', 'play', file]);
}

export function removePod(deploymentName: string): void {
  tryRun('podman', ['pod', 'rm', '-f', '-t', '0', podName(deploymentName)]);
}

export function exec(deploymentName: string, container: string, script: string): { code: number; out: string } {
  return tryRun('podman', ['exec', containerName(deploymentName, container), 'sh', '-c', script]);
}

export function logs(deploymentName: string, container: string): string {
  return tryRun('podman', ['logs', containerName(deploymentName, container)]).out;
}

export function state(deploymentName: string, container: string): string {
  return tryRun('podman', ['inspect', '-f', '{{.State.Status}}', containerName(deploymentName, container)]).out.trim();
}

/** Waits until `check` holds, polling; the server starts a moment after its init container. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/**
 * The stand-in model server: busybox httpd serving `$MODEL_DIR` (as `/model/...`)
 * and `/healthz`, as uid 1000 from the busybox base image. Shared by every e2e suite.
 */
const SERVE_SH = `#!/bin/sh
# A stand-in model server: serves $MODEL_DIR read-only over HTTP, with /healthz.
set -eu
mkdir -p /tmp/www
ln -sfn "$MODEL_DIR" /tmp/www/model
echo ok > /tmp/www/healthz
echo "serving $MODEL_VERSION from $MODEL_DIR as uid $(id -u)"
exec httpd -f -v -p 8080 -h /tmp/www
`;

export function buildServingImage(tag: string): void {
  buildImage(tag, { '/serve.sh': { content: SERVE_SH, mode: 0o755 } }, ['/bin/sh', '/serve.sh']);
}
