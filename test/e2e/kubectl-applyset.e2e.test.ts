import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments, parseDocument } from 'yaml';
import { applySetId } from '../../src/kubernetes/apply-set';
import { cliProcess, tempDir, validatedVersion } from '../helpers/cli';
import { KubeObject, LoggedApiRequest, StandInApiServer } from '../helpers/stand-in-apiserver';

/*
 * Proves the pruning synth documents with the real kubectl: the commands synth
 * prints run against a stand-in API server (test/helpers/stand-in-apiserver.ts),
 * and what kubectl labels, lists and deletes is kubectl's own doing.
 */

function kubectlProblem(): string | undefined {
  // The flag is alpha: kubectl lists it only with KUBECTL_APPLYSET=true.
  const help = spawnSync('kubectl', ['apply', '--help'], { encoding: 'utf8', env: { ...process.env, KUBECTL_APPLYSET: 'true' } });
  if (help.error) return `kubectl is not installed (${help.error.message})`;
  if (!/--applyset=/.test(help.stdout)) {
    const version = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).stdout.split('\n')[0];
    return `this kubectl (${version}) has no --applyset (kubectl 1.27+; Debian's kubernetes-client 1.20 is too old)`;
  }
  return undefined;
}

const problem = kubectlProblem();
// eslint-disable-next-line no-console
if (problem) console.warn(`skipping the kubectl ApplySet suite: ${problem}`);
const suite = problem ? describe.skip : describe;

