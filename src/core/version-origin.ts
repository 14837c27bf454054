/**
 * Where a version came from, as the pipeline that cut it says (`bump --origin
 * commit=... --origin run=...`): the link from a model to the code, the training
 * run and the data that produced it, kept with the version and in its `bump`
 * event. Declared, never checked: modelship cannot see the commit a run used.
 */
export type VersionOrigin = Readonly<Record<string, string>>;

/** Lower-case, as labels and MLflow tag keys usually are; dots and dashes for `git.commit`, `mlflow-run`. */
export const ORIGIN_KEY = /^[a-z][a-z0-9_.-]{0,62}$/;
export const ORIGIN_KEY_RULE = 'must start with a lower-case letter and hold lower-case letters, digits, _, . and - (at most 63)';
/** A commit, a URL or a run ID: one line, printable. */
export const ORIGIN_VALUE_MAX = 1024;

/** What is wrong with one `KEY=VALUE`, or undefined. */
export function originProblem(key: string, value: string): string | undefined {
  if (!ORIGIN_KEY.test(key)) return `${JSON.stringify(key)} ${ORIGIN_KEY_RULE}`;
  // JavaScript reserves them; a record holding one is refused when it is read back.
  if (key === 'constructor' || key === 'prototype') return `${JSON.stringify(key)} cannot be a key (JavaScript objects reserve it)`;
  if (value.length === 0) return `${key}: the value must not be empty`;
  if (value.length > ORIGIN_VALUE_MAX) return `${key}: the value is longer than ${ORIGIN_VALUE_MAX} characters`;
  // Control characters, DEL and line separators: a record must read back as written (see literal-text).
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value)) return `${key}: the value must be one line of printable characters`;
  return undefined;
}
