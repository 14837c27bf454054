import { createHash } from 'node:crypto';
import { parse as parseChallenge } from 'auth-header';
import { request } from 'undici';
import { DIGEST_PATTERN } from '../core/tree-digest';
import { Credentials, DockerCredentials } from './docker-config';
import { RepositoryRef } from './image-reference';
import { registryError } from './registry-error';

/** Manifest media types modelship copies; the index types are multi-platform images. */
export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;
const ACCEPT = Object.values(MEDIA_TYPES).join(', ');
const INDEX_TYPES: readonly string[] = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList];
/**
 * Largest answer read: the distribution spec has registries accept manifests
 * of at least 4 MiB, and modelship never reads a blob, so anything bigger is a
 * broken or hostile registry and must not be buffered into memory.
 */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** An answer that can only be refused, not retried. */
class AnswerRefused extends Error {}

export interface RegistryClientProps {
  /** Where credentials come from. @default the Docker config file */
  readonly credentials?: Pick<DockerCredentials, 'lookup'>;
  /**
   * Registries (host[:port]) reached over plain HTTP besides localhost and 127.0.0.1.
   * @default none
   */
  readonly insecureRegistries?: readonly string[];
  /** Attempts for a request answered 429 or 5xx, or not answered. @default 4 */
  readonly attempts?: number;
  /** First wait between attempts, doubled each time; a Retry-After is honoured up to 30 s. @default 500 */
  readonly backoffMs?: number;
  /** Deadline for one request, from connecting to the last byte of the answer. @default 30000 */
  readonly timeoutMs?: number;
}

/** A manifest as stored: its exact bytes (the digest is of them), media type and digest. */
export interface Manifest {
  readonly bytes: Buffer;
  readonly mediaType: string;
  readonly digest: string;
  readonly json: ManifestJson;
}

export interface Descriptor {
  readonly mediaType?: string;
  readonly digest: string;
  readonly size?: number;
  readonly urls?: readonly string[];
}

