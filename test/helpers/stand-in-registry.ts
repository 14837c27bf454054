import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small OCI Distribution server on 127.0.0.1 for tests: manifests (GET,
 * HEAD, PUT, DELETE), blob HEAD and cross-repository mounts, with Basic or
 * Bearer-token auth and injectable failures. It logs every request, so a test
 * can prove that no layer was ever downloaded.
 */
export interface StandInOptions {
  /** `basic`: Basic challenge; `token`: Bearer challenge and a token endpoint at /token. @default none */
  auth?: 'basic' | 'token';
  /** user:password the registry (or its token service) accepts. */
  user?: string;
  password?: string;
  /** Answer deletes 405 UNSUPPORTED, as registries with deletes disabled do. */
  refuseDeletes?: boolean;
  /** Mount answers 202 (an upload session) instead of 201. */
  refuseMounts?: boolean;
  /** Address to listen on. @default 127.0.0.1 */
  listenHost?: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  authorization?: string;
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function repositoryOf(url: URL): string {
  return /^\/v2\/(.+?)\/(manifests|blobs|tags)\//.exec(url.pathname)?.[1] ?? '';
}

export class StandInRegistry {
  readonly log: LoggedRequest[] = [];
  /** repository -> digest -> blob bytes */
  readonly blobs = new Map<string, Map<string, Buffer>>();
  /** repository -> digest -> { bytes, type } */
  readonly manifests = new Map<string, Map<string, { bytes: Buffer; type: string }>>();
  /** repository -> tag -> digest */
  readonly tags = new Map<string, Map<string, string>>();
  /** Answers to send before normal service, e.g. [503, 429]. */
  failures: number[] = [];
  /** Raw manifest bodies to serve for a tag, for malformed-answer tests: `repo:tag` -> body. */
  readonly rawManifests = new Map<string, { body: string; type?: string; digestHeader?: string }>();
  /** Called with each request; a promise it returns is awaited before the answer: to run another command while the request is in flight. */
  beforeAnswer?: (method: string, url: string) => Promise<void> | undefined;
  /** Token endpoint answers: override for malformed-token tests. */
  tokenBody?: string;
  private readonly server: http.Server;
  port = 0;

  constructor(readonly options: StandInOptions = {}) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        // The test's hook may hold the answer back (a slow registry, something else happening meanwhile).
        const wait = this.beforeAnswer?.(req.method ?? 'GET', req.url ?? '/');
        if (!wait) return this.handle(req, res, body);
        void wait.then(() => this.handle(req, res, body));
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, this.options.listenHost ?? '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  stop(): Promise<void> {
    // undici keeps connections alive; close() alone would wait for them.
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    this.server.closeAllConnections();
    return closed;
  }

  get host(): string {
    return `${this.options.listenHost ?? '127.0.0.1'}:${this.port}`;
  }

