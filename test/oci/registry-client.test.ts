import { copyImage } from '../../src/oci/image-copy';
import { parseRepository } from '../../src/oci/image-reference';
import { RegistryClient } from '../../src/oci/registry-client';
import { RegistryInputError, RegistryRefusal } from '../../src/oci/registry-error';
import { sha256, StandInRegistry } from '../helpers/stand-in-registry';

const creds = (user = 'ci', password = 'secret') => ({ lookup: (r: string) => (r.startsWith('127.0.0.1') ? { username: user, password } : undefined) });
const anonymous = { lookup: () => undefined };

let running: StandInRegistry[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.stop()));
  running = [];
});

async function start(options: ConstructorParameters<typeof StandInRegistry>[0] = {}): Promise<StandInRegistry> {
  const r = await new StandInRegistry(options).start();
  running.push(r);
  return r;
}

const client = (c = creds(), extra = {}) => new RegistryClient({ credentials: c, backoffMs: 1, ...extra });

describe('RegistryClient', () => {
  it('follows the Bearer token flow with the configured credentials and reuses the token', async () => {
    const r = await start({ auth: 'token' });
    const { digest } = r.pushImage('models-rc/demo', '1.0.0', ['layer-a']);
    const c = client();
    const repo = parseRepository(`${r.host}/models-rc/demo`);
    expect(await c.resolve(repo, '1.0.0')).toBe(digest);
    expect(await c.resolve(repo, '1.0.0')).toBe(digest);
    const tokenCalls = r.log.filter((l) => l.path.startsWith('/token'));
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0].path).toContain('service=stand-in');
    expect(tokenCalls[0].path).toContain(`scope=${encodeURIComponent('repository:models-rc/demo:pull')}`);
    expect(tokenCalls[0].authorization).toBe(`Basic ${Buffer.from('ci:secret').toString('base64')}`);
    expect(r.log.filter((l) => l.method === 'HEAD').map((l) => l.authorization?.split(' ')[0])).toEqual([undefined, 'Bearer', 'Bearer']);
  });

  it('lists every tag of a repository across pages (Link: rel="next"), behind a token', async () => {
    const r = await start({ auth: 'token' });
    for (const tag of ['1.0.0', '1.1.0', '2.0.0-rc.0', 'latest', 'nightly']) r.pushImage('models-rc/demo', tag, [`layer-${tag}`]);
    const c = client();
    const repo = parseRepository(`${r.host}/models-rc/demo`);
    expect((await c.tags(repo, 2)).sort()).toEqual(['1.0.0', '1.1.0', '2.0.0-rc.0', 'latest', 'nightly']);
    expect(r.log.filter((l) => l.path.includes('/tags/list') && l.authorization?.startsWith('Bearer')).map((l) => l.path)).toEqual([
      '/v2/models-rc/demo/tags/list?n=2', '/v2/models-rc/demo/tags/list?n=2&last=1.1.0', '/v2/models-rc/demo/tags/list?n=2&last=latest',
    ]);
    // A repository the registry does not know has no tags.
    expect(await c.tags(parseRepository(`${r.host}/models-rc/none`))).toEqual([]);
  });

  it('answers a Basic challenge with the configured credentials', async () => {
    const r = await start({ auth: 'basic' });
    const { digest } = r.pushImage('models/demo', '1.0.0', ['x']);
    expect(await client().resolve(parseRepository(`${r.host}/models/demo`), '1.0.0')).toBe(digest);
  });

  it('refuses (exit 1) naming registry, repository and status when credentials are missing or wrong', async () => {
    const r = await start({ auth: 'token' });
    r.pushImage('models/demo', '1.0.0', ['x']);
    const repo = parseRepository(`${r.host}/models/demo`);
    const wrong = client(creds('ci', 'nope')).resolve(repo, '1.0.0');
    await expect(wrong).rejects.toThrow(RegistryRefusal);
    await expect(client(creds('ci', 'nope')).resolve(repo, '1.0.0')).rejects.toThrow(
      `registry ${r.host}, repository models/demo: HEAD manifest 1.0.0: HTTP 401: token request to http://${r.host}/token answered 401: UNAUTHORIZED bad credentials`,
    );
    const basic = await start({ auth: 'basic' });
    await expect(client(anonymous).resolve(parseRepository(`${basic.host}/models/demo`), '1.0.0')).rejects.toThrow(
      `registry ${basic.host}, repository models/demo: HEAD manifest 1.0.0: HTTP 401: needs credentials: \`docker login ${basic.host}\``,
    );
  });

  it('refuses a token service that sends no token', async () => {
    const r = await start({ auth: 'token' });
    r.tokenBody = '{"expires_in": 300}';
    await expect(client().resolve(parseRepository(`${r.host}/models/demo`), '1.0.0')).rejects.toThrow(/sent no token/);
  });

  it('retries 503 and 429 with backoff, then succeeds', async () => {
    const r = await start();
    const { digest } = r.pushImage('models/demo', '1.0.0', ['x']);
    r.failures = [503, 429, 502];
    expect(await client().resolve(parseRepository(`${r.host}/models/demo`), '1.0.0')).toBe(digest);
    expect(r.log).toHaveLength(4);
  });

  it('gives up after its attempts with the last status (exit 2)', async () => {
    const r = await start();
    r.failures = Array(8).fill(503);
    const p = client().resolve(parseRepository(`${r.host}/models/demo`), '1.0.0');
    await expect(p).rejects.toThrow(RegistryInputError);
    await expect(client().resolve(parseRepository(`${r.host}/models/demo`), '1.0.0')).rejects.toThrow('HEAD manifest 1.0.0: HTTP 503');
  });

  it('names the registry when nothing answers', async () => {
    const r = await start();
    const host = r.host;
    await r.stop();
    running = [];
    await expect(client(anonymous, { attempts: 2 }).resolve(parseRepository(`${host}/models/demo`), '1.0.0'))
      .rejects.toThrow(new RegExp(`registry ${host}, repository models/demo: HEAD manifest 1.0.0: no answer: http://${host}/v2/models/demo/manifests/1.0.0: .*after 2 attempts`));
  });

  it('uses HTTPS for any host but localhost and 127.0.0.1, unless named insecure', async () => {
    const r = await start({ listenHost: '127.0.0.2' });
    const { digest } = r.pushImage('models/demo', '1.0.0', ['x']);
    const repo = parseRepository(`${r.host}/models/demo`);
    await expect(client(anonymous, { attempts: 1 }).resolve(repo, '1.0.0')).rejects.toThrow(`https://${r.host}/v2/models/demo/manifests/1.0.0`);
    expect(await client(anonymous, { insecureRegistries: [r.host] }).resolve(repo, '1.0.0')).toBe(digest);
  });

  it('returns undefined for a tag the repository does not have', async () => {
    const r = await start();
    expect(await client().resolve(parseRepository(`${r.host}/models/demo`), '9.9.9')).toBeUndefined();
  });

  describe('malformed answers', () => {
    it('a manifest whose bytes do not hash to the digest the registry claims', async () => {
      const r = await start();
      r.rawManifests.set('models/demo:1.0.0', { body: '{"schemaVersion":2}', digestHeader: sha256('something else') });
      await expect(client().manifest(parseRepository(`${r.host}/models/demo`), '1.0.0')).rejects.toThrow(/the manifest's bytes hash to sha256:[0-9a-f]{64}, not the sha256:[0-9a-f]{64} the registry says/);
    });

    it('a manifest that is not JSON', async () => {
      const r = await start();
      r.rawManifests.set('models/demo:1.0.0', { body: '<html>proxy error</html>' });
      await expect(client().manifest(parseRepository(`${r.host}/models/demo`), '1.0.0')).rejects.toThrow(`registry ${r.host}, repository models/demo: GET manifest 1.0.0: HTTP 200: the manifest is not JSON`);
    });

    it('a media type modelship does not copy, and a descriptor without a digest', async () => {
      const r = await start();
      r.rawManifests.set('models/demo:1.0.0', { body: '{"schemaVersion":1}', type: 'application/vnd.docker.distribution.manifest.v1+prettyjws' });
      await expect(client().manifest(parseRepository(`${r.host}/models/demo`), '1.0.0')).rejects.toThrow('unsupported manifest media type application/vnd.docker.distribution.manifest.v1+prettyjws');
      r.rawManifests.set('models/demo:1.0.1', { body: '{"schemaVersion":2,"config":{"digest":"md5:abc"},"layers":[]}' });
      await expect(client().manifest(parseRepository(`${r.host}/models/demo`), '1.0.1')).rejects.toThrow('a descriptor without a sha256 digest');
    });

    it('a HEAD without Docker-Content-Digest falls back to hashing the manifest', async () => {
      const r = await start();
      const body = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { digest: sha256('c') }, layers: [] });
      r.rawManifests.set('models/demo:1.0.0', { body });
      expect(await client().resolve(parseRepository(`${r.host}/models/demo`), '1.0.0')).toBe(sha256(body));
    });
  });

  it('reports a refused delete (405 UNSUPPORTED) as a refusal', async () => {
    const r = await start({ refuseDeletes: true });
    const { digest } = r.pushImage('models/demo', '1.0.0', ['x']);
    await expect(client().deleteManifest(parseRepository(`${r.host}/models/demo`), digest)).rejects.toThrow(RegistryRefusal);
    await expect(client().deleteManifest(parseRepository(`${r.host}/models/demo`), digest))
      .rejects.toThrow(`registry ${r.host}, repository models/demo: DELETE manifest ${digest}: HTTP 405: UNSUPPORTED The operation is unsupported.`);
    expect(r.tagOf('models/demo', '1.0.0')).toBe(digest);
  });

  it('deletes a manifest by digest', async () => {
    const r = await start();
    const { digest } = r.pushImage('models/demo', '1.0.0', ['x']);
    expect(await client().deleteManifest(parseRepository(`${r.host}/models/demo`), digest)).toBe('deleted');
    expect(r.tagOf('models/demo', '1.0.0')).toBeUndefined();
  });
});

