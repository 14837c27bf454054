import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { acceptDeclared, cli, cliProcessAsync, smallArtifact, snapshotDir, tempDir } from '../helpers/cli';
import { expectNomadValid } from '../helpers/nomad-validate';
import { StandInRegistry } from '../helpers/stand-in-registry';

/**
 * measure --image, promote and prune as a user runs them (the built CLI in
 * its own process), against a stand-in registry that asks for a token.
 */
let registry: StandInRegistry;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  registry = await new StandInRegistry({ auth: 'token' }).start();
  dir = path.join(tempDir(), 'models');
  const dockerConfig = tempDir('docker-');
  fs.writeFileSync(path.join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from('ci:secret').toString('base64') } } }));
  env = { DOCKER_CONFIG: dockerConfig, NO_COLOR: '1' };
});
afterEach(() => registry.stop());

const run = async (...args: string[]) => await cli([...args, '--models-dir', dir], { env });
const versionsOf = () => parse(fs.readFileSync(path.join(dir, 'demo.yaml'), 'utf8')).versions as { version: string; stage: string; image?: string }[];
const entry = (v: string) => versionsOf().find((e) => e.version === v);

async function initDemo(strategy = 'rolling'): Promise<void> {
  const r = await run('init', 'demo', '--image', `${registry.host}/models/demo`, '--candidate-image', `${registry.host}/models-rc/demo`,
    '--serving-image', 'registry.example.com/apps/api:1.0.0', '--strategy', strategy, '--max-size-mib', '100', '--max-latency-p95-ms', '50');
  expect(r.stderr).toBe('');
}

/** bump, push the candidate, measure --image, validate: the version, pinned. */
async function candidate(release: string, layers: string[], validate = true): Promise<{ version: string; digest: string }> {
  acceptDeclared(dir, 'demo');
  const version = (await run('bump', 'demo', release)).stdout.trim();
  expect((await run('measure', 'demo', version, '--artifact', smallArtifact(`${release} ${layers.join()}`))).code).toBe(0);
  const { digest } = registry.pushImage('models-rc/demo', version, layers);
  const m = await run('measure', 'demo', version, '--image');
  expect(m.stderr).toBe('');
  expect(m.stdout).toBe(`demo ${version}: ${registry.host}/models-rc/demo:${version}@${digest}\n`);
  if (validate) expect((await run('validate', 'demo', version, '--declared-latency-p95-ms', '10')).code).toBe(0);
  return { version, digest };
}

describe('init --candidate-image', () => {
  it('refuses an empty repository (an unset variable) instead of silently keeping one repository', async () => {
    const r = await run('init', 'demo', '--image', `${registry.host}/models/demo`, '--candidate-image', '',
      '--serving-image', 'registry.example.com/apps/api:1.0.0');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^modelship: .*demo\.yaml: artifact\.candidateImage: must be an image repository without a tag, e\.g\. registry\.example\.com\/models-rc\/x, not ""\n$/);
    expect(fs.existsSync(path.join(dir, 'demo.yaml'))).toBe(false);
  });
});

describe('measure --image', () => {
  it('pins the candidate tag to its manifest digest', async () => {
    await initDemo();
    const { version, digest } = await candidate('major', ['weights-1'], false);
    expect(entry(version)?.image).toBe(`${registry.host}/models-rc/demo:${version}@${digest}`);
  });

  it('refuses a tag that is not pushed (exit 2), recording nothing', async () => {
    await initDemo();
    await run('bump', 'demo', 'major');
    const before = snapshotDir(dir);
    const r = await run('measure', 'demo', '1.0.0', '--image');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`modelship: demo 1.0.0: registry ${registry.host}, repository models-rc/demo: no tag 1.0.0 (push ${registry.host}/models-rc/demo:1.0.0 first)\n`);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('refuses to pin a digest the registry claims but cannot serve (exit 2), recording nothing', async () => {
    await initDemo();
    await run('bump', 'demo', 'major');
    const claimed = `sha256:${'e'.repeat(64)}`;
    registry.rawManifests.set('models-rc/demo:1.0.0', { body: '{}', digestHeader: claimed });
    const before = snapshotDir(dir);
    const r = await run('measure', 'demo', '1.0.0', '--image');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`modelship: demo 1.0.0: registry ${registry.host}, repository models-rc/demo: GET manifest ${claimed}: HTTP 404: MANIFEST_UNKNOWN manifest unknown: ${claimed}\n`);
    expect(snapshotDir(dir)).toEqual(before);
  });
});

