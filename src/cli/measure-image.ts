import { InputError } from '../core/errors';
import { pinImage } from '../core/lifecycle';
import { candidateRepository, pinnedImage } from '../core/model-image';
import type { ModelStore } from '../registry/model-store';
import { now } from './options';
import { registryClient, RegistryOptions } from './registry-options';

/**
 * `measure --image`: resolves `<candidate repository>:<version>` to its
 * manifest digest and pins the version to it, so what was measured is what runs.
 */
export async function measureImage(store: ModelStore, name: string, version: string, opts: RegistryOptions): Promise<void> {
  const repository = candidateRepository(store.load(name).artifact);
  const { parseRepository } = await import('../oci/image-reference');
  const repo = parseRepository(repository);
  const client = await registryClient(opts);
  const digest = await client.resolve(repo, version);
  if (!digest) throw new InputError(`registry ${repo.registry}, repository ${repo.repository}: no tag ${version} (push ${repository}:${version} first)`);
  // The digest of a HEAD is the registry's word; pin it only once the registry
  // serves a manifest by it whose bytes hash to it and that promote can copy.
  await client.manifest(repo, digest);
  const image = pinnedImage(repository, version, digest);
  store.update(name, (r) => {
    if (candidateRepository(r.artifact) !== repository) throw new InputError(`${name}: artifact.candidateImage changed while resolving; run measure --image again`);
    return pinImage(r, version, image, now());
  });
  process.stdout.write(`${name} ${version}: ${image}\n`);
}