export interface ManifestJson {
  readonly mediaType?: string;
  readonly config?: Descriptor;
  readonly layers?: readonly Descriptor[];
  readonly manifests?: readonly Descriptor[];
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

interface Call {
  readonly repo: RepositoryRef;
  readonly operation: string;
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer;
  /** Token scopes the call needs, e.g. `repository:models/x:pull,push`. */
  readonly scopes: readonly string[];
}

const LOCAL_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

function header(a: Answer, name: string): string | undefined {
  const v = a.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The registry's `{"errors":[{"code","message"}]}`, or the start of whatever else it sent. */
function errorDetail(a: Answer): string {
  const text = a.body.toString('utf8');
  try {
    const errors = (JSON.parse(text) as { errors?: { code?: string; message?: string }[] }).errors;
    if (Array.isArray(errors) && errors.length) return errors.map((e) => [e.code, e.message].filter(Boolean).join(' ')).join('; ');
  } catch {
    // not the Distribution API's error format
  }
  return text.trim().split('\n')[0].slice(0, 200);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A client of the OCI Distribution API (the parts modelship needs: resolve,
 * read and write manifests, mount blobs across repositories, delete). Answers
 * 401 with the challenge they carry: Basic with the Docker config's
 * credentials, or Bearer by fetching a token from the realm for the scopes.
 */
export class RegistryClient {
  private readonly credentials: Pick<DockerCredentials, 'lookup'>;
  private readonly insecure: ReadonlySet<string>;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;
  /** Authorization header per registry and scope set, reused until a 401 says otherwise. */
  private readonly authorizations = new Map<string, string>();

  constructor(props: RegistryClientProps = {}) {
    this.credentials = props.credentials ?? new DockerCredentials();
    this.insecure = new Set(props.insecureRegistries ?? []);
    this.attempts = props.attempts ?? 4;
    this.backoffMs = props.backoffMs ?? 500;
    this.timeoutMs = props.timeoutMs ?? 30000;
  }

  /** The manifest digest a tag (or digest) points at, or undefined when the registry has no such manifest. */
  async resolve(repo: RepositoryRef, reference: string): Promise<string | undefined> {
    const operation = `HEAD manifest ${reference}`;
    const a = await this.send({ repo, operation, method: 'HEAD', path: this.manifestPath(repo, reference), headers: { accept: ACCEPT }, scopes: [pull(repo)] });
    if (a.status === 404) return undefined;
    this.expect(a, [200], repo, operation);
    const digest = header(a, 'docker-content-digest');
    if (digest && DIGEST_PATTERN.test(digest)) return digest;
    // The header is optional in the spec: the digest of the manifest's bytes is the answer.
    return (await this.manifest(repo, reference)).digest;
  }

  /** The manifest's bytes, checked against the digest the registry claims (and the one asked for). */
  async manifest(repo: RepositoryRef, reference: string): Promise<Manifest> {
    const operation = `GET manifest ${reference}`;
    const a = await this.send({ repo, operation, method: 'GET', path: this.manifestPath(repo, reference), headers: { accept: ACCEPT }, scopes: [pull(repo)] });
    this.expect(a, [200], repo, operation);
    const digest = sha256(a.body);
    const claimed = header(a, 'docker-content-digest');
    const fail = (detail: string) => registryError({ registry: repo.registry, repository: repo.repository, operation, status: a.status, detail });
    if (claimed && claimed !== digest) throw fail(`the manifest's bytes hash to ${digest}, not the ${claimed} the registry says`);
    if (reference.startsWith('sha256:') && reference !== digest) throw fail(`the manifest's bytes hash to ${digest}, not ${reference}`);
    let json: ManifestJson;
    try {
      json = JSON.parse(a.body.toString('utf8')) as ManifestJson;
    } catch {
      throw fail('the manifest is not JSON');
    }
    if (json === null || typeof json !== 'object') throw fail('the manifest is not a JSON object');
    const mediaType = json.mediaType ?? header(a, 'content-type')?.split(';')[0];
    if (!mediaType || !(Object.values(MEDIA_TYPES) as string[]).includes(mediaType)) {
      throw fail(`unsupported manifest media type ${mediaType ?? '(none)'}`);
    }
    const descriptors = INDEX_TYPES.includes(mediaType) ? json.manifests : [json.config, ...(json.layers ?? [])];
    if (!Array.isArray(descriptors) || descriptors.some((d) => !d || typeof d.digest !== 'string' || !DIGEST_PATTERN.test(d.digest))) {
      throw fail(`the ${INDEX_TYPES.includes(mediaType) ? 'index lists' : 'manifest has'} a descriptor without a sha256 digest`);
    }
    return { bytes: a.body, mediaType, digest, json };
  }

  async blobExists(repo: RepositoryRef, digest: string): Promise<boolean> {
    const operation = `HEAD blob ${digest}`;
    const a = await this.send({ repo, operation, method: 'HEAD', path: `/v2/${repo.repository}/blobs/${digest}`, scopes: [pull(repo)] });
    if (a.status === 404) return false;
    this.expect(a, [200], repo, operation);
    return true;
  }

  /**
   * Makes a blob of `from` part of `repo` without moving its bytes. A registry
   * that answers 202 started an upload instead of mounting: that is cancelled
   * and reported, since the point is never to download a layer.
   */
  async mountBlob(repo: RepositoryRef, digest: string, from: RepositoryRef): Promise<void> {
    const operation = `mount blob ${digest} from ${from.repository}`;
    const query = `mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from.repository)}`;
    const a = await this.send({
      repo, operation, method: 'POST', path: `/v2/${repo.repository}/blobs/uploads/?${query}`,
      headers: { 'content-length': '0' }, scopes: [pushPull(repo), pull(from)],
    });
    if (a.status === 201) return;
    if (a.status === 202) {
      const location = header(a, 'location');
      if (location) await this.send({ repo, operation: 'cancel upload', method: 'DELETE', path: this.pathOf(repo, location), scopes: [pushPull(repo)] }).catch(() => undefined);
      throw registryError({ registry: repo.registry, repository: repo.repository, operation, status: a.status, detail: 'the registry did not mount the blob (it offered an upload instead)' });
    }
    this.expect(a, [201], repo, operation);
  }

  /** Stores a manifest under a tag or its digest; returns the digest the registry gives it. */
  async putManifest(repo: RepositoryRef, reference: string, manifest: Pick<Manifest, 'bytes' | 'mediaType' | 'digest'>): Promise<string> {
    const operation = `PUT manifest ${reference}`;
    const a = await this.send({
      repo, operation, method: 'PUT', path: this.manifestPath(repo, reference),
      headers: { 'content-type': manifest.mediaType }, body: manifest.bytes, scopes: [pushPull(repo)],
    });
    this.expect(a, [201], repo, operation);
    const digest = header(a, 'docker-content-digest') ?? manifest.digest;
    if (digest !== manifest.digest) {
      throw registryError({ registry: repo.registry, repository: repo.repository, operation, status: a.status, detail: `stored as ${digest}, not ${manifest.digest}` });
    }
    return digest;
  }

  /**
   * Every tag of a repository (an empty list when the registry has no such
   * repository), page by page as the registry's `Link: <...>; rel="next"` leads.
   */
  async tags(repo: RepositoryRef, pageSize = 1000): Promise<string[]> {
    const operation = 'GET tags';
    const out: string[] = [];
    let path: string | undefined = `/v2/${repo.repository}/tags/list?n=${pageSize}`;
    // A registry whose pages never end is a broken one; a million tags is far past any model's.
    for (let page = 0; path !== undefined; page++) {
      if (page >= 1000) throw registryError({ registry: repo.registry, repository: repo.repository, operation, status: 200, detail: 'more than 1,000 pages of tags' });
      const a = await this.send({ repo, operation, method: 'GET', path, headers: { accept: 'application/json' }, scopes: [pull(repo)] });
      if (a.status === 404) return out;
      this.expect(a, [200], repo, operation);
      let tags: unknown;
      try {
        tags = (JSON.parse(a.body.toString('utf8')) as { tags?: unknown }).tags;
      } catch {
        throw registryError({ registry: repo.registry, repository: repo.repository, operation, status: a.status, detail: 'the tag list is not JSON' });
      }
      if (tags !== null && tags !== undefined && !(Array.isArray(tags) && tags.every((t) => typeof t === 'string'))) {
        throw registryError({ registry: repo.registry, repository: repo.repository, operation, status: a.status, detail: 'the tag list is not a list of names' });
      }
      out.push(...((tags as string[] | null | undefined) ?? []));
      const next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(String(header(a, 'link') ?? ''))?.[1];
      path = next === undefined ? undefined : this.pathOf(repo, next);
    }
    return out;
  }

  /** Deletes a manifest (and so every tag on it) by digest. A registry that refuses throws a RegistryRefusal. */
  async deleteManifest(repo: RepositoryRef, digest: string): Promise<'deleted' | 'absent'> {
    const operation = `DELETE manifest ${digest}`;
    const a = await this.send({ repo, operation, method: 'DELETE', path: this.manifestPath(repo, digest), scopes: [`repository:${repo.repository}:delete`] });
    if (a.status === 404) return 'absent';
    this.expect(a, [202, 200], repo, operation);
    return 'deleted';
  }

  private manifestPath(repo: RepositoryRef, reference: string): string {
    return `/v2/${repo.repository}/manifests/${reference}`;
  }

  private baseUrl(repo: RepositoryRef): string {
    const plain = this.isPlainHttpAllowed(repo.apiHost) || this.insecure.has(repo.registry);
    return `${plain ? 'http' : 'https'}://${repo.apiHost}`;
  }

  /** localhost, 127.0.0.1, ::1, and the hosts named with --insecure-registry. */
  private isPlainHttpAllowed(hostAndPort: string): boolean {
    return LOCAL_HOSTS.includes(hostAndPort.replace(/:\d+$/, '')) || this.insecure.has(hostAndPort);
  }

  /** A Location header may be absolute or a path; either way it stays on this registry. */
  private pathOf(repo: RepositoryRef, location: string): string {
    const url = new URL(location, this.baseUrl(repo));
    return `${url.pathname}${url.search}`;
  }

  private expect(a: Answer, ok: readonly number[], repo: RepositoryRef, operation: string): void {
    if (!ok.includes(a.status)) {
      throw registryError({ registry: repo.registry, repository: repo.repository, operation, status: a.status, detail: errorDetail(a) });
    }
  }

  /** One call: with the cached authorization, answering one 401 challenge, retrying 429/5xx with backoff. */
  private async send(call: Call): Promise<Answer> {
    const key = `${call.repo.registry} ${[...call.scopes].sort().join(' ')}`;
    let a = await this.withRetries(call, this.authorizations.get(key));
    if (a.status !== 401) return a;
    const authorization = await this.answerChallenge(call, a);
    this.authorizations.set(key, authorization);
    a = await this.withRetries(call, authorization);
    return a;
  }

  private async withRetries(call: Call, authorization: string | undefined, url = `${this.baseUrl(call.repo)}${call.path}`): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      let a: Answer | undefined;
      let failure: Error | undefined;
      try {
        a = await this.once(call.method, url, { ...call.headers, ...(authorization ? { authorization } : {}) }, call.body);
      } catch (e) {
        if (e instanceof AnswerRefused) {
          throw registryError({ registry: call.repo.registry, repository: call.repo.repository, operation: call.operation, detail: `${url}: ${e.message}` });
        }
        failure = e as Error;
      }
      const retryable = failure !== undefined || (a !== undefined && (a.status === 429 || a.status >= 500));
      if (!retryable) return a as Answer;
      if (attempt >= this.attempts) {
        if (a) return a;
        throw registryError({
          registry: call.repo.registry, repository: call.repo.repository, operation: call.operation,
          detail: `${url}: ${(failure as Error & { cause?: Error }).cause?.message ?? (failure as Error).message} (after ${attempt} attempts)`,
        });
      }
      const retryAfter = a ? Number(header(a, 'retry-after')) : NaN;
      const wait = Number.isFinite(retryAfter) && retryAfter >= 0 ? Math.min(retryAfter * 1000, 30000) : this.backoffMs * 2 ** (attempt - 1);
      await sleep(wait);
    }
  }

  private async once(method: string, url: string, headers: Record<string, string>, body?: Buffer): Promise<Answer> {
    // headersTimeout/bodyTimeout only bound the gaps between bytes: a registry
    // trickling one byte at a time would hold the command forever without this.
    const signal = AbortSignal.timeout(this.timeoutMs);
    let r;
    try {
      r = await request(url, {
        method: method as 'GET', headers: { 'user-agent': 'modelship', ...headers }, body,
        headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs, signal,
      });
    } catch (e) {
      throw signal.aborted ? new Error(`no answer within ${this.timeoutMs} ms`) : e;
    }
    const declared = Number(r.headers['content-length']);
    if (declared > MAX_ANSWER_BYTES) {
      r.body.destroy();
      throw new AnswerRefused(`the answer is ${declared} bytes, more than the ${MAX_ANSWER_BYTES} modelship reads`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of r.body) {
        size += (chunk as Buffer).length;
        if (size > MAX_ANSWER_BYTES) {
          r.body.destroy();
          throw new AnswerRefused(`the answer is more than the ${MAX_ANSWER_BYTES} bytes modelship reads`);
        }
        chunks.push(chunk as Buffer);
      }
    } catch (e) {
      if (e instanceof AnswerRefused) throw e;
      throw signal.aborted ? new Error(`no complete answer within ${this.timeoutMs} ms`) : e;
    }
    return { status: r.statusCode, headers: r.headers as Answer['headers'], body: Buffer.concat(chunks) };
  }

  /**
   * The token service a Bearer challenge names. It receives the credentials,
   * so it must be HTTPS unless its host is one this client may reach over
   * plain HTTP anyway: a registry must not be able to send them in clear text.
   */
  private realmUrl(realm: string, withCredentials: boolean, fail: (detail: string) => Error): URL {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw fail(`the Bearer challenge's realm "${realm}" is not an absolute URL`);
    }
    if (url.protocol === 'https:') return url;
    if (url.protocol !== 'http:') throw fail(`the Bearer challenge's realm "${realm}" is not an http(s) URL`);
    if (withCredentials && !this.isPlainHttpAllowed(url.host)) {
      throw fail(`the Bearer challenge's realm ${url.origin} is plain HTTP; credentials are sent over it only to localhost, 127.0.0.1 or an --insecure-registry host`);
    }
    return url;
  }