describe('promote with a candidate repository', () => {
  it('copies by mount, pins the production repository, and synth runs the pinned image on both targets', async () => {
    await initDemo();
    const { version, digest } = await candidate('major', ['weights-1', 'tokenizer']);
    const p = await run('promote', 'demo', version);
    expect(p.stderr).toBe('');
    expect(p.code).toBe(0);
    const pinned = `${registry.host}/models/demo:${version}@${digest}`;
    expect(entry(version)).toMatchObject({ stage: 'production', image: pinned });
    expect(registry.tagOf('models/demo', version)).toBe(digest);
    expect(registry.log.filter((l) => l.method === 'GET' && l.path.includes('/blobs/'))).toEqual([]);
    const history = JSON.parse((await run('history', 'demo', '--json')).stdout) as { action: string; details: Record<string, unknown> }[];
    expect(history.find((e) => e.action === 'promote')?.details).toMatchObject({ copiedFrom: `${registry.host}/models-rc/demo:${version}@${digest}`, image: pinned });

    // A candidate tag pushed again with other bytes changes nothing that runs.
    registry.pushImage('models-rc/demo', version, ['tampered']);
    const out = tempDir('synth-');
    expect((await run('synth', '--out', out)).code).toBe(0);
    const k8s = fs.readFileSync(path.join(out, 'kubernetes', 'demo.k8s.yaml'), 'utf8');
    expect(k8s).toContain(`image: ${pinned}\n`);
    const job = JSON.parse(fs.readFileSync(path.join(out, 'nomad', 'demo.nomad.json'), 'utf8'));
    const tasks = job.Job.TaskGroups.flatMap((g: { Tasks: { Name: string; Config: { image: string } }[] }) => g.Tasks);
    expect(tasks.find((t: { Name: string }) => t.Name === 'model-init').Config.image).toBe(pinned);
    const hcl = fs.readFileSync(path.join(out, 'nomad', 'demo.nomad.hcl'), 'utf8');
    expect(hcl).toContain(`"${pinned}"`);
    expectNomadValid({ 'demo.nomad.hcl': hcl, 'demo.nomad.json': fs.readFileSync(path.join(out, 'nomad', 'demo.nomad.json'), 'utf8') });
  });

  it('refuses a version never pinned (exit 1), touching neither record nor registry', async () => {
    await initDemo();
    acceptDeclared(dir, 'demo');
    await run('bump', 'demo', 'major');
    await run('measure', 'demo', '1.0.0', '--artifact', smallArtifact('never pinned'));
    expect((await run('validate', 'demo', '1.0.0', '--declared-latency-p95-ms', '10')).code).toBe(0);
    const before = snapshotDir(dir);
    const r = await run('promote', 'demo', '1.0.0');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('modelship: demo 1.0.0 has no pinned image to copy to production storage: run `modelship measure demo 1.0.0 --image`\n');
    expect(snapshotDir(dir)).toEqual(before);
    expect(registry.log).toEqual([]);
  });

  it('a failed copy leaves the record unchanged and says what the registry said', async () => {
    await initDemo();
    const { version } = await candidate('major', ['weights-1']);
    const before = snapshotDir(dir);
    registry.options.refuseMounts = true;
    const r = await run('promote', 'demo', version);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^modelship: registry ${registry.host.replace(/\./g, '\\.')}, repository models/demo: mount blob sha256:[0-9a-f]{64} from models-rc/demo: HTTP 202: the registry did not mount the blob`));
    expect(snapshotDir(dir)).toEqual(before);
    expect(registry.tagOf('models/demo', version)).toBeUndefined();
  });

  it('blue-green: the preview is copied too, and switch needs no registry', async () => {
    await initDemo('blue-green');
    const a = await candidate('major', ['a']);
    expect((await run('promote', 'demo', a.version)).code).toBe(0);
    const b = await candidate('minor', ['b']);
    expect((await run('promote', 'demo', b.version)).code).toBe(0);
    expect(entry(b.version)).toMatchObject({ stage: 'validated', image: `${registry.host}/models/demo:${b.version}@${b.digest}` });
    await registry.stop();
    expect((await run('switch', 'demo')).code).toBe(0);
    registry = await new StandInRegistry().start();
  });
});

describe('prune', () => {
  async function withRejected(): Promise<{ kept: { version: string; digest: string }; rejected: { version: string; digest: string } }> {
    await initDemo();
    const kept = await candidate('major', ['good']);
    expect((await run('promote', 'demo', kept.version)).code).toBe(0);
    const rejected = await candidate('minor', ['bad'], false);
    expect((await run('validate', 'demo', rejected.version, '--declared-latency-p95-ms', '80')).code).toBe(1);
    return { kept, rejected };
  }

  it('prints the plan and changes nothing without --yes', async () => {
    const { rejected } = await withRejected();
    const before = snapshotDir(dir);
    const requests = registry.log.length;
    const r = await run('prune', 'demo');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `${rejected.version}\trejected (p95 latency (declared) 80 ms exceeds maxLatencyP95Ms 50 by 30 ms (60.0%))\t${registry.host}/models-rc/demo:${rejected.version} ${registry.host}/models/demo:${rejected.version}\n`
      + 'dry run: 1 version(s) would expire; nothing changed (--yes to expire them)\n',
    );
    expect(snapshotDir(dir)).toEqual(before);
    expect(registry.log.length).toBe(requests);
  });

  it('--yes deletes the rejected tag by digest, drops the version, keeps every history event', async () => {
    const { kept, rejected } = await withRejected();
    const historyBefore = fs.readFileSync(path.join(dir, 'demo.history.jsonl'), 'utf8');
    const r = await run('prune', 'demo', '--yes');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${registry.host}/models-rc/demo:${rejected.version}: deleted (${rejected.digest})`);
    expect(r.stdout).toContain(`${registry.host}/models/demo:${rejected.version}: absent`);
    expect(registry.tagOf('models-rc/demo', rejected.version)).toBeUndefined();
    expect(registry.tagOf('models/demo', kept.version)).toBe(kept.digest);
    expect(registry.tagOf('models-rc/demo', kept.version)).toBe(kept.digest);
    expect(versionsOf().map((v) => v.version)).toEqual([kept.version]);
    const history = fs.readFileSync(path.join(dir, 'demo.history.jsonl'), 'utf8');
    expect(history.startsWith(historyBefore)).toBe(true);
    const last = JSON.parse(history.trim().split('\n').pop() as string);
    expect(last).toMatchObject({ action: 'expire', version: rejected.version, from: 'rejected', to: null });
    expect((await run('status', 'demo')).code).toBe(0);
  });

  it('never deletes a manifest a kept version also points at', async () => {
    await initDemo();
    const kept = await candidate('major', ['same-bytes']);
    expect((await run('promote', 'demo', kept.version)).code).toBe(0);
    const twin = await candidate('minor', ['same-bytes'], false);
    expect(twin.digest).toBe(kept.digest);
    expect((await run('validate', 'demo', twin.version, '--declared-latency-p95-ms', '80')).code).toBe(1);
    const r = await run('prune', 'demo', '--yes');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${registry.host}/models-rc/demo:${twin.version}: shared`);
    expect(registry.tagOf('models/demo', kept.version)).toBe(kept.digest);
  });

  it('never deletes a manifest another tag of the repository points at (latest, a tag another tool pushed)', async () => {
    const { rejected } = await withRejected();
    registry.tags.get('models-rc/demo')!.set('latest', rejected.digest);
    const r = await run('prune', 'demo', '--yes');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${registry.host}/models-rc/demo:${rejected.version}: shared (${rejected.digest} is also tagged latest; tag left in place)`);
    expect(registry.tagOf('models-rc/demo', 'latest')).toBe(rejected.digest);
    expect(registry.tagOf('models-rc/demo', rejected.version)).toBe(rejected.digest);
  });

  it('a rollback while prune deletes waits for it, and never lands on a deleted image (real processes)', async () => {
    await initDemo();
    const v1 = await candidate('major', ['one']);
    expect((await run('promote', 'demo', v1.version)).code).toBe(0);
    const v2 = await candidate('minor', ['two']);
    expect((await run('promote', 'demo', v2.version)).code).toBe(0);
    // While the registry deletes v1's image, another process rolls back to v1: it may start, but not before prune is done.
    let rollback: Promise<{ code: number; stdout: string; stderr: string }> | undefined;
    registry.beforeAnswer = (method) => {
      if (method !== 'DELETE' || rollback) return undefined;
      rollback = cliProcessAsync(['rollback', 'demo', '--models-dir', dir], { env: { MODELSHIP_LOCK_TIMEOUT_MS: '30000' } });
      // Long enough for an unlocked rollback to finish (a node start and one change); a locked-out one is still waiting.
      return Promise.race([rollback, new Promise((resolve) => setTimeout(resolve, 2000))]).then(() => {});
    };
    const prune = await run('prune', 'demo', '--keep', '0', '--yes');
    expect(prune.stdout).toContain(`demo: expired ${v1.version}\n`);
    const back = await rollback!;
    expect(back).toMatchObject({ code: 1, stderr: 'modelship: demo: no retired version to roll back to\n' });
    // What runs in production still has its image.
    const live = versionsOf().find((v) => v.stage === 'production')!;
    expect(live.version).toBe(v2.version);
    expect(registry.tagOf('models/demo', live.version)).toBeDefined();
    expect(registry.tagOf('models/demo', v1.version)).toBeUndefined();
  });

  it('a slow registry does not hold the record: another command changes it while prune waits on lookups, and prune keeps what it gained', async () => {
    const { kept, rejected } = await withRejected();
    // Every lookup of the rejected tag takes a while; meanwhile another process bumps the model.
    let bump: Promise<{ code: number; stdout: string; stderr: string }> | undefined;
    registry.beforeAnswer = (method, url) => {
      if (method !== 'HEAD' || !url.endsWith(`/manifests/${rejected.version}`)) return undefined;
      bump ??= cliProcessAsync(['bump', 'demo', 'patch', '--models-dir', dir], { env: { MODELSHIP_LOCK_TIMEOUT_MS: '1500' } });
      return bump.then(() => {});
    };
    const r = await run('prune', 'demo', '--yes');
    expect(r.code).toBe(0);
    const b = await bump!;
    expect(b).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain(`demo: expired ${rejected.version}\n`);
    expect(versionsOf().map((v) => v.version)).toEqual([kept.version, b.stdout.trim()]);
  });

  it('a registry that refuses deletes is reported (exit 1) and the version stays', async () => {
    const { rejected } = await withRejected();
    registry.options.refuseDeletes = true;
    const r = await run('prune', 'demo', '--yes');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${registry.host}/models-rc/demo:${rejected.version}: refused`);
    expect(r.stderr).toBe(`modelship: demo: the registry refused to delete ${rejected.version}; they stay in the record: registry ${registry.host}, repository models-rc/demo: DELETE manifest ${rejected.digest}: HTTP 405: UNSUPPORTED The operation is unsupported.\n`);
    expect(entry(rejected.version)?.stage).toBe('rejected');
  });

  it('keeps young candidates, the production version and the newest retired ones', async () => {
    await initDemo();
    const versions: string[] = [];
    for (let i = 0; i < 4; i++) {
      const c = await candidate(i ? 'minor' : 'major', [`w${i}`]);
      expect((await run('promote', 'demo', c.version)).code).toBe(0);
      versions.push(c.version);
    }
    const young = (await run('bump', 'demo', 'patch')).stdout.trim();
    const plan = await run('prune', 'demo', '--keep', '1', '--older-than', '30d');
    // 1.3.0 production, 1.2.0 the newest retired; 1.0.0 and 1.1.0 retired beyond it, but younger than 30 days.
    expect(plan.stdout).toBe('demo: nothing expires\n');
    // The run's clock decides what is old: 31 days on, the same command plans those two and the candidate.
    const later = await cli(['prune', 'demo', '--keep', '1', '--older-than', '30d', '--models-dir', dir], { env, now: new Date(Date.now() + 31 * 86_400_000) });
    expect(later.stdout.split('\n').filter((l) => l.includes('\t')).map((l) => l.split('\t')[0])).toEqual([versions[0], versions[1], young]);
    const now = await run('prune', 'demo', '--keep', '1');
    expect(now.stdout.split('\n').filter((l) => l.includes('\t')).map((l) => l.split('\t')[0])).toEqual([versions[0], versions[1]]);
    const bad = await run('prune', 'demo', '--older-than', '30');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"30" is not an age such as 30d/);
  });
});
