import * as v from 'valibot';
import { InputError } from '../core/errors';
import { modelNameProblem } from '../core/names';
import { cpuMillis, memoryMiB } from '../core/quantities';
import {
  GPU_VENDORS, ModelRecord, NODE_OPERATORS, NOMAD_AFFINITY_OPERATORS, NOMAD_CONSTRAINT_OPERATORS, SLOT_NAMES, STAGES, STAND_STAGES, STRATEGIES,
  TOLERATION_EFFECTS, TOLERATION_OPERATORS,
} from '../core/record';
import { recordRuleViolations } from '../core/record-rules';
import { originProblem } from '../core/version-origin';
import { isSecretKey, isSecretName, SECRET_KEY_RULE, SECRET_NAME_RULE } from '../core/secret-env';
import { isSemver } from '../core/semver-rules';
import { likelyMeant } from './field-suggestion';
import { DIGEST_PATTERN } from '../core/tree-digest';
import { loopSchemas } from './loop-schema';

// valibot rather than zod: it loads in a tenth of the time, and every CLI call loads it.

// Kubernetes quantities as the API server accepts them.
const CPU = /^([0-9]+m|[0-9]+(\.[0-9]+)?)$/;
const MEMORY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const IMAGE_REPO = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const IMAGE_REF = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:\w[\w.-]{0,127})?(@sha256:[0-9a-f]{64})?$/;

const PINNED_IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*:\w[\w.-]{0,127}@sha256:[0-9a-f]{64}$/;

const str = (re: RegExp, rule: string) => v.pipe(v.string('must be a string'), v.regex(re, rule));
// Compared as written: `//tmp` or `/x/../tmp` would slip past a rule about /tmp, so only the plain form is taken.
const absPath = v.pipe(
  str(/^\/\S*$/, 'must be an absolute path without spaces'),
  v.check((p) => !p.includes('//') && !/(^|\/)\.\.?(\/|$)/.test(p), 'must be a plain absolute path, without //, . or .. segments'),
);
// YAML's `.inf` is a number: a gate or figure must also be finite to mean anything.
const finite = v.pipe(v.number('must be a number'), v.finite('must be a finite number'));
const positive = v.pipe(finite, v.gtValue(0, 'must be greater than 0'));
const nonNegative = v.pipe(finite, v.minValue(0, 'must not be negative'));
const count = v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(0, 'must not be negative'),
  v.maxValue(Number.MAX_SAFE_INTEGER, `must be at most ${Number.MAX_SAFE_INTEGER}`));
/** Kubernetes `replicas` is an int32; Nomad's `count` accepts the same range. */
const INT32_MAX = 2 ** 31 - 1;
/**
 * The largest artifact a model volume can be sized for: Nomad's ephemeral_disk
 * size is an int of MB, and the volume adds 10% and 64 MiB to the artifact.
 */
