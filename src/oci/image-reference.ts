import { InputError } from '../core/errors';

/** Docker Hub's names for itself: what `docker login` writes and where its API lives. */
const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API = 'registry-1.docker.io';

/** A repository in a registry, as the Distribution API addresses it. */
export interface RepositoryRef {
  /** Host and port as written, e.g. `registry.example.com` or `localhost:5000`: the key in Docker's config. */
  readonly registry: string;
  /** The host the API is reached at (Docker Hub's differs from its name). */
  readonly apiHost: string;
  /** Path inside the registry, e.g. `models-rc/taxi-fare`. */
  readonly repository: string;
}

/**
 * Splits `host[:port]/path` as Docker does: the first component is a registry
 * when it has a dot or a port or is `localhost`; otherwise the name is on
 * Docker Hub, where one-component names live under `library/`.
 */
export function parseRepository(name: string): RepositoryRef {
  if (!/^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(name)) {
    throw new InputError(`"${name}" is not an image repository such as registry.example.com/models/x`);
  }
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    return { registry: first, apiHost: first, repository: name.slice(slash + 1) };
  }
  return { registry: DOCKER_HUB, apiHost: DOCKER_HUB_API, repository: name.includes('/') ? name : `library/${name}` };
}

/** `registry/repository`, the way errors and records name a repository. */
export function repositoryName(ref: RepositoryRef): string {
  return `${ref.registry}/${ref.repository}`;
}
