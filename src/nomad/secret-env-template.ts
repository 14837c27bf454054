import { SecretEnv, sortedSecretEnv } from '../core/secret-env';
import { seconds, Template } from './job-model';

/** In the task's secrets directory (not readable by other tasks, never in the job). */
export const SECRET_ENV_FILE = 'secrets/modelship-secret.env';

/**
 * The template (none without `secretEnv`) that puts each variable of `secretEnv` into the task's
 * environment from the Nomad variable of that name, in the job's namespace:
 * one `KEY="value"` line each, the value quoted by `toJSON` so that a newline
 * or a quote in it stays in it (Nomad reads env templates with go-envparse,
 * which takes JSON strings). `nomadVar` waits for a variable that does not
 * exist yet, so the task does not start without it (its events say
 * `Missing: nomad.var.block(...)`); an item missing from one fails the task with
 * `no template "nomad variable ... has no item ..."`, as Kubernetes holds a pod
 * whose Secret lacks the key. `noop` on change: a rotated credential is
 * read at the next start, as a Kubernetes pod reads a changed Secret, rather
 * than restarting every allocation at once. Names and keys are checked to
 * hold no quote or brace (src/core/secret-env.ts), so they cannot end the
 * template's strings.
 */
export function secretEnvTemplates(field: string, secretEnv: SecretEnv | undefined, plainEnv: Readonly<Record<string, string>> | undefined): Template[] {
  const entries = sortedSecretEnv(field, secretEnv, plainEnv);
  if (entries.length === 0) return [];
  const data = entries.map(([name, ref]) => {
    // `index` of a key the variable lacks is an empty item, whose Key is empty too: executing a template
    // that does not exist, named to say what is missing, fails the render, so the task does not start.
    const missing = `nomad variable ${ref.secret} has no item ${ref.key} (for ${name})`;
    return `{{ with nomadVar "${ref.secret}" }}{{ if not (index . "${ref.key}").Key }}{{ executeTemplate "${missing}" }}{{ end }}`
      + `${name}={{ index . "${ref.key}" | toJSON }}{{ end }}\n`;
  }).join('');
  return [{ EmbeddedTmpl: data, DestPath: SECRET_ENV_FILE, Envvars: true, ChangeMode: 'noop', Perms: '600', ErrMissingKey: false, Splay: seconds(5) }];
}