  /** Pushes an image (config + layers + manifest) the way a client would, returning the manifest digest. */
  pushImage(repository: string, tag: string, layers: string[]): { digest: string; bytes: Buffer; layerDigests: string[] } {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', layers }));
    const layerBufs = layers.map((l) => Buffer.from(l));
    for (const b of [config, ...layerBufs]) this.repoMap(this.blobs, repository).set(sha256(b), b);
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: layerBufs.map((b) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(b), size: b.length })),
    }));
    const digest = sha256(manifest);
    this.repoMap(this.manifests, repository).set(digest, { bytes: manifest, type: OCI_MANIFEST });
    this.repoMap(this.tags, repository).set(tag, digest);
    return { digest, bytes: manifest, layerDigests: layerBufs.map((b) => sha256(b)) };
  }

  /** A multi-platform index over per-platform images pushed first. */
  pushIndex(repository: string, tag: string, platforms: string[][]): { digest: string; children: string[] } {
    const children = platforms.map((layers, i) => this.pushImage(repository, `platform-${i}`, layers));
    const index = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: OCI_INDEX,
      manifests: children.map((c, i) => ({ mediaType: OCI_MANIFEST, digest: c.digest, size: c.bytes.length, platform: { architecture: i ? 'arm64' : 'amd64', os: 'linux' } })),
    }));
    const digest = sha256(index);
    this.repoMap(this.manifests, repository).set(digest, { bytes: index, type: OCI_INDEX });
    this.repoMap(this.tags, repository).set(tag, digest);
    for (let i = 0; i < platforms.length; i++) this.tags.get(repository)?.delete(`platform-${i}`);
    return { digest, children: children.map((c) => c.digest) };
  }

  tagOf(repository: string, tag: string): string | undefined {
    return this.tags.get(repository)?.get(tag);
  }

  private repoMap<T>(m: Map<string, Map<string, T>>, repository: string): Map<string, T> {
    let inner = m.get(repository);
    if (!inner) m.set(repository, (inner = new Map()));
    return inner;
  }

  private send(res: http.ServerResponse, status: number, headers: Record<string, string> = {}, body = ''): void {
    res.writeHead(status, headers);
    res.end(body);
  }

  private error(res: http.ServerResponse, status: number, code: string, message: string): void {
    this.send(res, status, { 'content-type': 'application/json' }, JSON.stringify({ errors: [{ code, message }] }));
  }

  private authorized(req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean {
    const { auth, user = 'ci', password = 'secret' } = this.options;
    const given = req.headers.authorization;
    if (auth === 'basic') {
      if (given === `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`) return true;
      this.send(res, 401, { 'www-authenticate': 'Basic realm="stand-in"' });
      return false;
    }
    if (auth === 'token') {
      if (given?.startsWith('Bearer ') && this.validToken(given.slice(7), url)) return true;
      const repo = repositoryOf(url);
      this.send(res, 401, {
        'www-authenticate': `Bearer realm="http://${this.host}/token",service="stand-in",scope="repository:${repo}:pull"`,
        'content-type': 'application/json',
      }, JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
      return false;
    }
    return true;
  }

  /** Tokens name their scopes: `t:<scope> <scope>`; a call needs its repository's action in them. */
  private validToken(token: string, url: URL): boolean {
    const granted = Buffer.from(token, 'base64').toString('utf8');
    if (!granted.startsWith('t:')) return false;
    const repo = repositoryOf(url);
    return granted.slice(2).split(' ').some((s) => s.startsWith(`repository:${repo}:`));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
    const url = new URL(req.url ?? '/', `http://${this.host}`);
    const method = req.method ?? 'GET';
    this.log.push({ method, path: `${url.pathname}${url.search}`, authorization: req.headers.authorization });
    const failure = this.failures.shift();
    if (failure) return this.send(res, failure, failure === 429 ? { 'retry-after': '0' } : {}, 'try again');

    if (url.pathname === '/token') {
      const { user = 'ci', password = 'secret' } = this.options;
      if (req.headers.authorization !== `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`) {
        return this.error(res, 401, 'UNAUTHORIZED', 'bad credentials');
      }
      if (this.tokenBody !== undefined) return this.send(res, 200, { 'content-type': 'application/json' }, this.tokenBody);
      const token = Buffer.from(`t:${url.searchParams.getAll('scope').join(' ')}`).toString('base64');
      return this.send(res, 200, { 'content-type': 'application/json' }, JSON.stringify({ token }));
    }
    if (!this.authorized(req, res, url)) return;

    // Tags in pages of `n` (as the distribution spec: sorted, `last` to resume, a Link header to the next page).
    const tagsList = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
    if (tagsList && method === 'GET') {
      const all = [...(this.tags.get(tagsList[1])?.keys() ?? [])].sort();
      if (!this.manifests.has(tagsList[1])) return this.error(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry');
      const n = Number(url.searchParams.get('n') ?? all.length) || all.length;
      const last = url.searchParams.get('last');
      const rest = last === null ? all : all.filter((t) => t > last);
      const page = rest.slice(0, n);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (rest.length > n) headers.link = `</v2/${tagsList[1]}/tags/list?n=${n}&last=${encodeURIComponent(page[page.length - 1])}>; rel="next"`;
      return this.send(res, 200, headers, JSON.stringify({ name: tagsList[1], tags: page }));
    }
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/(.+)$/.exec(url.pathname);
    if (url.pathname.endsWith('/blobs/uploads/') && method === 'POST') {
      const repository = url.pathname.slice(4, -'/blobs/uploads/'.length);
      const digest = url.searchParams.get('mount') ?? '';
      const from = url.searchParams.get('from') ?? '';
      const blob = this.blobs.get(from)?.get(digest);
      if (!blob || this.options.refuseMounts) return this.send(res, 202, { location: `/v2/${repository}/blobs/uploads/session-1` });
      this.repoMap(this.blobs, repository).set(digest, blob);
      return this.send(res, 201, { location: `/v2/${repository}/blobs/${digest}`, 'docker-content-digest': digest });
    }
    if (/\/blobs\/uploads\/session-1$/.test(url.pathname) && method === 'DELETE') return this.send(res, 204);
    if (!m) return this.error(res, 404, 'NAME_UNKNOWN', 'no such route');
    const [, repository, kind, reference] = m;
    if (kind === 'blobs') {
      const blob = this.blobs.get(repository)?.get(reference);
      if (!blob) return this.send(res, 404);
      return this.send(res, 200, { 'content-length': String(blob.length), 'docker-content-digest': reference }, method === 'HEAD' ? '' : blob.toString());
    }
    const raw = this.rawManifests.get(`${repository}:${reference}`);
    if (raw && (method === 'GET' || method === 'HEAD')) {
      const headers: Record<string, string> = { 'content-type': raw.type ?? OCI_MANIFEST };
      if (raw.digestHeader) headers['docker-content-digest'] = raw.digestHeader;
      return this.send(res, 200, headers, method === 'HEAD' ? '' : raw.body);
    }
    if (method === 'PUT') {
      const parsed = JSON.parse(body.toString('utf8')) as { config?: { digest: string }; layers?: { digest: string }[]; manifests?: { digest: string }[] };
      const needBlobs = [parsed.config?.digest, ...(parsed.layers ?? []).map((l) => l.digest)].filter((d): d is string => !!d);
      const missing = needBlobs.find((d) => !this.blobs.get(repository)?.has(d));
      if (missing) return this.error(res, 400, 'BLOB_UNKNOWN', `blob unknown to registry: ${missing}`);
      const missingChild = (parsed.manifests ?? []).find((c) => !this.manifests.get(repository)?.has(c.digest));
      if (missingChild) return this.error(res, 400, 'MANIFEST_BLOB_UNKNOWN', `manifest unknown: ${missingChild.digest}`);
      const digest = sha256(body);
      this.repoMap(this.manifests, repository).set(digest, { bytes: body, type: req.headers['content-type'] ?? OCI_MANIFEST });
      if (!reference.startsWith('sha256:')) this.repoMap(this.tags, repository).set(reference, digest);
      return this.send(res, 201, { 'docker-content-digest': digest, location: `/v2/${repository}/manifests/${digest}` });
    }
    const digest = reference.startsWith('sha256:') ? reference : this.tags.get(repository)?.get(reference);
    const manifest = digest ? this.manifests.get(repository)?.get(digest) : undefined;
    if (method === 'DELETE') {
      if (this.options.refuseDeletes) return this.error(res, 405, 'UNSUPPORTED', 'The operation is unsupported.');
      if (!digest || !manifest || !reference.startsWith('sha256:')) return this.error(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown');
      this.manifests.get(repository)?.delete(digest);
      for (const [tag, d] of this.tags.get(repository) ?? []) if (d === digest) this.tags.get(repository)?.delete(tag);
      return this.send(res, 202);
    }
    if (!digest || !manifest) return this.error(res, 404, 'MANIFEST_UNKNOWN', `manifest unknown: ${reference}`);
    return this.send(res, 200, { 'content-type': manifest.type, 'docker-content-digest': digest, 'content-length': String(manifest.bytes.length) },
      method === 'HEAD' ? '' : manifest.bytes.toString());
  }
}