/** Every object of the manifests synth wrote, as `Kind namespace/name`. */
function objectsOf(files: readonly string[]): string[] {
  return files.flatMap((f) => parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => {
    const o = d.toJS() as KubeObject;
    return `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
  })).sort();
}

const KINDS: Record<string, string> = {
  deployments: 'Deployment', services: 'Service', poddisruptionbudgets: 'PodDisruptionBudget',
  horizontalpodautoscalers: 'HorizontalPodAutoscaler', cronjobs: 'CronJob', secrets: 'Secret',
};

function idOf(o: KubeObject): string {
  return `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
}

suite('kubectl apply --prune --applyset with the commands synth prints', () => {
  // Made in beforeAll: jest runs a skipped describe's body too, and nothing would remove them.
  let work = '';
  let models = '';
  let out = '';
  const api = new StandInApiServer();
  let kubeconfig = '';

  function ok(args: string[]): string {
    const r = cliProcess([...args, '--models-dir', models]);
    if (r.code !== 0) throw new Error(`modelship ${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
    return r.stdout;
  }

  function edit(name: string, change: (doc: ReturnType<typeof parseDocument>) => void): void {
    const file = path.join(models, `${name}.yaml`);
    const doc = parseDocument(fs.readFileSync(file, 'utf8'));
    change(doc);
    fs.writeFileSync(file, doc.toString());
  }

  /** A command line through the shell, as a CI job runs it; async, since the stand-in answers from this process. */
  async function kubectl(command: string): Promise<{ code: number; stdout: string; stderr: string; requests: LoggedApiRequest[] }> {
    const from = api.log.length;
    // kubectl caches discovery per server address, by default under ~/.kube: keep it in the temp dir.
    const child = spawn('sh', ['-c', command], { cwd: work, env: { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: path.join(work, 'kube-cache') } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
    return { code, stdout, stderr, requests: api.log.slice(from) };
  }

  /** synth, then every `apply:` and `delete:` line it printed, as a CI job would run them. */
  async function synthAndApply(): Promise<{ synth: string; requests: LoggedApiRequest[] }> {
    const synth = ok(['synth', '--target', 'kubernetes', '--out', out]);
    const commands = synth.split('\n').filter((l) => /^(apply|delete): /.test(l)).map((l) => l.replace(/^\w+: /, ''));
    expect(commands.length).toBeGreaterThan(0);
    const from = api.log.length;
    for (const command of commands) {
      const r = await kubectl(command);
      if (r.code !== 0) throw new Error(`${command}: exit ${r.code}: ${r.stderr}`);
    }
    return { synth, requests: api.log.slice(from) };
  }

  function manifests(): string[] {
    const found: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(dir, e.name));
        else if (e.name.endsWith('.k8s.yaml')) found.push(path.join(dir, e.name));
      }
    };
    walk(out);
    return found.sort();
  }

  /** What kubectl deleted, as `Kind namespace/name`. */
  function deletes(requests: readonly LoggedApiRequest[]): string[] {
    return requests.filter((r) => r.method === 'DELETE')
      .map((r) => /\/namespaces\/([^/]+)\/([^/]+)\/([^/?]+)/.exec(r.url)!)
      .map(([, ns, resource, name]) => `${KINDS[resource]} ${ns}/${name}`).sort();
  }

  const modelObjects = (): KubeObject[] => api.list().filter((o) => o.kind !== 'Secret' && o.kind !== 'Namespace');

  beforeAll(async () => {
    work = tempDir('kubectl-applyset-');
    models = path.join(work, 'models');
    out = path.join(work, 'dist');
    await api.start();
    kubeconfig = api.writeKubeconfig(work);
    const init = (name: string, strategy: string, namespace: string): void => {
      ok(['init', name, '--image', `registry.example.com/models/${name}`, '--serving-image', 'registry.example.com/apps/api:1.0.0',
        '--strategy', strategy, '--namespace', namespace, '--max-size-mib', '100', '--max-latency-p95-ms', '50']);
    };
    // a: rolling, autoscaled, retrained, with a candidate.
    init('a', 'rolling', 'ml-serving');
    edit('a', (doc) => {
      doc.setIn(['serving', 'autoscaling'], doc.createNode({ min: 2, max: 5, targetCpuPercent: 70 }));
      doc.set('retraining', doc.createNode({ schedule: '0 3 * * 1', image: 'registry.example.com/train/a:1.0.0' }));
    });
    ok(['promote', 'a', await validatedVersion(models, 'a', 'minor', 'a1')]);
    await validatedVersion(models, 'a', 'minor', 'a2');
    // b: blue-green, live, a preview and a candidate.
    init('b', 'blue-green', 'ml-serving');
    ok(['promote', 'b', await validatedVersion(models, 'b', 'minor', 'b1')]);
    ok(['promote', 'b', await validatedVersion(models, 'b', 'minor', 'b2')]);
    await validatedVersion(models, 'b', 'minor', 'b3');
    // c: the same folder, another namespace: its own ApplySet and command.
    init('c', 'rolling', 'other-ns');
    ok(['promote', 'c', await validatedVersion(models, 'c', 'minor', 'c1')]);
    // s: two stands; prod shares ml-serving with a and b under another parent.
    init('s', 'rolling', 'ml-serving');
    edit('s', (doc) => doc.set('stands', doc.createNode([{ name: 'dev', kubernetes: { namespace: 'ml-dev' }, nomad: { namespace: 'dev' } }, 'prod'])));
    const v = await validatedVersion(models, 's', 'minor', 's1');
    ok(['promote', 's', v]);
    ok(['promote', 's', v]);
    // The namespaces exist, as a cluster admin made them (the stand-in refuses objects in others).
    for (const ns of ['ml-serving', 'other-ns', 'ml-dev']) api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });

  afterAll(async () => {
    await api.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  let standObjects: KubeObject[] = [];

  it('creates every object synth wrote, labelled with its folder and namespace set', async () => {
    const { synth } = await synthAndApply();
    expect(synth).toContain(`apply: KUBECTL_APPLYSET=true kubectl apply -n ml-serving --server-side --force-conflicts --prune --applyset=modelship-applyset -f ${out}/kubernetes/a.k8s.yaml -f ${out}/kubernetes/b.k8s.yaml\n`);
    const expected = objectsOf(manifests());
    expect(expected).toEqual(expect.arrayContaining([
      'Deployment ml-serving/a-candidate', 'HorizontalPodAutoscaler ml-serving/a', 'CronJob ml-serving/a-retrain',
      'Deployment ml-serving/b-blue', 'Deployment ml-serving/b-green', 'Service ml-serving/b-preview', 'Deployment ml-serving/b-candidate',
      'Deployment other-ns/c', 'Deployment ml-dev/s', 'Deployment ml-serving/s',
    ]));
    expect(modelObjects().map(idOf).sort()).toEqual(expected);
    const sets: Record<string, string> = { 'ml-serving': applySetId('ml-serving'), 'other-ns': applySetId('other-ns') };
    for (const o of modelObjects()) {
      const stand = o.metadata.name === 's' ? (o.metadata.namespace === 'ml-dev' ? 'dev' : 'prod') : undefined;
      expect([idOf(o), o.metadata.labels?.['applyset.kubernetes.io/part-of']])
        .toEqual([idOf(o), stand ? applySetId(o.metadata.namespace!, stand) : sets[o.metadata.namespace!]]);
    }
    // kubectl's parents carry the ID modelship computes for its delete commands.
    const parents = api.list().filter((o) => o.kind === 'Secret')
      .map((o) => `${o.metadata.namespace}/${o.metadata.name} ${o.metadata.labels?.['applyset.kubernetes.io/id']}`);
    expect(parents.sort()).toEqual([
      `ml-dev/modelship-applyset-dev ${applySetId('ml-dev', 'dev')}`,
      `ml-serving/modelship-applyset ${applySetId('ml-serving')}`,
      `ml-serving/modelship-applyset-prod ${applySetId('ml-serving', 'prod')}`,
      `other-ns/modelship-applyset ${applySetId('other-ns')}`,
    ]);
    standObjects = api.list();
  });

  it('deletes the -candidate objects after the candidate is promoted, and nothing else', async () => {
    const version = (JSON.parse(ok(['status', 'a', '--json'])) as { rows: { version: string; role: string }[] }).rows
      .find((r) => r.role === 'candidate')!.version;
    ok(['promote', 'a', version]);
    const before = modelObjects().map(idOf);
    const { requests } = await synthAndApply();
    expect(deletes(requests)).toEqual(['Deployment ml-serving/a-candidate', 'Service ml-serving/a-candidate']);
    expect(modelObjects().map(idOf)).toEqual(before.filter((o) => !o.endsWith('/a-candidate')));
    expect(modelObjects().map(idOf).sort()).toEqual(objectsOf(manifests()));
  });

  it('deletes the HorizontalPodAutoscaler and the CronJob once the record drops autoscaling and retraining', async () => {
    edit('a', (doc) => {
      doc.deleteIn(['serving', 'autoscaling']);
      doc.delete('retraining');
    });
    const before = modelObjects().map(idOf);
    const { requests } = await synthAndApply();
    // No manifest has these kinds any more: kubectl still lists them, from its parent's group kinds.
    expect(deletes(requests)).toEqual(['CronJob ml-serving/a-retrain', 'HorizontalPodAutoscaler ml-serving/a']);
    expect(modelObjects().map(idOf)).toEqual(before.filter((o) => !/^(CronJob|HorizontalPodAutoscaler) /.test(o)));
    expect(api.get('Secret', 'ml-serving', 'modelship-applyset')?.metadata.annotations?.['applyset.kubernetes.io/contains-group-kinds'])
      .toBe('Deployment.apps,PodDisruptionBudget.policy,Service');
  });

  it("deletes every object of a removed model and keeps the others'", async () => {
    fs.rmSync(path.join(models, 'b.yaml'));
    const before = modelObjects().map(idOf);
    const { synth, requests } = await synthAndApply();
    expect(synth).toContain(`removed ${out}/kubernetes/b.k8s.yaml`);
    const bObjects = before.filter((o) => /\/b(-|$)/.test(o));
    expect(bObjects.length).toBeGreaterThanOrEqual(7);
    expect(deletes(requests)).toEqual([...bObjects].sort());
    expect(modelObjects().map(idOf)).toEqual(before.filter((o) => !bObjects.includes(o)));
  });

  it("deletes a namespace's objects and parent by label when its last manifest goes (the printed delete)", async () => {
    fs.rmSync(path.join(models, 'c.yaml'));
    const { synth, requests } = await synthAndApply();
    expect(synth).toMatch(/^delete: kubectl delete -n other-ns /m);
    // One namespace left in the folder: applied whole, comment headers and all.
    expect(synth).toContain(`apply: KUBECTL_APPLYSET=true kubectl apply -n ml-serving --server-side --force-conflicts --prune --applyset=modelship-applyset -f ${out}/kubernetes/\n`);
    expect(deletes(requests)).toEqual(['Deployment other-ns/c', 'PodDisruptionBudget other-ns/c', 'Secret other-ns/modelship-applyset', 'Service other-ns/c']);
    expect(api.list().filter((o) => o.metadata.namespace === 'other-ns')).toEqual([]);
  });

  it("never touches another stand's set, even in the same namespace", () => {
    // Every command so far pruned ml-serving's plain set beside the prod stand's: none of the
    // stands' objects or parents was ever deleted, so each is still the object first created.
    const stands = (o: KubeObject): boolean => o.metadata.name === 's' || o.metadata.name.startsWith('modelship-applyset-');
    expect(deletes(api.log).filter((d) => / \S+\/(s|modelship-applyset-\w+)$/.test(d))).toEqual([]);
    expect(api.list().filter(stands).map((o) => `${idOf(o)} ${o.metadata.uid}`))
      .toEqual(standObjects.filter(stands).map((o) => `${idOf(o)} ${o.metadata.uid}`));
  });

  /** The writes a refused command made: kubectl applies its parent Secret before it reads or checks its input. */
  function writes(requests: readonly LoggedApiRequest[]): string[] {
    return requests.filter((q) => q.method !== 'GET').map((q) => `${q.method} ${q.url.split('?')[0]} ${q.status}`);
  }

  it('refuses input that already carries applyset.kubernetes.io/part-of, with no object changed', async () => {
    const file = path.join(work, 'labelled.k8s.yaml');
    const text = fs.readFileSync(path.join(out, 'kubernetes', 'a.k8s.yaml'), 'utf8');
    fs.writeFileSync(file, text.replace(/^( {2}labels:\n)/m, `$1    applyset.kubernetes.io/part-of: ${applySetId('ml-serving')}\n`));
    const before = modelObjects();
    const parent = api.get('Secret', 'ml-serving', 'modelship-applyset')!;
    const r = await kubectl(`KUBECTL_APPLYSET=true kubectl apply -n ml-serving --server-side --force-conflicts --prune --applyset=modelship-applyset -f ${file}`);
    expect([r.code, r.stderr]).toEqual([1, 'error: ApplySet label "applyset.kubernetes.io/part-of" already set in input data\n']);
    // Only the parent was written, to what it was: its group kinds are the union of the old and the new.
    expect(writes(r.requests)).toEqual(['PATCH /api/v1/namespaces/ml-serving/secrets/modelship-applyset 200']);
    const unversioned = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
    expect(unversioned(api.get('Secret', 'ml-serving', 'modelship-applyset')!)).toEqual(unversioned(parent));
    expect(modelObjects()).toEqual(before);
  });

  it('takes back the replicas an autoscaler owned when a switch shrinks that slot (--force-conflicts)', async () => {
    // d: blue-green, autoscaled, a retired slot kept at one pod.
    ok(['init', 'd', '--image', 'registry.example.com/models/d', '--serving-image', 'registry.example.com/apps/api:1.0.0',
      '--strategy', 'blue-green', '--namespace', 'ml-serving', '--max-size-mib', '100', '--max-latency-p95-ms', '50']);
    edit('d', (doc) => {
      doc.setIn(['serving', 'autoscaling'], doc.createNode({ min: 2, max: 5, targetCpuPercent: 70 }));
      doc.setIn(['deploy', 'blueGreen'], doc.createNode({ idleReplicas: 1 }));
    });
    ok(['promote', 'd', await validatedVersion(models, 'd', 'minor', 'd1')]);
    ok(['promote', 'd', await validatedVersion(models, 'd', 'minor', 'd2')]);
    await synthAndApply();
    expect(api.get('Deployment', 'ml-serving', 'd-blue')?.spec).not.toHaveProperty('replicas');
    // The live slot's HPA scaled it to 3: kube-controller-manager owns its .spec.replicas now.
    api.scaleByController('ml-serving', 'd-blue', 3);
    ok(['switch', 'd']);
    const synth = ok(['synth', '--target', 'kubernetes', '--out', out]);
    const apply = synth.split('\n').find((l) => l.startsWith('apply: '))!.replace(/^apply: /, '');
    expect(apply).toContain(' --force-conflicts ');
    // The retired slot now asks for one pod: without forcing, the server refuses the whole object.
    const unforced = await kubectl(apply.replace(' --force-conflicts', ''));
    expect(unforced.code).toBe(1);
    expect(unforced.stderr).toContain('Apply failed with 1 conflict: conflict with "kube-controller-manager" with subresource "scale" using apps/v1: .spec.replicas');
    expect((api.get('Deployment', 'ml-serving', 'd-blue')?.spec as { replicas?: number }).replicas).toBe(3);
    // What synth printed goes through: the slot shrinks and its autoscaler is pruned.
    const forced = await kubectl(apply);
    expect([forced.code, forced.stderr]).toEqual([0, '']);
    expect((api.get('Deployment', 'ml-serving', 'd-blue')?.spec as { replicas?: number }).replicas).toBe(1);
    expect(modelObjects().map(idOf).filter((o) => o.startsWith('HorizontalPodAutoscaler ml-serving/d'))).toEqual(['HorizontalPodAutoscaler ml-serving/d-green']);
  });

  it('rolls back into the shrunk slot as the README says: the slot alone first, then the Services', async () => {
    // d after the switch: green live, blue retired at one pod; back to blue.
    expect(ok(['rollback', 'd'])).toContain('Slot blue runs 1 of its 2 replicas (deploy.blueGreen.idleReplicas)');
    const synth = ok(['synth', '--target', 'kubernetes', '--out', out]);
    const liveSelector = () => (api.get('Service', 'ml-serving', 'd')?.spec as { selector: Record<string, string> }).selector['modelship.io/slot'];
    expect(liveSelector()).toBe('green');
    // The README's first step, verbatim but for the paths: only the slot's own objects are written.
    const first = await kubectl(`kubectl apply -n ml-serving --server-side --force-conflicts -l modelship.io/slot=blue -f ${out}/kubernetes/d.k8s.yaml`);
    expect([first.code, first.stderr]).toEqual([0, '']);
    expect(first.requests.filter((q) => q.method !== 'GET').map((q) => `${q.method} ${q.url.split('?')[0]}`).sort()).toEqual([
      'PATCH /apis/apps/v1/namespaces/ml-serving/deployments/d-blue',
      'PATCH /apis/autoscaling/v2/namespaces/ml-serving/horizontalpodautoscalers/d-blue',
    ]);
    // The slot is autoscaled again (no replicas of its own to fight the HPA); the live traffic has not moved.
    expect(api.get('HorizontalPodAutoscaler', 'ml-serving', 'd-blue')).toBeDefined();
    expect(liveSelector()).toBe('green');
    // Then what synth printed: the Services move.
    const apply = synth.split('\n').find((l) => l.startsWith('apply: '))!.replace(/^apply: /, '');
    const second = await kubectl(apply);
    expect([second.code, second.stderr]).toEqual([0, '']);
    expect(liveSelector()).toBe('blue');
  });

  it('refuses -n with a file of another namespace, with no object applied (but an empty parent made there)', async () => {
    const before = modelObjects();
    const r = await kubectl(`KUBECTL_APPLYSET=true kubectl apply -n ml-dev --server-side --force-conflicts --prune --applyset=modelship-applyset -f ${out}/kubernetes/a.k8s.yaml`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the namespace from the provided object "ml-serving" does not match the namespace "ml-dev". You must pass \'--namespace=ml-serving\' to perform this operation.');
    expect(modelObjects()).toEqual(before);
    // kubectl makes the parent of the set it was told to use before it looks at the objects.
    expect(writes(r.requests)).toEqual(['PATCH /api/v1/namespaces/ml-dev/secrets/modelship-applyset 201']);
    expect(api.get('Secret', 'ml-dev', 'modelship-applyset')?.metadata.annotations?.['applyset.kubernetes.io/contains-group-kinds']).toBe('');
  });
});
