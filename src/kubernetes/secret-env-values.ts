import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import { SecretEnv, sortedSecretEnv } from '../core/secret-env';

/**
 * `env[].valueFrom.secretKeyRef` for each variable, the Secret referenced by
 * name (modelship never writes a Secret: its value would be in the manifests).
 * A missing Secret or key holds the pod at CreateContainerConfigError, so a
 * server never starts without its credentials. `field` names the prop in an error.
 */
export function secretEnvValues(scope: Construct, field: string, secretEnv: SecretEnv | undefined, plainEnv: Readonly<Record<string, string>> | undefined): Record<string, kplus.EnvValue> {
  const secrets = new Map<string, kplus.ISecret>();
  const out: Record<string, kplus.EnvValue> = {};
  for (const [name, ref] of sortedSecretEnv(field, secretEnv, plainEnv)) {
    let secret = secrets.get(ref.secret);
    if (!secret) {
      secret = kplus.Secret.fromSecretName(scope, `secret-env-${ref.secret}`, ref.secret);
      secrets.set(ref.secret, secret);
    }
    out[name] = kplus.EnvValue.fromSecretValue({ secret, key: ref.key });
  }
  return out;
}