export const MAX_SIZE_BYTES = 2 ** 50;
/** Kubernetes label values (the version is `app.kubernetes.io/version`) hold at most 63 characters. */
const LABEL_VALUE_MAX = 63;
/** Bounds on a container: more than any node has, and within an int of MHz or MB for Nomad. */
const MAX_CPU_MILLIS = 4096 * 1000;
const MAX_MEMORY_MIB = 64 * 1024 * 1024;
/** Nomad refuses a task with less memory than this. */
const MIN_MEMORY_MIB = 10;
/** Names the init script and the server's environment own; a record setting them would be overridden or would override. */
const RESERVED_ENV = /^(MODEL_DIR|MODEL_VERSION|MODEL_DIGEST|MODELSHIP_.*)$/;
const timestamp = str(ISO_TIME, 'must be an ISO-8601 time such as 2026-11-01T10:00:00Z');
const dnsLabel = str(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a DNS-1123 label');
// `1.5` in YAML is a number: say it is not semver rather than "not a string".
const version = v.pipe(
  v.union([v.string(), v.number()], 'must be a semver version string'),
  v.transform((x) => String(x)),
  v.check((x) => !/^[^+]+\+/.test(x) || !isSemver(x.replace(/\+.*$/, '')), (issue) => `"${String(issue.input)}" carries build metadata (+...), which an image tag and a label value cannot hold`),
  v.check(isSemver, (issue) => `"${String(issue.input)}" is not a semver version`),
  v.check((x) => x.length <= LABEL_VALUE_MAX, (issue) => `"${String(issue.input)}" is longer than the ${LABEL_VALUE_MAX} characters a Kubernetes label value allows`),
);

const wholeAtLeast = (min: number) => v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(min, `must be at least ${min}`));
const wholeBetween = (min: number, max: number) => v.pipe(
  v.number('must be a number'), v.integer('must be a whole number'), v.minValue(min, `must be ${min}..${max}`), v.maxValue(max, `must be ${min}..${max}`),
);
const port = wholeBetween(1, 65535);
const nonEmptyString = v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty'));
const stringList = v.array(v.string('must be a string (quote numbers and booleans)'), 'must be a list of strings');
const picklist = <T extends readonly string[]>(options: T) => v.picklist(options, `must be one of ${options.join(', ')}`);
// Kubernetes label syntax (apimachinery validation.IsQualifiedName / IsValidLabelValue).
const LABEL_NAME_PART = '[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';
const DNS_SUBDOMAIN = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const qualifiedName = v.pipe(
  str(new RegExp(`^(${DNS_SUBDOMAIN}/)?${LABEL_NAME_PART}$`), 'must be a Kubernetes qualified name such as team or example.com/team'),
  v.check((k) => !k.includes('/') || k.indexOf('/') <= 253, 'has a prefix longer than 253 characters'),
);
const labelValue = str(new RegExp(`^(${LABEL_NAME_PART})?$`), 'must be a label value (up to 63 letters, digits, -, _ or ., starting and ending with a letter or digit)');
const subdomainName = v.pipe(str(new RegExp(`^${DNS_SUBDOMAIN}$`), 'must be a DNS-1123 subdomain'), v.maxLength(253, 'must be at most 253 characters'));
const nodeExpression = {
  key: qualifiedName,
  operator: picklist(NODE_OPERATORS),
  values: v.optional(v.array(labelValue, 'must be a list')),
};

const kubernetesSpec = v.strictObject({
  namespace: v.optional(dnsLabel),
  imagePullSecrets: v.optional(v.array(subdomainName, 'must be a list of Secret names')),
  serviceAccountName: v.optional(subdomainName),
  retrainingServiceAccountName: v.optional(subdomainName),
  nodeSelector: v.optional(v.record(qualifiedName, labelValue)),
  tolerations: v.optional(v.array(v.strictObject({
    key: v.optional(qualifiedName),
    operator: v.optional(picklist(TOLERATION_OPERATORS)),
    value: v.optional(labelValue),
    effect: v.optional(picklist(TOLERATION_EFFECTS)),
  }, 'must be a mapping'), 'must be a list')),
  affinity: v.optional(v.strictObject({
    required: v.optional(v.array(v.strictObject(nodeExpression, 'must be a mapping'), 'must be a list')),
    preferred: v.optional(v.array(v.strictObject({ ...nodeExpression, weight: wholeBetween(1, 100) }, 'must be a mapping'), 'must be a list')),
  }, 'must be a mapping')),
  priorityClassName: v.optional(subdomainName),
  labels: v.optional(v.record(qualifiedName, labelValue)),
  annotations: v.optional(v.record(qualifiedName, v.string('must be a string (quote numbers and booleans)'))),
}, 'must be a mapping');

