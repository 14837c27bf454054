import type { CliContext } from './cli-context';
import { InputError } from '../core/errors';
import { Outcome, pinImage } from '../core/lifecycle';
import { candidateRepository, pinnedImage } from '../core/model-image';
import type { ModelStore } from '../registry/model-store';
import { now } from './options';
import { registryClient, RegistryOptions } from './registry-options';

/**
 * `measure --image`: resolves `<candidate repository>:<version>` to its
 * manifest digest and pins the version to it, so what was measured is what runs.
 * The caller prints the result (a line, or the --json shape).
 */
export async function measureImage(ctx: CliContext, store: ModelStore, name: string, version: string, opts: RegistryOptions): Promise<{ outcome: Outcome; image: string }> {
  const repository = candidateRepository(store.load(name).artifact);
  const { parseRepository } = await import('../oci/image-reference');
  const repo = parseRepository(repository);
  const client = await registryClient(opts, ctx.env);
  const digest = await client.resolve(repo, version);
  if (!digest) throw new InputError(`registry ${repo.registry}, repository ${repo.repository}: no tag ${version} (push ${repository}:${version} first)`);
  // The digest of a HEAD is the registry's word; pin it only once the registry
  // serves a manifest by it whose bytes hash to it and that promote can copy.
  await client.manifest(repo, digest);
  const image = pinnedImage(repository, version, digest);
  const outcome = store.update(name, (r) => {
    if (candidateRepository(r.artifact) !== repository) throw new InputError(`${name}: artifact.candidateImage changed while resolving; run measure --image again`);
    return pinImage(r, version, image, now(ctx));
  });
  return { outcome, image };
}
