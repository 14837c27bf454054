/**
 * A model name becomes a file name, a Kubernetes object name (with suffixes such
 * as `-candidate`, `-preview`, `-green`) and a Nomad job ID, so it must be a
 * DNS-1123 label that starts with a letter (Services need DNS-1035) and leaves
 * room for the longest suffix within Kubernetes' 63 characters.
 */
export const MAX_NAME_LENGTH = 63 - '-candidate'.length;

/** Names a model's Kubernetes objects take besides its own: the candidate, the blue-green slots, the preview Service. */
export const KUBERNETES_NAME_SUFFIXES = ['candidate', 'blue', 'green', 'preview'] as const;
/** Nomad jobs a model has besides its own, each in a file of its own: `<name>-candidate`, `<name>-retrain`. */
export const NOMAD_JOB_SUFFIXES = ['candidate', 'retrain'] as const;

/** The model a Nomad job file stem belongs to when it is a candidate or retraining job's: `x` for `x-retrain`. */
export function nomadJobBase(stem: string): string {
  const suffix = NOMAD_JOB_SUFFIXES.find((x) => stem.endsWith(`-${x}`));
  return suffix ? stem.slice(0, -suffix.length - 1) : stem;
}

const LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Why `name` is not a valid model name, or undefined when it is. */
export function modelNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > MAX_NAME_LENGTH) {
    return `"${name}" is ${name.length} characters; a model name has at most ${MAX_NAME_LENGTH}`;
  }
  if (!LABEL.test(name)) {
    return `"${name}" is not a DNS-1123 label (lower-case letters, digits and '-', starting with a letter, ending with a letter or digit)`;
  }
  return undefined;
}

/**
 * Names a JavaScript object keeps for itself: as a key of a record's mapping
 * (labels, env, aliases, metrics) the value would be lost, not stored.
 */
export const JS_RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A Kubernetes object name such as a ServiceAccount's: a DNS-1123 subdomain of at most 253 characters. */
export function isDnsSubdomain(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 253 && DNS_SUBDOMAIN.test(value);
}