const nomadSpec = v.strictObject({
  datacenters: v.optional(v.pipe(v.array(nonEmptyString, 'must be a list'), v.minLength(1, 'must list at least one datacenter'))),
  // Nomad's own rule for namespace names; checked by the server only, so `nomad job run` would be the first to say it.
  namespace: v.optional(str(/^[a-zA-Z0-9-]{1,128}$/, 'must be a Nomad namespace name (letters, digits and -, at most 128)')),
  region: v.optional(nonEmptyString),
  hostVolume: v.optional(str(/^[A-Za-z0-9_-]+$/, 'must be a Nomad host volume name')),
  constraints: v.optional(v.array(v.strictObject({
    attribute: v.optional(nonEmptyString),
    operator: v.optional(picklist(NOMAD_CONSTRAINT_OPERATORS)),
    value: v.optional(v.string('must be a string (quote numbers and booleans)')),
  }, 'must be a mapping'), 'must be a list')),
  affinities: v.optional(v.array(v.strictObject({
    attribute: nonEmptyString,
    operator: v.optional(picklist(NOMAD_AFFINITY_OPERATORS)),
    value: v.string('must be a string (quote numbers and booleans)'),
    weight: v.optional(v.pipe(wholeBetween(-100, 100), v.check((w) => w !== 0, 'must not be 0'))),
  }, 'must be a mapping'), 'must be a list')),
}, 'must be a mapping');

const cpuQuantity = v.pipe(
  str(CPU, 'must be a CPU quantity such as 500m or 2'),
  v.check((q) => cpuMillis(q) >= 1, (i) => `${JSON.stringify(i.input)} must be at least 1m`),
  v.check((q) => cpuMillis(q) <= MAX_CPU_MILLIS, (i) => `${JSON.stringify(i.input)} must be at most ${MAX_CPU_MILLIS / 1000} cores`),
);

const memoryQuantity = v.pipe(
  str(MEMORY, 'must be a memory quantity such as 512Mi or 1Gi'),
  v.check((q) => memoryMiB(q) >= MIN_MEMORY_MIB, (i) => `${JSON.stringify(i.input)} must be at least ${MIN_MEMORY_MIB}Mi (Nomad's minimum)`),
  v.check((q) => memoryMiB(q) <= MAX_MEMORY_MIB, (i) => `${JSON.stringify(i.input)} must be at most 64Ti`),
);

const resourcesSpec = v.strictObject({
  cpu: cpuQuantity,
  memory: memoryQuantity,
  gpu: v.optional(v.strictObject({
    count: wholeAtLeast(1),
    vendor: v.optional(picklist(GPU_VENDORS)),
  }, 'must be a mapping')),
}, 'must be a mapping');

const autoscalingSpec = v.strictObject({
  min: wholeBetween(1, INT32_MAX),
  max: wholeBetween(1, INT32_MAX),
  // Requests equal limits here, so use above 100% of the request cannot happen.
  targetCpuPercent: wholeBetween(1, 100),
}, 'must be a mapping');

const replicasSpec = v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1'), v.maxValue(INT32_MAX, `must be at most ${INT32_MAX}`));

// A stand is its name alone (`- dev`) or a mapping with overrides.
const standSpec = v.pipe(
  v.unknown(),
  v.transform((x) => (typeof x === 'string' ? { name: x } : x)),
  v.strictObject({
    name: dnsLabel,
    kubernetes: v.optional(kubernetesSpec),
    nomad: v.optional(nomadSpec),
    replicas: v.optional(replicasSpec),
    resources: v.optional(resourcesSpec),
    autoscaling: v.optional(autoscalingSpec),
  }, 'must be a stand name or a mapping with name and overrides'),
);

const slotsSpec = v.strictObject({
  active: v.picklist(SLOT_NAMES, 'must be blue or green'),
  blue: v.nullable(version),
  green: v.nullable(version),
}, 'must be a mapping');

const metricName = str(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'must be a metric name (letters, digits, _ . -)');
const provenance = v.strictObject({
  kind: v.picklist(['measured', 'declared'], 'must be measured or declared'),
  at: timestamp,
  actor: v.string('must be a string'),
  command: v.optional(v.string('must be a string')),
  source: v.optional(v.string('must be a string')),
  method: v.optional(v.record(v.string(), v.union([v.string(), v.number()], 'must be a string or a number'))),
}, 'must be a mapping');
const direction = v.picklist(['higher', 'lower'], 'must be higher or lower');
const metricBound = v.pipe(
  v.strictObject({ min: v.optional(finite), max: v.optional(finite) }, 'must be a mapping with min and/or max'),
  v.check((b) => b.min !== undefined || b.max !== undefined, 'must set min or max'),
);