describe('copyImage', () => {
  it('mounts every blob and puts the manifest under the tag, downloading no layer', async () => {
    const r = await start({ auth: 'token' });
    const { digest } = r.pushImage('models-rc/demo', '1.0.0', ['layer-a', 'layer-b']);
    const result = await copyImage(client(), parseRepository(`${r.host}/models-rc/demo`), parseRepository(`${r.host}/models/demo`), digest, '1.0.0');
    expect(result).toEqual({ digest, mounted: 3, present: 0, manifests: 1 });
    expect(r.tagOf('models/demo', '1.0.0')).toBe(digest);
    expect(r.log.filter((l) => l.method === 'GET' && l.path.includes('/blobs/'))).toEqual([]);
    const mounts = r.log.filter((l) => l.method === 'POST' && l.authorization?.startsWith('Bearer'));
    expect(mounts.every((l) => l.path.includes('from=models-rc%2Fdemo'))).toBe(true);
    // One token covering push to production and pull from the candidate repository.
    expect(r.log.some((l) => l.path.startsWith('/token') && l.path.includes(encodeURIComponent('repository:models/demo:pull,push')) && l.path.includes(encodeURIComponent('repository:models-rc/demo:pull')))).toBe(true);
  });

  it('copies an index and each platform manifest', async () => {
    const r = await start();
    const { digest, children } = r.pushIndex('models-rc/demo', '1.0.0', [['amd64-layer'], ['arm64-layer']]);
    const result = await copyImage(client(), parseRepository(`${r.host}/models-rc/demo`), parseRepository(`${r.host}/models/demo`), digest, '1.0.0');
    expect(result.manifests).toBe(3);
    expect(r.tagOf('models/demo', '1.0.0')).toBe(digest);
    for (const c of children) expect(r.manifests.get('models/demo')?.has(c)).toBe(true);
  });

  it('does not mount what the target has already', async () => {
    const r = await start();
    const a = r.pushImage('models-rc/demo', '1.0.0', ['shared-layer']);
    await copyImage(client(), parseRepository(`${r.host}/models-rc/demo`), parseRepository(`${r.host}/models/demo`), a.digest, '1.0.0');
    const b = r.pushImage('models-rc/demo', '1.0.1', ['shared-layer', 'new-layer']);
    const result = await copyImage(client(), parseRepository(`${r.host}/models-rc/demo`), parseRepository(`${r.host}/models/demo`), b.digest, '1.0.1');
    expect({ mounted: result.mounted, present: result.present }).toEqual({ mounted: 2, present: 1 });
  });

  it('fails without tagging when the registry will not mount, and cancels the upload it offered', async () => {
    const r = await start({ refuseMounts: true });
    const { digest } = r.pushImage('models-rc/demo', '1.0.0', ['x']);
    await expect(copyImage(client(), parseRepository(`${r.host}/models-rc/demo`), parseRepository(`${r.host}/models/demo`), digest, '1.0.0'))
      .rejects.toThrow(`registry ${r.host}, repository models/demo: mount blob`);
    expect(r.tagOf('models/demo', '1.0.0')).toBeUndefined();
    expect(r.log.some((l) => l.method === 'DELETE' && l.path.endsWith('/session-1'))).toBe(true);
  });

  it('refuses to copy between registries', async () => {
    await expect(copyImage(client(), parseRepository('a.example.com/models-rc/x'), parseRepository('b.example.com/models/x'), sha256('x'), '1.0.0'))
      .rejects.toThrow('candidate and production repositories must be on one registry');
  });
});
