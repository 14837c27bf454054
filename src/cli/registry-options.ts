import type { Command } from 'commander';
import type { RegistryClient } from '../oci/registry-client';

/** Options of the commands that talk to a registry. */
export interface RegistryOptions {
  insecureRegistry: string[];
}

export function addRegistryOptions(command: Command): Command {
  return command.option(
    '--insecure-registry <host>',
    'reach this registry (host[:port]) over plain HTTP; localhost and 127.0.0.1 always are. Repeatable',
    (value: string, previous: string[]) => [...previous, value],
    [] as string[],
  );
}

/** The registry client, loaded only by the commands that need one (undici is not free to load). */
export async function registryClient(opts: RegistryOptions, env: NodeJS.ProcessEnv): Promise<RegistryClient> {
  const { RegistryClient } = await import('../oci/registry-client');
  const { DockerCredentials, dockerConfigPath } = await import('../oci/docker-config');
  return new RegistryClient({ insecureRegistries: opts.insecureRegistry, credentials: new DockerCredentials(dockerConfigPath(env), env) });
}