const versionEntry = v.strictObject({
  version,
  stage: v.picklist(STAGES, `must be one of ${STAGES.join(', ')}`),
  digest: v.optional(str(DIGEST_PATTERN, 'must be sha256: followed by 64 lower-case hex digits')),
  image: v.optional(str(PINNED_IMAGE, 'must be a pinned image reference, repository:version@sha256:<64 hex digits>')),
  sizeBytes: v.optional(v.pipe(count, v.maxValue(MAX_SIZE_BYTES, `must be at most ${MAX_SIZE_BYTES} (1 PiB)`))),
  latencyP50Ms: v.optional(nonNegative),
  latencyP95Ms: v.optional(nonNegative),
  latencyP99Ms: v.optional(nonNegative),
  latencyRequests: v.optional(count),
  latencyErrors: v.optional(count),
  latencyP95LowMs: v.optional(nonNegative),
  latencyP95HighMs: v.optional(nonNegative),
  metrics: v.optional(v.record(metricName, finite)),
  datasetDigest: v.optional(str(DIGEST_PATTERN, 'must be sha256: followed by 64 lower-case hex digits')),
  provenance: v.optional(v.strictObject({
    size: v.optional(provenance), latency: v.optional(provenance), metrics: v.optional(provenance),
  }, 'must be a mapping')),
  origin: v.optional(v.pipe(
    v.record(v.string(), v.string('must be a string (quote numbers)')),
    v.check((o) => Object.entries(o).every(([k, x]) => originProblem(k, x) === undefined),
      (i) => Object.entries(i.input as Record<string, string>).map(([k, x]) => originProblem(k, x)).find(Boolean) as string),
  )),
  createdAt: timestamp,
  promotedAt: v.optional(timestamp),
  retiredAt: v.optional(timestamp),
  reason: v.optional(v.string('must be a string')),
}, 'must be a mapping');

