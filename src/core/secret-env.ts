/**
 * An environment variable whose value the cluster holds, not the record: a key
 * of a Kubernetes Secret, or an item of a Nomad variable, of the same name in
 * the model's namespace. Credentials a server or a training run needs (a
 * feature store's password, the registry and object store a retraining run
 * pushes to) stay out of the record, out of git and out of the rendered files.
 */
export interface SecretEnvRef {
  /** The Kubernetes Secret and the Nomad variable path. */
  readonly secret: string;
  /** The Secret's key and the variable's item. */
  readonly key: string;
}

/** Variable name to the secret that holds its value. */
export type SecretEnv = Readonly<Record<string, SecretEnvRef>>;

/** A variable name the shell and both targets take. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A DNS-1123 label: a valid Kubernetes Secret name and a valid Nomad variable
 * path (which allows no dot), and nothing that could end a Go template string
 * or open an action in the Nomad template that reads it.
 */
const SECRET_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const SECRET_NAME_RULE = 'must be a Secret (Kubernetes) and variable path (Nomad) name: lower-case letters, digits and -, at most 63, starting and ending with a letter or digit, not nomad (Nomad reserves it)';

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && name !== 'nomad';
}

/** A Kubernetes Secret key (the API server's IsConfigMapKey); also quote- and brace-free inside the Nomad template. */
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
export const SECRET_KEY_RULE = 'must be a key of letters, digits, -, _ and . (at most 253, not . and not starting with ..), as a Kubernetes Secret key';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && key !== '.' && !key.startsWith('..');
}

/**
 * What is wrong with a block's `secretEnv`, as `field: problem` pairs: a name
 * that is not a variable, a reserved one, one also in the block's plain `env`
 * (each variable comes from one place: which one would win differs between
 * the two targets), or a reference that is not a secret name and key.
 */
export function secretEnvProblems(
  field: string,
  secretEnv: unknown,
  plainEnv: Readonly<Record<string, string>> | undefined,
  reserved: (name: string) => boolean,
): [string, string][] {
  const problems: [string, string][] = [];
  if (secretEnv === undefined) return problems;
  if (typeof secretEnv !== 'object' || secretEnv === null || Array.isArray(secretEnv)) {
    return [[field, 'must be a mapping of variable names to { secret, key }']];
  }
  for (const [name, ref] of Object.entries(secretEnv)) {
    const isName = ENV_NAME.test(name);
    const at = `${field}.${isName ? name : JSON.stringify(name)}`;
    if (!isName) problems.push([at, 'is not an environment variable name']);
    else if (reserved(name)) problems.push([at, 'is set by modelship itself; choose another name']);
    else if (plainEnv && Object.prototype.hasOwnProperty.call(plainEnv, name)) {
      problems.push([at, `is also set in ${field.replace(/secretEnv$/, 'env')}; a variable comes from one place`]);
    }
    const r = ref as Partial<SecretEnvRef> | undefined;
    if (typeof r !== 'object' || r === null) {
      problems.push([at, 'must be { secret, key }']);
      continue;
    }
    if (typeof r.secret !== 'string' || !isSecretName(r.secret)) problems.push([`${at}.secret`, `${SECRET_NAME_RULE}, not ${JSON.stringify(r.secret)}`]);
    if (typeof r.key !== 'string' || !isSecretKey(r.key)) problems.push([`${at}.key`, `${SECRET_KEY_RULE}, not ${JSON.stringify(r.key)}`]);
  }
  return problems;
}

/**
 * The entries in variable-name order (the rendered files do not depend on the record's key
 * order), after the checks of `secretEnvProblems`: a record a program builds has passed no
 * schema, a name or key must not end the Nomad template's strings, and a name also in the
 * block's plain `env` would be set twice (which wins differs between the targets).
 * Throws naming `field`.
 */
export function sortedSecretEnv(field: string, secretEnv: SecretEnv | undefined, plainEnv: Readonly<Record<string, string>> | undefined): [string, SecretEnvRef][] {
  const problems = secretEnvProblems(field, secretEnv, plainEnv, () => false);
  if (problems.length) throw new Error(problems.map(([f, problem]) => `${f} ${problem}`).join('\n'));
  return Object.entries(secretEnv ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
