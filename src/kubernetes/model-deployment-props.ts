import { isDnsSubdomain, modelNameProblem } from '../core/names';
import { cpuMillis, memoryMiB } from '../core/quantities';
import { GPU_VENDORS } from '../core/record';
import { secretEnvProblems } from '../core/secret-env';
import { isSemver } from '../core/semver-rules';
import type { ModelDeploymentProps } from './model-deployment';

/*
 * A record from a file has passed its schema; props a program builds have not, and
 * what is wrong in them would otherwise surface at `kubectl apply` (port 70000), at pod
 * start (a digest the init container can never match) or nowhere (a NaN volume size).
 * Each problem names the prop and the rule, as the schema names the field.
 */

const show = (value: unknown): string => (typeof value === 'number' ? String(value) : JSON.stringify(value) ?? String(value));
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const PLAIN_PATH = /^\/\S*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** What the deployment sets itself: a user's value would be silently replaced. */
const RESERVED_ENV = new Set(['MODEL_DIR', 'MODEL_VERSION', 'MODEL_DIGEST']);

function wholeNumber(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function plainPath(value: unknown): boolean {
  return typeof value === 'string' && PLAIN_PATH.test(value) && !value.includes('//') && !/(^|\/)\.\.?(\/|$)/.test(value);
}

function quantityProblem(value: unknown, parse: (q: string) => number, what: string): string | undefined {
  if (typeof value !== 'string') return `must be a ${what} quantity string, not ${show(value)}`;
  let n: number;
  try {
    n = parse(value);
  } catch {
    n = Number.NaN;
  }
  return Number.isFinite(n) && n > 0 ? undefined : `must be a positive ${what} quantity (e.g. ${what === 'CPU' ? '500m or 2' : '512Mi or 2Gi'}), not ${show(value)}`;
}

/** Every problem of the props, as `<prop>: <rule>`; empty when there are none. */
export function modelDeploymentPropsProblems(props: ModelDeploymentProps): string[] {
  const out: string[] = [];
  const add = (prop: string, problem: string | undefined) => {
    if (problem) out.push(`${prop} ${problem}`);
  };
  const nameProblem = typeof props.modelName === 'string' ? modelNameProblem(props.modelName) : `must be a string, not ${show(props.modelName)}`;
  add('modelName', nameProblem);
  if (props.deploymentName !== undefined && !(typeof props.deploymentName === 'string' && props.deploymentName.length <= 63 && DNS_LABEL.test(props.deploymentName))) {
    add('deploymentName', `must be a DNS-1123 label of at most 63 characters, not ${show(props.deploymentName)}`);
  }
  const artifact = props.artifact as ModelDeploymentProps['artifact'] | undefined;
  if (typeof artifact?.image !== 'string' || !/^[^\s:@]+(:\d+)?(\/[^\s:@]+)*$/.test(artifact.image)) {
    add('artifact.image', `must be an image repository without a tag or digest (the version is the tag), not ${show(artifact?.image)}`);
  }
  if (artifact?.path !== undefined && (!plainPath(artifact.path) || artifact.path === '/')) add('artifact.path', `must be a plain absolute path other than /, not ${show(artifact.path)}`);

  const v = props.version as ModelDeploymentProps['version'] | undefined;
  if (typeof v?.version !== 'string' || !isSemver(v.version) || v.version.includes('+')) {
    add('version.version', `must be a semantic version without build metadata (an image tag and a label value), not ${show(v?.version)}`);
  }
  if (typeof v?.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(v.digest)) {
    add('version.digest', `must be the artifact's tree digest, sha256: and 64 lower-case hex digits (modelship measure --artifact prints it), not ${show(v?.digest)}`);
  }
  if (!wholeNumber(v?.sizeBytes, 0)) add('version.sizeBytes', `must be a whole number of bytes >= 0, not ${show(v?.sizeBytes)}`);

  const s = props.serving as ModelDeploymentProps['serving'] | undefined;
  if (typeof s?.image !== 'string' || s.image.length === 0 || /\s/.test(s.image)) add('serving.image', `must be an image reference, not ${show(s?.image)}`);
  if (s?.port !== undefined && !wholeNumber(s.port, 1, 65535)) add('serving.port', `must be a whole number 1..65535, not ${show(s.port)}`);
  if (s?.modelDir !== undefined && (!plainPath(s.modelDir) || s.modelDir === '/' || /^\/tmp(\/|$)/.test(s.modelDir))) {
    add('serving.modelDir', `must be a plain absolute path other than / and outside /tmp (the pod's writable /tmp is mounted there), not ${show(s.modelDir)}`);
  }
  if (s?.health !== undefined && !(typeof s.health.path === 'string' && s.health.path.startsWith('/') && !/\s/.test(s.health.path))) {
    add('serving.health.path', `must be an HTTP path starting with /, not ${show(s.health.path)}`);
  }
  add('serving.resources.cpu', quantityProblem(s?.resources?.cpu, cpuMillis, 'CPU'));
  add('serving.resources.memory', quantityProblem(s?.resources?.memory, memoryMiB, 'memory'));
  const gpu = s?.resources?.gpu;
  if (gpu !== undefined) {
    if (!wholeNumber(gpu.count, 1)) add('serving.resources.gpu.count', `must be a whole number >= 1, not ${show(gpu.count)}`);
    if (gpu.vendor !== undefined && !(GPU_VENDORS as readonly string[]).includes(gpu.vendor)) {
      add('serving.resources.gpu.vendor', `must be one of ${GPU_VENDORS.join(', ')}, not ${show(gpu.vendor)}`);
    }
  }
  for (const key of Object.keys(s?.env ?? {})) {
    if (RESERVED_ENV.has(key)) add(`serving.env.${key}`, 'is set by the deployment itself (the verified model); choose another name');
    else if (!ENV_NAME.test(key)) add(`serving.env.${JSON.stringify(key)}`, 'is not an environment variable name');
  }
  for (const [field, problem] of secretEnvProblems('serving.secretEnv', s?.secretEnv, s?.env, (name) => RESERVED_ENV.has(name) || name.startsWith('MODELSHIP_') || name === 'TMPDIR')) add(field, problem);
  const account = props.kubernetes?.serviceAccountName;
  if (account !== undefined && !isDnsSubdomain(account)) {
    add('kubernetes.serviceAccountName', `must be a ServiceAccount name (a DNS-1123 subdomain), not ${show(account)}`);
  }
  if (props.initResources !== undefined) {
    add('initResources.cpu', quantityProblem(props.initResources.cpu, cpuMillis, 'CPU'));
    add('initResources.memory', quantityProblem(props.initResources.memory, memoryMiB, 'memory'));
  }
  for (const [probe, timing] of Object.entries(props.probes ?? {})) {
    for (const [field, value] of Object.entries(timing ?? {})) {
      if (value !== undefined && !wholeNumber(value, 1)) add(`probes.${probe}.${field}`, `must be a whole number >= 1, not ${show(value)}`);
    }
  }
  const a = props.autoscaling;
  if (a !== undefined) {
    if (!wholeNumber(a.min, 1)) add('autoscaling.min', `must be a whole number >= 1, not ${show(a.min)}`);
    if (!wholeNumber(a.max, 1) || (wholeNumber(a.min, 1) && a.max < a.min)) add('autoscaling.max', `must be a whole number >= autoscaling.min, not ${show(a.max)}`);
    if (!wholeNumber(a.targetCpuPercent, 1, 100)) add('autoscaling.targetCpuPercent', `must be a whole number 1..100, not ${show(a.targetCpuPercent)}`);
  }
  return out;
}