/** `NAME: { secret, key }`: a value the cluster holds (src/core/secret-env.ts). */
const secretEnvSchema = (reserved: RegExp, reservedRule: string) => v.record(
  v.pipe(
    str(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'),
    v.check((k) => !reserved.test(k), (i) => `${String(i.input)} ${reservedRule}`),
  ),
  v.strictObject({
    secret: v.pipe(v.string('must be a string'), v.check(isSecretName, (i) => `${SECRET_NAME_RULE}, not ${JSON.stringify(i.input)}`)),
    key: v.pipe(v.string('must be a string'), v.check(isSecretKey, (i) => `${SECRET_KEY_RULE}, not ${JSON.stringify(i.input)}`)),
  }, 'must be { secret, key }'),
);
const { monitoringSchema, retrainingSchema } = loopSchemas({
  cpu: cpuQuantity, memory: memoryQuantity, imageRef: IMAGE_REF,
  // The contract's names: its values are modelship's, and which one would win differs between the targets.
  // TMPDIR: modelship points it at the pod's or task's writable scratch; a secret holds no path.
  secretEnv: secretEnvSchema(/^(MODELSHIP_.*|TMPDIR)$/, 'is set by modelship itself (the environment contract MODELSHIP_*, TMPDIR); choose another name'),
});

const recordSchema = v.strictObject({
  name: v.string('must be a string'),
  artifact: v.strictObject({
    image: str(IMAGE_REPO, 'must be an image repository without a tag, e.g. registry.example.com/models/x'),
    candidateImage: v.optional(str(IMAGE_REPO, 'must be an image repository without a tag, e.g. registry.example.com/models-rc/x')),
    path: v.pipe(absPath, v.check(artifactPathOk, (i) => `${JSON.stringify(i.input)} must be the model's own directory in its image: `
      + 'not /, and not /tmp or /modelship (the init container mounts its volumes there) or /alloc, /local, /secrets (Nomad\'s task directories), or inside them')),
  }, 'must be a mapping'),
  serving: v.strictObject({
    image: str(IMAGE_REF, 'must be an image reference, e.g. registry.example.com/apps/api:1.2.3'),
    port,
    modelDir: v.pipe(absPath, v.check(modelDirOk, (i) => `${JSON.stringify(i.input)} must be a directory of its own: not /, and not /tmp, inside it or above it (the server's writable /tmp is mounted there)`)),
    replicas: replicasSpec,
    resources: resourcesSpec,
    // Probes send it as the request line: no spaces, no control characters.
    health: v.strictObject({
      path: v.pipe(
        str(/^\/[\x21-\x7e]*$/, 'must start with / and hold only visible ASCII (no spaces or newlines)'),
        // Kubernetes probes the path as written; Nomad's client interpolates ${...} in a check's path first.
        v.check((p) => !p.includes('${'), 'must not contain ${ (Nomad\'s client would replace it in the check path; Kubernetes would not)'),
      ),
    }, 'must be a mapping'),
    env: v.optional(v.record(
      v.pipe(
        str(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'),
        v.check((k) => !RESERVED_ENV.test(k), (i) => `${String(i.input)} is set by modelship itself (MODEL_DIR, MODEL_VERSION, MODEL_DIGEST, MODELSHIP_*); remove it`),
      ),
      v.string('must be a string (quote numbers and booleans)'),
    )),
    secretEnv: v.optional(secretEnvSchema(/^(MODEL_DIR|MODEL_VERSION|MODEL_DIGEST|MODELSHIP_.*|TMPDIR)$/, 'is set by modelship itself (MODEL_DIR, MODEL_VERSION, MODEL_DIGEST, MODELSHIP_*, TMPDIR); choose another name')),
    command: v.optional(v.pipe(stringList, v.minLength(1, 'must name a program'))),
    args: v.optional(stringList),
    servicePort: v.optional(port),
    autoscaling: v.optional(autoscalingSpec),
  }, 'must be a mapping'),
  gates: v.strictObject({
    maxSizeMiB: positive,
    maxLatencyP95Ms: positive,
    metrics: v.optional(v.record(metricName, metricBound)),
    beatProduction: v.optional(v.record(metricName, v.union([
      direction,
      v.strictObject({ direction, tolerance: v.optional(nonNegative) }, 'must be a mapping'),
    ], 'must be higher, lower, or { direction, tolerance }'))),
    acceptDeclared: v.optional(v.boolean('must be true or false')),
  }, 'must be a mapping'),
  deploy: v.strictObject({
    strategy: v.picklist(STRATEGIES, `must be one of ${STRATEGIES.join(', ')}`),
    kubernetes: v.optional(kubernetesSpec),
    nomad: v.optional(nomadSpec),
    blueGreen: v.optional(v.strictObject({ idleReplicas: v.optional(wholeBetween(0, INT32_MAX)) }, 'must be a mapping')),
  }, 'must be a mapping'),
  monitoring: v.optional(monitoringSchema),
  retraining: v.optional(retrainingSchema),
  stands: v.optional(v.pipe(v.array(standSpec, 'must be a list of stands, first to last'), v.minLength(1, 'must list at least one stand'))),
  versions: v.optional(v.array(versionEntry, 'must be a list'), []),
  slots: v.optional(slotsSpec),
  standStates: v.optional(v.record(dnsLabel, v.strictObject({
    versions: v.array(v.strictObject({
      version,
      stage: v.picklist(STAND_STAGES, `must be one of ${STAND_STAGES.join(', ')}`),
      promotedAt: v.optional(timestamp),
      retiredAt: v.optional(timestamp),
    }, 'must be a mapping'), 'must be a list'),
    slots: v.optional(slotsSpec),
  }, 'must be a mapping'))),
  aliases: v.optional(v.record(v.string(), version)),
}, 'must be a mapping');

/** Where the init task cannot read the model from: the image's root, or a directory a mount hides on either target. */
function artifactPathOk(p: string): boolean {
  const d = p.replace(/\/+$/, '');
  return d !== '' && !['/tmp', '/modelship', '/alloc', '/local', '/secrets'].some((m) => d === m || d.startsWith(`${m}/`));
}

function modelDirOk(dir: string): boolean {
  const d = dir.replace(/\/+$/, '');
  return d !== '' && d !== '/tmp' && !d.startsWith('/tmp/');
}

function pathOf(issue: v.BaseIssue<unknown>): string {
  let out = '';
  for (const item of issue.path ?? []) {
    const key = (item as { key: unknown }).key;
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(top level)';
}

function describe(issue: v.BaseIssue<unknown>): string {
  // strictObject reports an unknown key as an issue at that key with `never` expected.
  if (issue.expected === 'never') return 'unknown field';
  if (issue.input === undefined && issue.kind === 'schema') return 'is required';
  // Name the offending value, unless the message already quotes it (the semver check does).
  if (issue.type === 'check' || issue.type === 'union') return issue.message;
  const shown = typeof issue.input === 'number' && !Number.isFinite(issue.input) ? String(issue.input)
    : typeof issue.input === 'object' && issue.input !== null ? (Array.isArray(issue.input) ? (issue.input.length ? 'a list' : 'an empty list') : 'a mapping') : JSON.stringify(issue.input);
  return `${issue.message}, not ${shown}`;
}

/**
 * One line per issue, misspelt fields first: an unknown key beside a missing
 * required one it resembles is one problem, named by the key the user wrote.
 */
function issueLines(issues: readonly v.BaseIssue<unknown>[], file: string): string[] {
  const parentOf = (issue: v.BaseIssue<unknown>) => pathOf({ ...issue, path: issue.path?.slice(0, -1) } as v.BaseIssue<unknown>);
  const keyOf = (issue: v.BaseIssue<unknown>) => String((issue.path?.at(-1) as { key: unknown } | undefined)?.key);
  const isRequired = (issue: v.BaseIssue<unknown>) => describe(issue) === 'is required';
  const unknown: string[] = [];
  const explained = new Set<v.BaseIssue<unknown>>();
  const listsAsMappings = new Set<string>();
  for (const issue of issues) {
    if (issue.expected !== 'never') continue;
    // valibot reads a list where a mapping belongs as a mapping of unknown keys 0, 1, ...: say it once, as what it is.
    if (Array.isArray((issue.path?.at(-1) as { input?: unknown } | undefined)?.input)) {
      const at = parentOf(issue);
      if (!listsAsMappings.has(at)) unknown.push(`${file}: ${at}: must be a mapping, not a list`);
      listsAsMappings.add(at);
      continue;
    }
    const siblings = issues.filter((o) => isRequired(o) && !explained.has(o) && parentOf(o) === parentOf(issue));
    const meant = likelyMeant(keyOf(issue), siblings.map(keyOf));
    const required = siblings.find((o) => keyOf(o) === meant);
    if (required) explained.add(required);
    unknown.push(`${file}: ${pathOf(issue)}: unknown field${meant ? ` (did you mean ${meant}? it is required)` : ''}`);
  }
  const rest = issues.filter((i) => i.expected !== 'never' && !explained.has(i)).map((i) => `${file}: ${pathOf(i)}: ${describe(i)}`);
  return [...unknown, ...rest];
}

/**
 * Turns parsed YAML into a record or refuses it with every problem as
 * `<file>: <field path>: <rule>`, one per line, the first line standing alone.
 */
export function parseRecord(data: unknown, file: string, expectedName: string): ModelRecord {
  // One problem per field: a value that is not a quantity at all need not also be too large.
  // Keys valibot would drop (`constructor`, ...) never get here: the document was refused for them (literal-text.ts).
  const result = v.safeParse(recordSchema, data, { abortPipeEarly: true });
  if (!result.success) throw new InputError(issueLines(result.issues, file).join('\n'));
  const record = result.output as ModelRecord;
  const problems: string[] = [];
  const nameProblem = modelNameProblem(record.name);
  if (nameProblem) problems.push(`${file}: name: ${nameProblem}`);
  else if (record.name !== expectedName) problems.push(`${file}: name: "${record.name}" must equal the file name "${expectedName}"`);
  for (const violation of recordRuleViolations(record)) problems.push(`${file}: ${violation.path}: ${violation.message}`);
  if (problems.length) throw new InputError(problems.join('\n'));
  return record;
}
