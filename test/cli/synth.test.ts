import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, EXAMPLE_MODELS, exampleModelsDir, initModel, ROOT, smallArtifact, snapshotDir, snapshotTree, tempDir } from '../helpers/cli';
import { applySetId } from '../../src/kubernetes/apply-set';
import { parseManifest, validateAll } from '../helpers/kube';
import { expectNomadValid } from '../helpers/nomad-validate';
import { traceConnects } from '../helpers/outbound';

describe('synth', () => {
  it('writes both targets for every model and prints what it wrote', async () => {
    const out = tempDir();
    const r = await cli(['synth', '--out', out, '--models-dir', exampleModelsDir()]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      `wrote ${out}/kubernetes/fraud-detector.k8s.yaml`, `wrote ${out}/kubernetes/taxi-fare.k8s.yaml`,
      `wrote ${out}/nomad/fraud-detector-candidate.nomad.hcl`, `wrote ${out}/nomad/fraud-detector-candidate.nomad.json`,
      `wrote ${out}/nomad/fraud-detector.nomad.hcl`, `wrote ${out}/nomad/fraud-detector.nomad.json`,
      `wrote ${out}/nomad/taxi-fare-candidate.nomad.hcl`, `wrote ${out}/nomad/taxi-fare-candidate.nomad.json`,
      `wrote ${out}/nomad/taxi-fare.nomad.hcl`, `wrote ${out}/nomad/taxi-fare.nomad.json`,
      `apply: KUBECTL_APPLYSET=true kubectl apply -n ml-serving --server-side --force-conflicts --prune --applyset=modelship-applyset -f ${out}/kubernetes/`,
    ]);
    expect(r.stderr).toBe('');
    expect(fs.readdirSync(path.join(out, 'kubernetes'))).toEqual(['fraud-detector.k8s.yaml', 'taxi-fare.k8s.yaml']);
  });

  it('a candidate without a digest or over its size gate: synth says why on stderr, writes the rest, exit 0', async () => {
    const out = tempDir();
    const dir = exampleModelsDir();
    const file = path.join(dir, 'fraud-detector.yaml');
    // 1.3.0-rc.0 is measured at 1325.6 MiB; a tighter gate leaves no candidate to run.
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('maxSizeMiB: 2048', 'maxSizeMiB: 1310'));
    expect((await cli(['bump', 'taxi-fare', 'minor', '--models-dir', dir])).code).toBe(0);
    const r = await cli(['synth', '--out', out, '--models-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([
      'modelship: fraud-detector 1.3.0-rc.0 is not deployed as the candidate: size 1325.6 MiB exceeds maxSizeMiB 1310 by 15.6 MiB (1.2%)',
      'modelship: taxi-fare 1.2.0 is not deployed as the candidate: it has no digest for the init task to verify (run modelship measure --artifact)',
    ]);
    expect(fs.readdirSync(path.join(out, 'nomad')).sort()).toEqual(['fraud-detector.nomad.hcl', 'fraud-detector.nomad.json', 'taxi-fare-candidate.nomad.hcl', 'taxi-fare-candidate.nomad.json', 'taxi-fare.nomad.hcl', 'taxi-fare.nomad.json']);
    // taxi-fare's older validated 1.2.0-rc.1 still runs as its candidate.
    expect(fs.readFileSync(path.join(out, 'nomad', 'taxi-fare-candidate.nomad.hcl'), 'utf8')).toMatch(/modelship_version +.*= "1\.2\.0-rc\.1"/);
    expect(fs.readFileSync(path.join(out, 'kubernetes', 'fraud-detector.k8s.yaml'), 'utf8')).not.toContain('fraud-detector-candidate');
  });

  it('--target kubernetes writes only manifests, and removes those of models that are gone', async () => {
    const out = tempDir();
    const dir = exampleModelsDir();
    fs.mkdirSync(path.join(out, 'kubernetes'), { recursive: true });
    fs.writeFileSync(path.join(out, 'kubernetes', 'old-model.k8s.yaml'), 'stale');
    fs.writeFileSync(path.join(out, 'kubernetes', 'README'), 'not ours');
    expect((await cli(['synth', '--target', 'kubernetes', '--out', out, '--models-dir', dir])).code).toBe(0);
    expect(fs.readdirSync(out)).toEqual(['kubernetes']);
    expect(fs.readdirSync(path.join(out, 'kubernetes')).sort()).toEqual(['README', 'fraud-detector.k8s.yaml', 'taxi-fare.k8s.yaml']);
  });

  it('synth NAME writes only that model and leaves the others\' files alone; an unknown name is exit 2', async () => {
    const out = tempDir();
    const dir = exampleModelsDir();
    expect((await cli(['synth', '--out', out, '--models-dir', dir])).code).toBe(0);
    const before = snapshotDir(path.join(out, 'kubernetes'));
    fs.rmSync(path.join(out, 'kubernetes', 'taxi-fare.k8s.yaml'));
    const r = await cli(['synth', 'taxi-fare', '--target', 'kubernetes', '--out', out, '--models-dir', dir]);
    expect(r.code).toBe(0);
    // The apply still covers the whole folder: applied alone with --prune, one file would prune the others.
    expect(r.stdout).toBe(`wrote ${out}/kubernetes/taxi-fare.k8s.yaml\n` +
      `apply: KUBECTL_APPLYSET=true kubectl apply -n ml-serving --server-side --force-conflicts --prune --applyset=modelship-applyset -f ${out}/kubernetes/\n`);
    expect(snapshotDir(path.join(out, 'kubernetes'))).toEqual(before);
    const unknown = await cli(['synth', 'no-such-model', '--out', out, '--models-dir', dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^modelship: unknown model "no-such-model": .*no-such-model\.yaml does not exist/);
  });

  it('prints what it removed, and writes no file (not an empty one) for a model with nothing deployable', async () => {
    const out = tempDir();
    const dir = exampleModelsDir();
    expect((await cli(['synth', '--out', out, '--models-dir', dir])).code).toBe(0);
    fs.rmSync(path.join(dir, 'taxi-fare.yaml'));
    fs.rmSync(path.join(dir, 'taxi-fare.history.jsonl'), { force: true });
    await initModel(dir, 'fresh-model', 'rolling');
    // A candidate without a digest cannot run even as the candidate.
    expect((await cli(['bump', 'fresh-model', 'minor', '--models-dir', dir])).code).toBe(0);
    const r = await cli(['synth', '--out', out, '--models-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('removed'))).toEqual([
      `removed ${out}/kubernetes/taxi-fare.k8s.yaml`,
      `removed ${out}/nomad/taxi-fare-candidate.nomad.hcl`, `removed ${out}/nomad/taxi-fare-candidate.nomad.json`,
      `removed ${out}/nomad/taxi-fare.nomad.hcl`, `removed ${out}/nomad/taxi-fare.nomad.json`,
    ]);
    // fresh-model has only a candidate: nothing to deploy, so no file on either target.
    expect(fs.readdirSync(path.join(out, 'kubernetes'))).toEqual(['fraud-detector.k8s.yaml']);
    expect(r.stderr).toBe('modelship: fresh-model 0.1.0 is not deployed as the candidate: it has no digest for the init task to verify (run modelship measure --artifact)\n');
    expect(fs.readdirSync(path.join(out, 'nomad')).filter((f) => f.startsWith('fresh-model'))).toEqual([]);
  });

  it('each manifest names its ApplySet and namespace; synth prints the apply that prunes what it stopped writing', async () => {
    const out = tempDir();
    const dir = exampleModelsDir();
    const r = await cli(['synth', '--target', 'kubernetes', '--out', out, '--models-dir', dir]);
    expect(r.code).toBe(0);
    const text = fs.readFileSync(path.join(out, 'kubernetes', 'taxi-fare.k8s.yaml'), 'utf8');
    expect(text.split('\n').slice(0, 3)).toEqual([
      '# Generated by modelship from models/taxi-fare.yaml; edit the record, not this file.',
      "# ApplySet: modelship-applyset, namespace ml-serving. Apply it with all of this folder's manifests",
      "# of that namespace in one `kubectl apply --prune --applyset` (modelship synth prints it); alone, it prunes the others.",
    ]);
    // kubectl refuses input that already carries the ApplySet label: it sets it itself.
    for (const o of parseManifest(text)) expect(Object.keys(o.metadata.labels).filter((k) => k.startsWith('applyset.kubernetes.io/'))).toEqual([]);
    const apply = `apply: KUBECTL_APPLYSET=true kubectl apply -n ml-serving --server-side --force-conflicts --prune --applyset=modelship-applyset -f ${out}/kubernetes/`;
    expect(r.stdout.split('\n').filter((l) => /^(apply|delete): /.test(l))).toEqual([apply]);
    // A removed model: its file goes, and the same apply of the folder prunes its objects.
    fs.rmSync(path.join(dir, 'taxi-fare.yaml'));
    const again = await cli(['synth', '--target', 'kubernetes', '--out', out, '--models-dir', dir]);
    expect(again.stdout.split('\n').filter((l) => /^(removed|apply|delete)/.test(l))).toEqual([`removed ${out}/kubernetes/taxi-fare.k8s.yaml`, apply]);
    // The last model of the namespace: nothing left to apply, so the set is deleted by its label.
    fs.rmSync(path.join(dir, 'fraud-detector.yaml'));
    const last = await cli(['synth', '--target', 'kubernetes', '--out', out, '--models-dir', dir]);
    expect(last.stdout.split('\n').filter((l) => /^(apply|delete)/.test(l))).toEqual([
      `delete: kubectl delete -n ml-serving deployments,services,poddisruptionbudgets,horizontalpodautoscalers,cronjobs -l applyset.kubernetes.io/part-of=${applySetId('ml-serving')} && kubectl delete -n ml-serving secret modelship-applyset`,
    ]);
    // Nomad only: no kubectl lines.
    expect((await cli(['synth', '--target', 'nomad', '--out', out, '--models-dir', exampleModelsDir()])).stdout).not.toMatch(/^(apply|delete):/m);
  });

  it('--stdout prints a YAML stream for kubectl, or one Nomad job, and writes nothing', async () => {
    const out = path.join(tempDir(), 'dist');
    const dir = exampleModelsDir();
    const k = await cli(['synth', '--stdout', '--target', 'kubernetes', '--out', out, '--models-dir', dir]);
    expect(k.code).toBe(0);
    const objects = parseManifest(k.stdout);
    validateAll(objects);
    expect(new Set(objects.map((o) => o.metadata.labels['app.kubernetes.io/name']))).toEqual(new Set(['fraud-detector', 'taxi-fare']));
    const n = await cli(['synth', 'taxi-fare', '--stdout', '--target', 'nomad', '--models-dir', dir]);
    expect(n.code).toBe(0);
    expect(n.stdout).toMatch(/^# Generated by modelship[^\n]*\njob "taxi-fare" \{/);
    expectNomadValid({ 'taxi-fare.nomad.hcl': n.stdout });
    expect(fs.existsSync(out)).toBe(false);
    const both = await cli(['synth', '--stdout', '--models-dir', dir]);
    expect([both.code, both.stderr]).toEqual([2, 'modelship: --stdout: choose --target kubernetes (a YAML stream) or --target nomad (one job\'s HCL)\n']);
    const many = await cli(['synth', '--stdout', '--target', 'nomad', '--models-dir', dir]);
    expect([many.code, many.stderr]).toEqual([2, 'modelship: --stdout --target nomad prints one job; name one model (2 have jobs)\n']);
    // The model's own job, not its candidate's: that one is a file of plain synth.
    expect(n.stdout).not.toMatch(/job "taxi-fare-candidate"/);
  });

  it('--stdout with stands shows one stand: nothing live in the last one says where to look', async () => {
    const dir = path.join(tempDir(), 'models');
    fs.mkdirSync(dir);
    // Live in dev only: the last stand (prod) has nothing deployable yet.
    fs.writeFileSync(path.join(dir, 'sd.yaml'), fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'synth-shapes', 'stands.yaml'), 'utf8')
      .replace(/^name: .*$/m, 'name: sd').replace('{ version: 1.0.0, stage: production', '{ version: 1.0.0, stage: validated')
      .replace(/^slots: .*$/m, 'slots: { active: blue, blue: null, green: null }'));
    const last = await cli(['synth', '--stdout', '--target', 'nomad', '--models-dir', dir]);
    expect([last.code, last.stderr]).toEqual([2, 'modelship: --stdout --target nomad prints one job; no model has anything deployable in its last stand (name another with --stand)\n']);
    const dev = await cli(['synth', '--stdout', '--target', 'nomad', '--stand', 'dev', '--models-dir', dir]);
    expect(dev.code).toBe(0);
    expect(dev.stdout).toMatch(/^# Generated by modelship[^\n]*\njob "sd" \{/);
  });

  it('a version outside its gates holds that model: its files stay as they were, the others are written, exit 1 with the reason', async () => {
    const out = tempDir();
    const dir = exampleModelsDir();
    expect((await cli(['synth', '--out', out, '--models-dir', dir])).code).toBe(0);
    const held = (d: Record<string, string>) => Object.fromEntries(Object.entries(d).filter(([f]) => f.startsWith('taxi-fare')));
    const before = { k: held(snapshotDir(path.join(out, 'kubernetes'))), n: held(snapshotDir(path.join(out, 'nomad'))) };
    expect(Object.keys(before.n).length).toBeGreaterThan(0);
    // Gates tightened by hand after the production version passed them; another model changes meanwhile.
    const file = path.join(dir, 'taxi-fare.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('maxLatencyP95Ms: 50', 'maxLatencyP95Ms: 20'));
    const other = path.join(dir, 'fraud-detector.yaml');
    fs.writeFileSync(other, fs.readFileSync(other, 'utf8').replace('replicas: 4', 'replicas: 5'));
    const r = await cli(['synth', '--out', out, '--models-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^modelship: synth refused: taxi-fare 1\.1\.0 cannot be deployed as production: p95 latency \(declared\) 31\.5 ms exceeds maxLatencyP95Ms 20 by 11\.5 ms.*; held: its files are left as they were, in every folder\n$/);
    expect({ k: held(snapshotDir(path.join(out, 'kubernetes'))), n: held(snapshotDir(path.join(out, 'nomad'))) }).toEqual(before);
    expect(r.stdout).toContain(`wrote ${path.join(out, 'kubernetes', 'fraud-detector.k8s.yaml')}\n`);
    expect(fs.readFileSync(path.join(out, 'kubernetes', 'fraud-detector.k8s.yaml'), 'utf8')).toContain('replicas: 5');
    // Nothing of the held model is removed or stopped; the folder's apply re-applies its files as they were.
    expect(r.stdout).not.toMatch(/taxi-fare/);
    expect(r.stdout).toContain(`apply: KUBECTL_APPLYSET=true kubectl apply -n ml-serving --server-side --force-conflicts --prune --applyset=modelship-applyset -f ${path.join(out, 'kubernetes')}/\n`);
  });

  it('volumes are sized from the size measure --artifact measured, on both targets', async () => {
    const dir = path.join(tempDir(), 'models');
    await initModel(dir, 'taxi', 'rolling');
    const file = path.join(dir, 'taxi.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('maxSizeMiB: 100', 'maxSizeMiB: 1024'));
    expect((await cli(['bump', 'taxi', 'major', '--models-dir', dir])).code).toBe(0);
    const art = smallArtifact('sized');
    fs.truncateSync(path.join(art, 'weights.bin'), 300 * 1024 * 1024); // sparse: 300 MiB + the 5-byte SEED file
    expect((await cli(['measure', 'taxi', '1.0.0', '--artifact', art, '--models-dir', dir])).code).toBe(0);
    const out = tempDir();
    expect((await cli(['synth', '--out', out, '--models-dir', dir])).code).toBe(0);
    // ceil(300 MiB * 1.1) + 64 MiB of headroom, from the bytes hashed.
    const manifest = parseManifest(fs.readFileSync(path.join(out, 'kubernetes', 'taxi.k8s.yaml'), 'utf8'));
    const d = manifest.find((o) => o.kind === 'Deployment' && o.metadata.name === 'taxi-candidate');
    expect(d.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'model').emptyDir.sizeLimit).toBe('395Mi');
    expect(d.metadata.annotations['modelship.io/size-bytes']).toBe(String(300 * 1024 * 1024 + 5));
    const job = JSON.parse(fs.readFileSync(path.join(out, 'nomad', 'taxi-candidate.nomad.json'), 'utf8')).Job;
    expect(job.TaskGroups[0].EphemeralDisk.SizeMB).toBe(395);
  });

  it('a declared figure is refused for production unless the record opts in; with no earlier files to keep, nothing is written', async () => {
    const out = tempDir();
    const dir = exampleModelsDir();
    const file = path.join(dir, 'taxi-fare.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('acceptDeclared: true', 'acceptDeclared: false'));
    const r = await cli(['synth', '--out', out, '--models-dir', dir]);
    expect(r.code).toBe(1);
    // A fresh checkout: held alone, the folder's apply --prune would delete the model's running objects.
    expect(r.stderr).toBe('modelship: synth refused: taxi-fare 1.1.0 cannot be deployed as production: production takes measured figures only, and the latency is declared (set gates.acceptDeclared: true to allow it)'
      + ` (not held alone: ${path.join(out, 'kubernetes', 'taxi-fare.k8s.yaml')} is not there to keep, and the folder's apply --prune would delete the model's running objects)\n`);
    expect(r.stdout).toBe('');
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('a model named like a held model\'s objects or jobs: not held alone, nothing written', async () => {
    const out = tempDir();
    const dir = exampleModelsDir();
    expect((await cli(['synth', '--out', out, '--models-dir', dir])).code).toBe(0);
    const before = snapshotTree(out);
    const file = path.join(dir, 'taxi-fare.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('maxLatencyP95Ms: 50', 'maxLatencyP95Ms: 20'));
    // Its candidate job's name: held alone, its files would be this model's to remove and stop.
    fs.writeFileSync(path.join(dir, 'taxi-fare-candidate.yaml'), fs.readFileSync(file, 'utf8').replace('name: taxi-fare', 'name: taxi-fare-candidate').replace(/\nversions:[\s\S]*$/, '\n'));
    const r = await cli(['synth', '--out', out, '--models-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^modelship: synth refused: taxi-fare 1\.1\.0 cannot be deployed as production: .* \(not held alone: model taxi-fare-candidate is named like one of its objects or jobs\)\n$/);
    expect(snapshotTree(out)).toEqual(before);
  });

  it('a model held in one folder keeps its files in every folder; held where it has none to keep, nothing is written', async () => {
    const out = tempDir();
    const dir = exampleModelsDir();
    const file = path.join(dir, 'taxi-fare.yaml');
    const staged = (stands: string) => fs.readFileSync(file, 'utf8').replace('\nversions:', `\nstands:\n${stands}versions:`);
    const staging = '  - { name: staging, kubernetes: { namespace: ml-staging }, nomad: { namespace: staging } }\n';
    fs.writeFileSync(file, staged(`${staging}  - { name: production }\n`));
    expect((await cli(['synth', '--out', out, '--models-dir', dir])).code).toBe(0);
    const before = snapshotTree(out);
    expect(Object.keys(before)).toContain('staging/kubernetes/taxi-fare.k8s.yaml');
    // The staging stand dropped and the gates tightened: held in production, whose files it has;
    // the staging folder, a former stand's, keeps them too (no remove, no delete, no stop).
    const tightened = (text: string) => text.replace('maxLatencyP95Ms: 50', 'maxLatencyP95Ms: 20');
    fs.writeFileSync(file, tightened(fs.readFileSync(file, 'utf8').replace(staging, '')));
    const r = await cli(['synth', '--out', out, '--models-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^modelship: synth refused: stand production: taxi-fare 1\.1\.0 cannot be deployed as production: .*; held: its files are left as they were/);
    expect(r.stdout).not.toMatch(/^(removed|delete|stop).*(taxi-fare|ml-staging)/m);
    expect(r.stdout).toMatch(/^apply: .* -n ml-staging .*staging\/kubernetes\/$/m);
    const after = snapshotTree(out);
    for (const f of Object.keys(before).filter((k) => k.includes('taxi-fare'))) expect([f, after[f]]).toEqual([f, before[f]]);
    // A new stand it is held in has no files of it to keep: refused whole, nothing changes.
    fs.writeFileSync(file, tightened(staged('  - { name: canary, kubernetes: { namespace: ml-canary }, nomad: { namespace: canary } }\n  - { name: prod2 }\n')
      .replace(/\nstands:\n  - \{ name: production \}\n/, '\n')));
    const whole = snapshotTree(out);
    const refused = await cli(['synth', '--out', out, '--models-dir', dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^modelship: synth refused: stand prod2: taxi-fare .* \(not held alone: .*\/kubernetes\/taxi-fare\.k8s\.yaml is not there to keep/);
    expect(refused.stdout).toBe('');
    expect(snapshotTree(out)).toEqual(whole);
  });

  it('a model held in one stand is held in all: its other stands are not half-updated', async () => {
    const dir = path.join(tempDir(), 'models');
    fs.mkdirSync(dir, { recursive: true });
    const fixture = path.join(ROOT, 'test', 'fixtures', 'synth-shapes', 'stands.yaml');
    fs.copyFileSync(fixture, path.join(dir, 'stands.yaml'));
    fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'synth-shapes', 'rolling.yaml'), path.join(dir, 'rolling.yaml'));
    const out = tempDir();
    expect((await cli(['synth', '--out', out, '--models-dir', dir])).code).toBe(0);
    const before = snapshotTree(out);
    // prod runs 1.0.0 (p95 20 ms), dev 1.1.0 (18 ms): a 19 ms gate holds prod only; dev's env changes too.
    fs.writeFileSync(path.join(dir, 'stands.yaml'), fs.readFileSync(fixture, 'utf8').replace('maxLatencyP95Ms: 50', 'maxLatencyP95Ms: 19').replace('LOG_LEVEL: info', 'LOG_LEVEL: debug'));
    fs.writeFileSync(path.join(dir, 'rolling.yaml'), fs.readFileSync(path.join(dir, 'rolling.yaml'), 'utf8').replace('replicas: 2', 'replicas: 4'));
    const r = await cli(['synth', '--out', out, '--models-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^modelship: synth refused: stand prod: stands 1\.0\.0 cannot be deployed as production: .*; held: its files are left as they were/);
    const after = snapshotTree(out);
    const of = (tree: Record<string, string>, model: string) => Object.fromEntries(Object.entries(tree).filter(([f]) => path.basename(f).startsWith(`${model}.`) || path.basename(f).startsWith(`${model}-`)));
    expect(Object.keys(of(before, 'stands')).some((f) => f.startsWith('dev/'))).toBe(true);
    expect(of(after, 'stands')).toEqual(of(before, 'stands'));
    expect(of(after, 'rolling')).not.toEqual(of(before, 'rolling'));
  });

  it('a removed model named like a held model\'s candidate job is still removed and stopped', async () => {
    const dir = exampleModelsDir();
    const out = tempDir();
    // taxi-fare-candidate, a model of its own in another namespace (taxi-fare runs no candidate job then).
    const file = path.join(dir, 'taxi-fare.yaml');
    const other = path.join(dir, 'taxi-fare-candidate.yaml');
    fs.writeFileSync(other, fs.readFileSync(path.join(dir, 'fraud-detector.yaml'), 'utf8').replace(/^name: .*$/m, 'name: taxi-fare-candidate').replace(/namespace: ml-serving/g, 'namespace: other'));
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\n  - version: 1\.2\.0-rc\.1[\s\S]*?(?=\n  - version|\n[a-z]|$)/, ''));
    const first = await cli(['synth', '--out', out, '--models-dir', dir]);
    expect(first.code).toBe(0);
    expect(fs.existsSync(path.join(out, 'nomad', 'taxi-fare-candidate.nomad.hcl'))).toBe(true);
    fs.rmSync(other);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('maxLatencyP95Ms: 50', 'maxLatencyP95Ms: 20'));
    const r = await cli(['synth', '--out', out, '--models-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`removed ${path.join(out, 'nomad', 'taxi-fare-candidate.nomad.hcl')}\n`);
    expect(r.stdout).toMatch(/^stop: .*-namespace default taxi-fare-candidate /m);
    expect(fs.existsSync(path.join(out, 'nomad', 'taxi-fare.nomad.hcl'))).toBe(true);
  });

  it('a broken record stops synth with exit 2 naming file and field; nothing is written', async () => {
    const out = path.join(tempDir(), 'dist');
    const dir = exampleModelsDir();
    const file = path.join(dir, 'fraud-detector.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('port: 9000', 'port: 0'));
    const r = await cli(['synth', '--out', out, '--models-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`modelship: ${file}: serving.port: must be 1..65535, not 0\n`);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('`cdk8s synth` (cdk8s-cli, from cdk8s.yaml) writes the same manifests as modelship synth', async () => {
    const out = tempDir();
    // --no-check-upgrade: otherwise cdk8s-cli asks registry.npmjs.org for its latest version on every run.
    const { run: r, outbound } = traceConnects(path.join(ROOT, 'node_modules/.bin/cdk8s'), ['synth', '--no-check-upgrade', '--output', out], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(outbound).toEqual([]);
    const mine = tempDir();
    expect((await cli(['synth', '--target', 'kubernetes', '--out', mine, '--models-dir', path.join(ROOT, 'models')])).code).toBe(0);
    for (const f of ['fraud-detector.k8s.yaml', 'taxi-fare.k8s.yaml']) {
      const text = fs.readFileSync(path.join(out, f), 'utf8');
      expect(text).toBe(fs.readFileSync(path.join(mine, 'kubernetes', f), 'utf8'));
      validateAll(parseManifest(text));
    }
  });

  it('`cdktf synth` (cdktf-cli, from cdktf.json) works offline and writes one nomad_job per model and per candidate', () => {
    const out = tempDir();
    // CHECKPOINT_DISABLE: otherwise cdktf-cli reports to HashiCorp's checkpoint service (DNS lookups on every run).
    const { run: r, outbound } = traceConnects(path.join(ROOT, 'node_modules/.bin/cdktf'), ['synth', '--output', out], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1', NOMAD_ADDR: 'http://nomad.internal:4646' },
    });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    expect(outbound).toEqual([]);
    const tf = JSON.parse(fs.readFileSync(path.join(out, 'stacks', 'modelship-nomad', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(tf.resource.nomad_job).sort()).toEqual(['fraud-detector', 'fraud-detector-candidate', 'taxi-fare', 'taxi-fare-candidate']);
    expect(tf.provider.nomad).toHaveLength(1);
    // stacks/main.ts reads NOMAD_ADDR.
    expect(tf.provider.nomad[0].address).toBe('http://nomad.internal:4646');
  });

  it("removes the temp files a killed synth left (their process gone, ten minutes old), and no one else's", async () => {
    const out = path.join(tempDir(), 'out');
    expect((await cli(['synth', '--out', out, '--models-dir', EXAMPLE_MODELS])).code).toBe(0);
    const dead = spawnSync('true').pid as number;
    const dir = path.join(out, 'kubernetes');
    const orphan = path.join(dir, `.taxi-fare.k8s.yaml.tmp-${dead}-${'a'.repeat(12)}`);
    const live = path.join(out, 'nomad', `.taxi-fare.nomad.hcl.tmp-${process.ppid}-${'b'.repeat(12)}`);
    const mine = path.join(dir, '.notes');
    // A dead pid alone is not enough: a synth in another PID namespace looks dead from here; one writing now is young.
    const young = path.join(dir, `.fraud-detector.k8s.yaml.tmp-${dead}-${'c'.repeat(12)}`);
    for (const f of [orphan, live, mine, young]) fs.writeFileSync(f, 'x');
    const old = new Date(Date.now() - 11 * 60_000);
    for (const f of [orphan, live, mine]) fs.utimesSync(f, old, old);
    expect((await cli(['synth', '--out', out, '--models-dir', EXAMPLE_MODELS])).code).toBe(0);
    expect([fs.existsSync(orphan), fs.existsSync(live), fs.existsSync(mine), fs.existsSync(young)]).toEqual([false, true, true, true]);
  });
});

describe('synth: Nomad jobs synth stops writing', () => {
  const stops = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('stop: '));

  it('prints a stop for each job whose files it removed or moved to another namespace, in the job\'s own namespace', async () => {
    const out = tempDir();
    const dir = exampleModelsDir();
    const run = async () => {
      const r = await cli(['synth', '--target', 'nomad', '--out', out, '--models-dir', dir]);
      expect([r.code, r.stderr]).toEqual([0, expect.any(String)]);
      return stops(r.stdout);
    };
    expect(await run()).toEqual([]);
    // A gate the candidate no longer fits: its job goes.
    const fraud = path.join(dir, 'fraud-detector.yaml');
    fs.writeFileSync(fraud, fs.readFileSync(fraud, 'utf8').replace('maxSizeMiB: 2048', 'maxSizeMiB: 1310'));
    expect(await run()).toEqual(['stop: nomad job status -namespace default fraud-detector-candidate >/dev/null 2>&1 && nomad job stop -namespace default fraud-detector-candidate </dev/null']);
    expect(await run()).toEqual([]);
    // taxi-fare moves to namespace ml (and a region): both of its jobs are stopped where they ran.
    const taxi = path.join(dir, 'taxi-fare.yaml');
    fs.writeFileSync(taxi, fs.readFileSync(taxi, 'utf8').replace('  nomad:\n    datacenters:', '  nomad:\n    namespace: ml\n    region: eu\n    datacenters:'));
    expect(await run()).toEqual(['stop: nomad job status -namespace default taxi-fare >/dev/null 2>&1 && nomad job stop -namespace default taxi-fare </dev/null', 'stop: nomad job status -namespace default taxi-fare-candidate >/dev/null 2>&1 && nomad job stop -namespace default taxi-fare-candidate </dev/null']);
    // The record goes: every job of the model, in its namespace and region.
    fs.rmSync(taxi);
    fs.rmSync(path.join(dir, 'taxi-fare.history.jsonl'));
    expect(await run()).toEqual(['stop: nomad job status -region eu -namespace ml taxi-fare >/dev/null 2>&1 && nomad job stop -region eu -namespace ml taxi-fare </dev/null', 'stop: nomad job status -region eu -namespace ml taxi-fare-candidate >/dev/null 2>&1 && nomad job stop -region eu -namespace ml taxi-fare-candidate </dev/null']);
    expect(fs.readdirSync(path.join(out, 'nomad')).sort()).toEqual(['fraud-detector.nomad.hcl', 'fraud-detector.nomad.json']);
  });

  it('files of an earlier modelship without a namespace: no stop (the job has not moved), a note on where it ran', async () => {
    const out = tempDir();
    const dir = exampleModelsDir();
    expect((await cli(['synth', '--target', 'nomad', '--out', out, '--models-dir', dir])).code).toBe(0);
    // What modelship wrote before every job named its namespace.
    const old = path.join(out, 'nomad', 'taxi-fare.nomad.json');
    fs.writeFileSync(old, fs.readFileSync(old, 'utf8').replace('    "Namespace": "default",\n', ''));
    expect(fs.readFileSync(old, 'utf8')).not.toContain('Namespace');
    const r = await cli(['synth', '--target', 'nomad', '--out', out, '--models-dir', dir]);
    expect(r.code).toBe(0);
    expect(stops(r.stdout)).toEqual([]);
    expect(r.stderr).toContain(`modelship: ${old} named no Nomad namespace, so job taxi-fare ran in the $NOMAD_NAMESPACE of whoever ran it; it now says "default"`);
  });

  it('synth NAME removes the model\'s retraining job when its block goes, and stops it; a model named <x>-retrain keeps its files', async () => {
    const out = tempDir();
    const dir = exampleModelsDir();
    const taxi = path.join(dir, 'taxi-fare.yaml');
    const text = fs.readFileSync(taxi, 'utf8');
    fs.writeFileSync(taxi, `${text}retraining: { schedule: "0 3 * * 1", image: registry.example.com/train/taxi:1.0.0 }\n`);
    expect((await cli(['synth', '--target', 'nomad', '--out', out, '--models-dir', dir])).code).toBe(0);
    expect(fs.existsSync(path.join(out, 'nomad', 'taxi-fare-retrain.nomad.hcl'))).toBe(true);
    fs.writeFileSync(taxi, text);
    const r = await cli(['synth', 'taxi-fare', '--target', 'nomad', '--out', out, '--models-dir', dir]);
    expect(stops(r.stdout)).toEqual(['stop: nomad job status -namespace default taxi-fare-retrain >/dev/null 2>&1 && nomad job stop -namespace default taxi-fare-retrain </dev/null']);
    expect(fs.existsSync(path.join(out, 'nomad', 'taxi-fare-retrain.nomad.hcl'))).toBe(false);
    // A model whose own name ends in -retrain is not the retraining job of another.
    fs.copyFileSync(taxi, path.join(dir, 'fraud-detector-retrain.yaml'));
    fs.writeFileSync(path.join(dir, 'fraud-detector-retrain.yaml'), fs.readFileSync(taxi, 'utf8').replace(/^name: taxi-fare$/m, 'name: fraud-detector-retrain'));
    expect((await cli(['synth', '--target', 'nomad', '--out', out, '--models-dir', dir])).code).toBe(0);
    const again = await cli(['synth', 'fraud-detector', '--target', 'nomad', '--out', out, '--models-dir', dir]);
    expect([again.code, stops(again.stdout)]).toEqual([0, []]);
    expect(fs.existsSync(path.join(out, 'nomad', 'fraud-detector-retrain.nomad.hcl'))).toBe(true);
  });
});
