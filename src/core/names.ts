/**
 * A model name becomes a file name, a Kubernetes object name (with suffixes such
 * as `-candidate`, `-preview`, `-green`) and a Nomad job ID, so it must be a
 * DNS-1123 label that starts with a letter (Services need DNS-1035) and leaves
 * room for the longest suffix within Kubernetes' 63 characters.
 */
export const MAX_NAME_LENGTH = 63 - '-candidate'.length;

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