  /** The Authorization header a 401's WWW-Authenticate asks for. */
  private async answerChallenge(call: Call, a: Answer): Promise<string> {
    const { repo, operation } = call;
    const fail = (detail: string, status = a.status) => registryError({ registry: repo.registry, repository: repo.repository, operation, status, detail });
    const given = a.headers['www-authenticate'];
    const raws = (Array.isArray(given) ? given : [given]).filter((r): r is string => !!r);
    if (!raws.length) throw fail('unauthorized, and no WWW-Authenticate challenge to answer');
    // A registry may offer several challenges (one header each, e.g. Negotiate and Basic): answer one modelship speaks.
    const challenges = raws.flatMap((r) => {
      try {
        return [parseChallenge(r)];
      } catch {
        return [];
      }
    });
    const rank = (scheme: string) => ['bearer', 'basic'].indexOf(scheme.toLowerCase());
    const challenge = challenges.filter((c) => rank(c.scheme) >= 0).sort((x, y) => rank(x.scheme) - rank(y.scheme))[0] ?? challenges[0];
    if (!challenge) throw fail(`unreadable WWW-Authenticate: ${raws.join(' | ')}`);
    const creds = this.credentials.lookup(repo.registry);
    const scheme = challenge.scheme.toLowerCase();
    if (scheme === 'basic') {
      if (!creds) throw fail(`needs credentials: \`docker login ${repo.registry}\` (none for it in the Docker config)`);
      return basic(creds);
    }
    if (scheme !== 'bearer') throw fail(`unsupported authentication scheme ${challenge.scheme}`);
    const realm = param(challenge.params.realm);
    if (!realm) throw fail('Bearer challenge without a realm');
    const url = this.realmUrl(realm, !!creds, fail);
    const service = param(challenge.params.service);
    if (service) url.searchParams.set('service', service);
    for (const scope of call.scopes) url.searchParams.append('scope', scope);
    const tokenCall: Call = { ...call, operation: `${operation}: token from ${url.origin}${url.pathname}`, method: 'GET', body: undefined, headers: {} };
    const t = await this.withRetries(tokenCall, creds ? basic(creds) : undefined, url.toString());
    if (t.status !== 200) throw fail(`token request to ${url.origin}${url.pathname} answered ${t.status}: ${errorDetail(t)}`, t.status === 401 ? 401 : t.status);
    let token: unknown;
    try {
      const body = JSON.parse(t.body.toString('utf8')) as { token?: unknown; access_token?: unknown };
      token = body.token ?? body.access_token;
    } catch {
      // reported below
    }
    if (typeof token !== 'string' || token === '') throw fail(`the token service at ${url.origin}${url.pathname} sent no token`, t.status);
    return `Bearer ${token}`;
  }
}

function basic(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

function param(v: string | readonly string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : (v as string | undefined);
}

function pull(repo: RepositoryRef): string {
  return `repository:${repo.repository}:pull`;
}

function pushPull(repo: RepositoryRef): string {
  return `repository:${repo.repository}:pull,push`;
}

/** Whether a manifest is an index of per-platform manifests. */
export function isIndex(m: Pick<Manifest, 'mediaType'>): boolean {
  return INDEX_TYPES.includes(m.mediaType);
}
