import { RepositoryRef, repositoryName } from './image-reference';
import { registryError } from './registry-error';
import { Descriptor, isIndex, Manifest, RegistryClient } from './registry-client';

export interface CopyResult {
  /** Manifest digest of what the target tag now points at: the source's. */
  readonly digest: string;
  /** Blobs made part of the target repository by mount, and those it had already. */
  readonly mounted: number;
  readonly present: number;
  /** Manifests written: 1, or the index and each platform's manifest. */
  readonly manifests: number;
}

/** Foreign (non-distributable) layers live elsewhere by design; the registry holds no bytes to mount. */
function distributable(d: Descriptor): boolean {
  return !(d.urls && d.urls.length) && !(d.mediaType ?? '').includes('foreign');
}

/**
 * Copies the image `digest` of `from` into `to` under `tag`, with the
 * registry doing the work: every blob is mounted across repositories (never
 * downloaded), the platform manifests of an index are put by digest, then the
 * top manifest under the tag. The tag is read back: it must resolve to `digest`.
 */
export async function copyImage(client: RegistryClient, from: RepositoryRef, to: RepositoryRef, digest: string, tag: string): Promise<CopyResult> {
  if (from.registry !== to.registry) {
    throw registryError({
      registry: to.registry, repository: to.repository, operation: `copy from ${repositoryName(from)}`,
      detail: 'candidate and production repositories must be on one registry, which mounts blobs between them; modelship never downloads a layer',
    });
  }
  const counts = { mounted: 0, present: 0, manifests: 0 };
  const top = await client.manifest(from, digest);

  const copyBlobs = async (m: Manifest) => {
    for (const d of [m.json.config as Descriptor, ...(m.json.layers ?? [])].filter(distributable)) {
      if (await client.blobExists(to, d.digest)) {
        counts.present++;
      } else {
        await client.mountBlob(to, d.digest, from);
        counts.mounted++;
      }
    }
  };

  if (isIndex(top)) {
    for (const child of top.json.manifests ?? []) {
      const m = await client.manifest(from, child.digest);
      if (isIndex(m)) throw registryError({ registry: from.registry, repository: from.repository, operation: `GET manifest ${child.digest}`, detail: 'nested indexes are not supported' });
      await copyBlobs(m);
      await client.putManifest(to, m.digest, m);
      counts.manifests++;
    }
  } else {
    await copyBlobs(top);
  }
  await client.putManifest(to, tag, top);
  counts.manifests++;

  const resolved = await client.resolve(to, tag);
  if (resolved !== digest) {
    throw registryError({
      registry: to.registry, repository: to.repository, operation: `verify ${tag}`,
      detail: `the tag resolves to ${resolved ?? 'nothing'} after the copy, not ${digest}`,
    });
  }
  return { digest, ...counts };
}
