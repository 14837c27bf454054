import { imageRuleViolations } from './model-image';
import { aliasRuleViolations } from './aliases';
import { constraintValueProblem } from './nomad-constraint-value';
import type { KubernetesDeploySpec, ModelRecord, NomadDeploySpec } from './record';
import { standRuleViolations } from './stands';

export interface RuleViolation {
  /** Field path as the user sees it, e.g. `versions[2].stage`. */
  readonly path: string;
  readonly message: string;
}

/**
 * Rules across fields that a per-field schema cannot express. They hold for
 * every record on disk; the lifecycle re-checks them before each write, so a
 * bug cannot store, say, two production versions.
 */
/** 52 (a CronJob name) - 8 (`-retrain`); also leaves 11 for the `-<unix time>` of a Job made from it by hand. */
const MAX_RETRAINING_NAME = 44;

export function recordRuleViolations(record: ModelRecord): RuleViolation[] {
  const out: RuleViolation[] = [];
  const seen = new Map<string, number>();
  record.versions.forEach((v, i) => {
    const first = seen.get(v.version);
    if (first !== undefined) {
      out.push({ path: `versions[${i}].version`, message: `${v.version} is listed twice (first at versions[${first}])` });
    } else {
      seen.set(v.version, i);
    }
  });

  out.push(...imageRuleViolations(record));
  if (record.retraining && record.name.length > MAX_RETRAINING_NAME) {
    out.push({
      path: 'name',
      message: `"${record.name}" is ${record.name.length} characters; a model with retraining has at most ${MAX_RETRAINING_NAME}, so that its CronJob <name>-retrain fits Kubernetes' 52 and a Job made from it (<name>-retrain-<unix time>) the 63 of a name`,
    });
  }

  const production = record.versions
    .map((v, i) => ({ v, i }))
    .filter(({ v }) => v.stage === 'production');
  if (production.length > 1) {
    out.push({
      path: `versions[${production[1].i}].stage`,
      message: `at most one version is in production; ${production.map(({ v }) => v.version).join(' and ')} both are`,
    });
  }

  // Each variable comes from one place: which of two would win differs between the targets.
  for (const [block, env, secretEnv] of [
    ['serving', record.serving.env, record.serving.secretEnv],
    ['retraining', record.retraining?.env, record.retraining?.secretEnv],
  ] as const) {
    for (const name of Object.keys(secretEnv ?? {})) {
      if (env && Object.prototype.hasOwnProperty.call(env, name)) {
        out.push({ path: `${block}.secretEnv.${name}`, message: `is also set in ${block}.env; a variable comes from one place` });
      }
    }
  }

  out.push(...clusterFitViolations(record));
  out.push(...standRuleViolations(record, recordRuleViolations));
  out.push(...aliasRuleViolations(record));

  if (record.deploy.strategy !== 'blue-green') {
    if (record.deploy.blueGreen !== undefined) {
      out.push({ path: 'deploy.blueGreen', message: 'is only for deploy.strategy blue-green' });
    }
    if (record.slots !== undefined) {
      out.push({ path: 'slots', message: 'slots are only for deploy.strategy blue-green' });
    }
    return out;
  }
  const slots = record.slots;
  if (!slots) {
    if (production.length > 0) out.push({ path: 'slots', message: 'a blue-green model with a production version needs slots' });
    return out;
  }
  for (const slot of ['blue', 'green'] as const) {
    const version = slots[slot];
    if (version === null) continue;
    const entry = record.versions.find((v) => v.version === version);
    if (!entry) {
      out.push({ path: `slots.${slot}`, message: `${version} is not in versions` });
    } else if (entry.stage === 'candidate' || entry.stage === 'rejected') {
      out.push({ path: `slots.${slot}`, message: `${version} is ${entry.stage}; a slot holds only validated, production or retired versions` });
    }
  }
  if (slots.blue !== null && slots.blue === slots.green) {
    out.push({ path: 'slots', message: `${slots.blue} is in both slots` });
  }
  const live = production[0]?.v.version;
  const active = slots[slots.active];
  if (live !== undefined && active !== live) {
    out.push({ path: `slots.${slots.active}`, message: `the active slot must hold the production version ${live}, not ${active ?? 'nothing'}` });
  }
  if (live === undefined && active !== null) {
    out.push({ path: `slots.${slots.active}`, message: `the active slot holds ${active}, but no version is in production` });
  }
  return out;
}

/** Label and annotation prefixes modelship and kubectl write themselves; a record must not override them. */
const RESERVED_PREFIXES = ['app.kubernetes.io/', 'modelship.io/', 'applyset.kubernetes.io/'];

function clusterFitViolations(record: ModelRecord): RuleViolation[] {
  const out: RuleViolation[] = [];
  // A stand's settings are merged over deploy's field by field, so each must keep the same rules where it is written.
  const places = [
    { at: 'serving', autoscaling: record.serving.autoscaling, k8s: record.deploy.kubernetes, nomad: record.deploy.nomad, deployAt: 'deploy' },
    ...(record.stands ?? []).map((s, i) => ({ at: `stands[${i}]`, autoscaling: s.autoscaling, k8s: s.kubernetes, nomad: s.nomad, deployAt: `stands[${i}]` })),
  ];
  for (const p of places) {
    if (p.autoscaling && p.autoscaling.max < p.autoscaling.min) {
      out.push({ path: `${p.at}.autoscaling.max`, message: `${p.autoscaling.max} is below min ${p.autoscaling.min}` });
    }
    out.push(...kubernetesFitViolations(p.k8s ?? {}, `${p.deployAt}.kubernetes`));
    out.push(...nomadFitViolations(p.nomad ?? {}, `${p.deployAt}.nomad`));
  }
  return out;
}

