import * as v from 'valibot';
import { InputError } from '../core/errors';
import { modelNameProblem } from '../core/names';
import { ModelRecord, SLOT_NAMES, STAGES, STRATEGIES } from '../core/record';
import { recordRuleViolations } from '../core/record-rules';
import { isSemver } from '../core/semver-rules';
import { DIGEST_PATTERN } from '../core/tree-digest';
import { loopSchemas } from './loop-schema';

// valibot rather than zod: it loads in a tenth of the time, and every CLI call loads it.

// Kubernetes quantities as the API server accepts them.
const CPU = /^([0-9]+m|[0-9]+(\.[0-9]+)?)$/;
const MEMORY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const IMAGE_REPO = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const IMAGE_REF = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:\w[\w.-]{0,127})?(@sha256:[0-9a-f]{64})?$/;

const str = (re: RegExp, rule: string) => v.pipe(v.string('must be a string'), v.regex(re, rule));
const absPath = str(/^\/\S*$/, 'must be an absolute path without spaces');
const positive = v.pipe(v.number('must be a number'), v.gtValue(0, 'must be greater than 0'));
const nonNegative = v.pipe(v.number('must be a number'), v.minValue(0, 'must not be negative'));
const count = v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(0, 'must not be negative'));
const timestamp = str(ISO_TIME, 'must be an ISO-8601 time such as 2026-11-01T10:00:00Z');
const dnsLabel = str(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a DNS-1123 label');
// `1.5` in YAML is a number: say it is not semver rather than "not a string".
const version = v.pipe(
  v.union([v.string(), v.number()], 'must be a semver version string'),
  v.transform((x) => String(x)),
  v.check(isSemver, (issue) => `"${String(issue.input)}" is not a semver version`),
);

const versionEntry = v.strictObject({
  version,
  stage: v.picklist(STAGES, `must be one of ${STAGES.join(', ')}`),
  digest: v.optional(str(DIGEST_PATTERN, 'must be sha256: followed by 64 lower-case hex digits')),
  sizeBytes: v.optional(count),
  latencyP50Ms: v.optional(nonNegative),
  latencyP95Ms: v.optional(nonNegative),
  latencyP99Ms: v.optional(nonNegative),
  latencyRequests: v.optional(count),
  latencyErrors: v.optional(count),
  createdAt: timestamp,
  promotedAt: v.optional(timestamp),
  retiredAt: v.optional(timestamp),
  reason: v.optional(v.string('must be a string')),
}, 'must be a mapping');

const { monitoringSchema, retrainingSchema } = loopSchemas({ cpu: CPU, memory: MEMORY, imageRef: IMAGE_REF });

const recordSchema = v.strictObject({
  name: v.string('must be a string'),
  artifact: v.strictObject({
    image: str(IMAGE_REPO, 'must be an image repository without a tag, e.g. registry.example.com/models/x'),
    path: absPath,
  }, 'must be a mapping'),
  serving: v.strictObject({
    image: str(IMAGE_REF, 'must be an image reference, e.g. registry.example.com/apps/api:1.2.3'),
    port: v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be 1..65535'), v.maxValue(65535, 'must be 1..65535')),
    modelDir: absPath,
    replicas: v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1')),
    resources: v.strictObject({
      cpu: str(CPU, 'must be a CPU quantity such as 500m or 2'),
      memory: str(MEMORY, 'must be a memory quantity such as 512Mi or 1Gi'),
    }, 'must be a mapping'),
    health: v.strictObject({ path: str(/^\//, 'must start with /') }, 'must be a mapping'),
    env: v.optional(v.record(
      str(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'),
      v.string('must be a string (quote numbers and booleans)'),
    )),
  }, 'must be a mapping'),
  gates: v.strictObject({ maxSizeMiB: positive, maxLatencyP95Ms: positive }, 'must be a mapping'),
  deploy: v.strictObject({
    strategy: v.picklist(STRATEGIES, `must be one of ${STRATEGIES.join(', ')}`),
    kubernetes: v.optional(v.strictObject({ namespace: v.optional(dnsLabel) }, 'must be a mapping')),
    nomad: v.optional(v.strictObject({
      datacenters: v.optional(v.pipe(v.array(v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty')), 'must be a list'), v.minLength(1, 'must list at least one datacenter'))),
      namespace: v.optional(v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty'))),
      region: v.optional(v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty'))),
      hostVolume: v.optional(str(/^[A-Za-z0-9_-]+$/, 'must be a Nomad host volume name')),
    }, 'must be a mapping')),
  }, 'must be a mapping'),
  monitoring: v.optional(monitoringSchema),
  retraining: v.optional(retrainingSchema),
  versions: v.optional(v.array(versionEntry, 'must be a list'), []),
  slots: v.optional(v.strictObject({
    active: v.picklist(SLOT_NAMES, 'must be blue or green'),
    blue: v.nullable(version),
    green: v.nullable(version),
  }, 'must be a mapping')),
}, 'must be a mapping');

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
  const shown = typeof issue.input === 'object' && issue.input !== null ? (Array.isArray(issue.input) ? 'a list' : 'a mapping') : JSON.stringify(issue.input);
  return `${issue.message}, not ${shown}`;
}

/**
 * Turns parsed YAML into a record or refuses it with every problem as
 * `<file>: <field path>: <rule>`, one per line, the first line standing alone.
 */
export function parseRecord(data: unknown, file: string, expectedName: string): ModelRecord {
  const result = v.safeParse(recordSchema, data);
  if (!result.success) {
    throw new InputError(result.issues.map((i) => `${file}: ${pathOf(i)}: ${describe(i)}`).join('\n'));
  }
  const record = result.output as ModelRecord;
  const problems: string[] = [];
  const nameProblem = modelNameProblem(record.name);
  if (nameProblem) problems.push(`${file}: name: ${nameProblem}`);
  else if (record.name !== expectedName) problems.push(`${file}: name: "${record.name}" must equal the file name "${expectedName}"`);
  for (const violation of recordRuleViolations(record)) problems.push(`${file}: ${violation.path}: ${violation.message}`);
  if (problems.length) throw new InputError(problems.join('\n'));
  return record;
}
