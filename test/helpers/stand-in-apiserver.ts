import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { parse } from 'yaml';

/**
 * A small Kubernetes API server on 127.0.0.1 for tests that run the real
 * kubectl: legacy discovery, and objects kept in memory with GET, LIST (by
 * label selector), POST, DELETE and server-side apply (PATCH
 * application/apply-patch+yaml). It knows only the kinds modelship writes and
 * the ApplySet parents kubectl keeps, and it logs every request, so a test can
 * assert what kubectl did: the client logic under test is kubectl's own.
 */

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface LoggedApiRequest {
  method: string;
  /** Path and query, as kubectl sent them. */
  url: string;
  contentType?: string;
  status: number;
}

interface Resource {
  group: string;
  version: string;
  /** The plural in the URL. */
  name: string;
  kind: string;
  namespaced: boolean;
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** What kubectl may find here: modelship's kinds, the ApplySet parents and namespaces. */
const RESOURCES: readonly Resource[] = [
  { group: '', version: 'v1', name: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', name: 'secrets', kind: 'Secret', namespaced: true },
  { group: '', version: 'v1', name: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { group: '', version: 'v1', name: 'services', kind: 'Service', namespaced: true },
  { group: 'apps', version: 'v1', name: 'deployments', kind: 'Deployment', namespaced: true },
  { group: 'autoscaling', version: 'v2', name: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true },
  { group: 'batch', version: 'v1', name: 'cronjobs', kind: 'CronJob', namespaced: true },
  { group: 'policy', version: 'v1', name: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true },
];

const GROUPS = [...new Set(RESOURCES.map((r) => r.group).filter((g) => g !== ''))];

function groupVersion(r: Resource): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

/** One requirement of a label selector, in the forms kubectl sends. */
type Requirement = (labels: Record<string, string>) => boolean;

/** `a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x,y)`, joined by commas outside parentheses. */
export function parseLabelSelector(selector: string): Requirement[] {
  const parts = selector.split(/,(?![^(]*\))/).map((p) => p.trim()).filter(Boolean);
  return parts.map((part): Requirement => {
    let m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (m) {
      const [, key, op, list] = m;
      const values = new Set(list.split(',').map((v) => v.trim()));
      return op === 'in' ? (l) => key in l && values.has(l[key]) : (l) => !(key in l) || !values.has(l[key]);
    }
    m = /^([^=!\s]+)\s*(!=|==|=)\s*(\S*)$/.exec(part);
    if (m) {
      const [, key, op, value] = m;
      return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
    }
    m = /^(!?)([^=!\s]+)$/.exec(part);
    if (m) return m[1] ? (l) => !(m![2] in l) : (l) => m![2] in l;
    throw new Error(`unsupported label selector ${JSON.stringify(part)}`);
  });
}

function status(code: number, reason: string, message: string): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

export class StandInApiServer {
  readonly log: LoggedApiRequest[] = [];
  /** `group/resource/namespace/name` -> object */
  private readonly objects = new Map<string, KubeObject>();
  /**
   * Objects whose `.spec.replicas` another field manager owns (the HPA controller, through
   * the scale subresource), as a real server keeps it in managedFields: the one field whose
   * ownership moves between kubectl and a controller in modelship's objects.
   */
  private readonly replicasOwners = new Map<string, string>();
  private revision = 1;
  private readonly server: http.Server;
  port = 0;

  constructor() {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        let code = 500;
        let answer: unknown;
        try {
          [code, answer] = this.handle(req.method ?? 'GET', new URL(req.url ?? '/', 'http://stand-in'), req.headers['content-type'], body);
        } catch (e) {
          [code, answer] = [400, status(400, 'BadRequest', (e as Error).message)];
        }
        this.log.push({ method: req.method ?? 'GET', url: req.url ?? '/', contentType: req.headers['content-type'], status: code });
        res.writeHead(code, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(answer));
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A kubeconfig in `dir` that points kubectl here, for `KUBECONFIG`. */
  writeKubeconfig(dir: string): string {
    const file = path.join(dir, 'kubeconfig');
    fs.writeFileSync(file, [
      'apiVersion: v1', 'kind: Config', 'current-context: stand-in',
      'clusters:', `- name: stand-in`, `  cluster: {server: "${this.url}"}`,
      'users:', '- name: stand-in', '  user: {}',
      'contexts:', '- name: stand-in', '  context: {cluster: stand-in, user: stand-in}', '',
    ].join('\n'));
    return file;
  }

  /** Every object kept, in a stable order. */
  list(): KubeObject[] {
    return [...this.objects.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, o]) => o);
  }

  /** The object of `kind` named `name` in `namespace`, if there is one. */
  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.list().find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
  }

  /** Puts an object in place as if someone else had applied it. */
  put(object: KubeObject): void {
    const r = RESOURCES.find((x) => x.kind === object.kind && groupVersion(x) === object.apiVersion);
    if (!r) throw new Error(`the stand-in knows no ${object.apiVersion} ${object.kind}`);
    this.objects.set(this.key(r, object.metadata.namespace, object.metadata.name), this.stamp(object));
  }

  private key(r: Resource, namespace: string | undefined, name: string): string {
    return `${r.group}/${r.name}/${namespace ?? ''}/${name}`;
  }

  /** Server-set metadata: uid and creation time once, a new resourceVersion on every write. */
  private stamp(object: KubeObject, previous?: KubeObject): KubeObject {
    const metadata = {
      ...object.metadata,
      uid: previous?.metadata.uid ?? randomUUID(),
      creationTimestamp: previous?.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      resourceVersion: String(++this.revision),
    };
    return { ...object, metadata };
  }

  private handle(method: string, url: URL, contentType: string | undefined, body: string): [number, unknown] {
    const p = url.pathname.replace(/\/+$/, '');
    if (p === '/api') return [200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] }];
    if (p === '/apis') {
      return [200, {
        kind: 'APIGroupList', apiVersion: 'v1',
        groups: GROUPS.map((g) => {
          const gv = groupVersion(RESOURCES.find((r) => r.group === g)!);
          return { name: g, versions: [{ groupVersion: gv, version: gv.split('/')[1] }], preferredVersion: { groupVersion: gv, version: gv.split('/')[1] } };
        }),
      }];
    }
    if (p === '/openapi/v3') {
      const gvs = [...new Set(RESOURCES.map((r) => (r.group === '' ? 'api/v1' : `apis/${groupVersion(r)}`)))];
      return [200, { paths: Object.fromEntries(gvs.map((gv) => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=stand-in` }])) }];
    }
    if (p.startsWith('/openapi/v3/')) return this.openApi(p.slice('/openapi/v3/'.length));
    if (p === '/version') return [200, { major: '1', minor: '32', gitVersion: 'v1.32.0-stand-in', platform: 'linux/amd64' }];
    // /api/v1 or /apis/<group>/<version>, then optionally namespaces/<ns>/, then <resource>[/<name>]
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/(.*))?$/.exec(p);
    if (!m) return [404, status(404, 'NotFound', `the server could not find the requested resource (${p})`)];
    const group = m[2] ?? '';
    const version = m[1] ?? m[3];
    const inGroup = RESOURCES.filter((r) => r.group === group && r.version === version);
    if (!inGroup.length) return [404, status(404, 'NotFound', `no group version ${group}/${version}`)];
    if (m[4] === undefined) {
      return [200, {
        kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(inGroup[0]),
        resources: inGroup.map((r) => ({ name: r.name, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs: VERBS })),
      }];
    }
    let rest = m[4].split('/');
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const r = inGroup.find((x) => x.name === rest[0]);
    if (!r || rest.length > 2) return [404, status(404, 'NotFound', `the server could not find the requested resource (${p})`)];
    if (r.namespaced !== (namespace !== undefined) && rest.length === 2) return [404, status(404, 'NotFound', `${r.name} ${rest[1]}: wrong scope`)];
    return rest.length === 1 ? this.collection(method, r, namespace, url, body) : this.item(method, r, namespace, rest[1], contentType, body, url);
  }

  /**
   * Just enough OpenAPI v3 for kubectl to see that PATCH takes `fieldValidation`, so it
   * leaves validation to the server instead of downloading every schema (which the
   * stand-in has not): the request's own objects are checked by the test against the
   * official schemas.
   */
  private openApi(gvPath: string): [number, unknown] {
    const inGv = RESOURCES.filter((r) => (r.group === '' ? 'api/v1' : `apis/${groupVersion(r)}`) === gvPath);
    if (!inGv.length) return [404, status(404, 'NotFound', `no OpenAPI document for ${gvPath}`)];
    const paths = Object.fromEntries(inGv.map((r) => [
      `/${gvPath}/${r.namespaced ? 'namespaces/{namespace}/' : ''}${r.name}/{name}`,
      {
        patch: {
          'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
          parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string' } }],
          responses: { 200: { description: 'OK' } },
        },
      },
    ]));
    return [200, { openapi: '3.0.0', info: { title: 'Kubernetes (stand-in)', version: 'v1.32.0' }, paths }];
  }

  private collection(method: string, r: Resource, namespace: string | undefined, url: URL, body: string): [number, unknown] {
    if (method === 'GET') {
      const requirements = parseLabelSelector(url.searchParams.get('labelSelector') ?? '');
      const items = [...this.objects.entries()]
        .filter(([k]) => k.startsWith(`${r.group}/${r.name}/${namespace === undefined ? '' : `${namespace}/`}`))
        .map(([, o]) => o)
        .filter((o) => requirements.every((req) => req(o.metadata.labels ?? {})));
      return [200, { kind: `${r.kind}List`, apiVersion: groupVersion(r), metadata: { resourceVersion: String(this.revision) }, items }];
    }
    if (method === 'POST') {
      const missing = this.missingNamespace(namespace);
      if (missing) return missing;
      const object = JSON.parse(body) as KubeObject;
      const key = this.key(r, namespace, object.metadata.name);
      if (this.objects.has(key)) return [409, status(409, 'AlreadyExists', `${r.name} "${object.metadata.name}" already exists`)];
      const created = this.stamp({ ...object, apiVersion: groupVersion(r), kind: r.kind, metadata: { ...object.metadata, namespace } });
      this.objects.set(key, created);
      return [201, created];
    }
    return [405, status(405, 'MethodNotAllowed', `${method} on a collection`)];
  }

  /** As a real server: nothing is created in a namespace that does not exist. */
  private missingNamespace(namespace: string | undefined): [number, unknown] | undefined {
    if (namespace === undefined || this.objects.has(`/namespaces//${namespace}`)) return undefined;
    return [404, status(404, 'NotFound', `namespaces "${namespace}" not found`)];
  }

  /**
   * What the HorizontalPodAutoscaler controller does to a Deployment it scales: sets
   * `.spec.replicas` through the scale subresource, which makes kube-controller-manager
   * its owner (Kubernetes 1.22+). An apply that then sets another count conflicts,
   * unless it forces (`--force-conflicts`), which takes the field back.
   */
  scaleByController(namespace: string, name: string, replicas: number): void {
    const key = `apps/deployments/${namespace}/${name}`;
    const existing = this.objects.get(key);
    if (!existing) throw new Error(`no Deployment ${namespace}/${name} to scale`);
    this.objects.set(key, this.stamp({ ...existing, spec: { ...(existing.spec as object), replicas } }, existing));
    this.replicasOwners.set(key, 'kube-controller-manager');
  }

  private item(method: string, r: Resource, namespace: string | undefined, name: string, contentType: string | undefined, body: string, url?: URL): [number, unknown] {
    const key = this.key(r, namespace, name);
    const existing = this.objects.get(key);
    const notFound = status(404, 'NotFound', `${r.name} "${name}" not found`);
    if (method === 'GET') return existing ? [200, existing] : [404, notFound];
    if (method === 'DELETE') {
      if (!existing) return [404, notFound];
      this.objects.delete(key);
      return [200, existing];
    }
    if (method === 'PATCH' && contentType?.startsWith('application/apply-patch+yaml')) {
      const missing = existing ? undefined : this.missingNamespace(namespace);
      if (missing) return missing;
      const applied = parse(body) as KubeObject;
      if (applied.kind !== r.kind || applied.metadata?.name !== name) {
        return [400, status(400, 'BadRequest', `the body's ${applied.kind} ${applied.metadata?.name} does not match the URL's ${r.kind} ${name}`)];
      }
      if (applied.metadata.namespace !== undefined && applied.metadata.namespace !== namespace) {
        return [400, status(400, 'BadRequest', 'the namespace of the object does not match the namespace on the request')];
      }
      const owner = this.replicasOwners.get(key);
      const replicas = (applied.spec as { replicas?: number } | undefined)?.replicas;
      if (existing && owner && replicas !== undefined && replicas !== (existing.spec as { replicas?: number }).replicas) {
        if (url?.searchParams.get('force') !== 'true') {
          const cause = `conflict with "${owner}" with subresource "scale" using ${groupVersion(r)}`;
          return [409, {
            ...status(409, 'Conflict', `Apply failed with 1 conflict: ${cause}: .spec.replicas`),
            details: { name, group: r.group, kind: r.name, causes: [{ reason: 'FieldManagerConflict', message: cause, field: '.spec.replicas' }] },
          }];
        }
        this.replicasOwners.delete(key);
      }
      // One field manager (kubectl) applies whole objects here, so its latest intent replaces the fields,
      // but for a count the controller owns and the apply leaves out.
      const kept = existing && this.replicasOwners.has(key) && replicas === undefined
        ? { spec: { ...(applied.spec as object), replicas: (existing.spec as { replicas?: number }).replicas } } : {};
      const object = this.stamp({ ...applied, ...kept, metadata: { ...applied.metadata, namespace } }, existing);
      this.objects.set(key, object);
      return [existing ? 200 : 201, object];
    }
    return [415, status(415, 'UnsupportedMediaType', `the stand-in does not serve ${method} ${contentType ?? ''}`)];
  }
}