function kubernetesFitViolations(k8s: KubernetesDeploySpec, base: string): RuleViolation[] {
  const out: RuleViolation[] = [];
  for (const field of ['labels', 'annotations'] as const) {
    for (const key of Object.keys(k8s[field] ?? {})) {
      const prefix = RESERVED_PREFIXES.find((p) => key.startsWith(p));
      if (prefix) out.push({ path: `${base}.${field}.${key}`, message: `the ${prefix} prefix is modelship's and kubectl's own` });
    }
  }
  (k8s.tolerations ?? []).forEach((t, i) => {
    const at = `${base}.tolerations[${i}]`;
    if (t.operator === 'Exists' && t.value !== undefined) out.push({ path: `${at}.value`, message: 'must be empty with operator Exists' });
    if (t.key === undefined && t.operator !== 'Exists') out.push({ path: `${at}.key`, message: 'is required unless operator is Exists (which then tolerates every taint)' });
  });
  for (const kind of ['required', 'preferred'] as const) {
    (k8s.affinity?.[kind] ?? []).forEach((e, i) => {
      const at = `${base}.affinity.${kind}[${i}].values`;
      const n = e.values?.length ?? 0;
      if ((e.operator === 'In' || e.operator === 'NotIn') && n === 0) out.push({ path: at, message: `must list at least one value for operator ${e.operator}` });
      if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && n > 0) out.push({ path: at, message: `must be empty for operator ${e.operator}` });
      if ((e.operator === 'Gt' || e.operator === 'Lt') && (n !== 1 || !/^-?[0-9]+$/.test(e.values![0]))) {
        out.push({ path: at, message: `must be one whole number for operator ${e.operator}` });
      }
    });
  }
  return out;
}

/**
 * A constraint's attribute as the Nomad server takes it: a literal, or one of
 * the node's own values, `${attr.<name>}`, `${meta.<name>}` or `${node.unique.id}`,
 * `${node.unique.name}`, `${node.datacenter}`, `${node.class}`, `${node.pool}`
 * (nomadvalidate refuses `$HOME`, `${env.HOME}` and `${node.region}`).
 */
function nomadAttributeProblem(attribute: string): string | undefined {
  if (!attribute.includes('$')) return undefined;
  if (/^\$\{(?:attr\.[^{}$]+|meta\.[^{}$]+|node\.(?:unique\.id|unique\.name|datacenter|class|pool))\}$/.test(attribute)) return undefined;
  return `${JSON.stringify(attribute)} is not a node value Nomad knows: use \${attr.<name>}, \${meta.<name>} or \${node.unique.id|unique.name|datacenter|class|pool}, or a literal without $`;
}

function nomadFitViolations(nomad: NomadDeploySpec, base: string): RuleViolation[] {
  const out: RuleViolation[] = [];
  (nomad.constraints ?? []).forEach((c, i) => {
    const at = `${base}.constraints[${i}]`;
    const op = c.operator ?? '=';
    if (op !== 'distinct_hosts' && c.attribute === undefined) out.push({ path: `${at}.attribute`, message: `is required for operator ${op}` });
    const attributeProblem = c.attribute === undefined ? undefined : nomadAttributeProblem(c.attribute);
    if (attributeProblem) out.push({ path: `${at}.attribute`, message: attributeProblem });
    const valueless = op === 'is_set' || op === 'is_not_set' || op === 'distinct_hosts';
    // An empty regexp compiles (and matches anything); every other valued operator needs a value (nomadvalidate).
    if (!valueless && op !== 'distinct_property' && (c.value === undefined || (c.value === '' && op !== 'regexp'))) {
      out.push({ path: `${at}.value`, message: c.value === undefined ? `is required for operator ${op}` : `must not be empty for operator ${op} (Nomad requires a value)` });
    }
    if (valueless && c.value !== undefined) out.push({ path: `${at}.value`, message: `must be empty for operator ${op}` });
    // distinct_property's value is how many allocations may share the property: a whole number of at least 1.
    if (op === 'distinct_property' && c.value !== undefined && !/^[1-9][0-9]*$/.test(c.value)) {
      out.push({ path: `${at}.value`, message: `must be a whole number of at least 1 for operator distinct_property (how many allocations may share the property), not ${JSON.stringify(c.value)}` });
    }
    const problem = c.value === undefined || c.value === '' ? undefined : constraintValueProblem(op, c.value);
    if (problem) out.push({ path: `${at}.value`, message: problem });
  });
  (nomad.affinities ?? []).forEach((a, i) => {
    const at = `${base}.affinities[${i}]`;
    const attributeProblem = nomadAttributeProblem(a.attribute);
    if (attributeProblem) out.push({ path: `${at}.attribute`, message: attributeProblem });
    if (a.value === '' && a.operator !== 'regexp') out.push({ path: `${at}.value`, message: `must not be empty for operator ${a.operator ?? '='} (Nomad requires a value)` });
    const problem = a.value === '' ? undefined : constraintValueProblem(a.operator ?? '=', a.value);
    if (problem) out.push({ path: `${at}.value`, message: problem });
  });
  return out;
}
