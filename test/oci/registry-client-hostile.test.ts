import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseRepository } from '../../src/oci/image-reference';
import { MAX_ANSWER_BYTES, RegistryClient } from '../../src/oci/registry-client';
import { RegistryInputError } from '../../src/oci/registry-error';

/** Registries that misbehave on purpose: each test gives the handler for every request. */
interface Hit {
  server: string;
  method?: string;
  url?: string;
  authorization?: string;
}

let servers: http.Server[] = [];
const hits: Hit[] = [];
afterEach(async () => {
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
  hits.length = 0;
});

async function serve(name: string, handler: http.RequestListener): Promise<string> {
  const server = http.createServer((req, res) => {
    hits.push({ server: name, method: req.method, url: req.url, authorization: req.headers.authorization });
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const secret = { lookup: () => ({ username: 'ci', password: 'secret' }) };
const client = (extra = {}) => new RegistryClient({ credentials: secret, backoffMs: 1, attempts: 2, ...extra });
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

describe('RegistryClient against hostile or broken registries', () => {
  it.each([
    ['not JSON', '<html>', /the tag list is not JSON/],
    ['a list of non-names', '{"tags": [1, 2]}', /the tag list is not a list of names/],
  ])('refuses a tag list that is %s', async (_what, body, message) => {
    const host = await serve('registry', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    await expect(client().tags(parseRepository(`${host}/models/demo`))).rejects.toThrow(message);
  });

  it('stops following a Link that never ends', async () => {
    const host = await serve('registry', (req, res) => res.writeHead(200, { link: `<${req.url}&again>; rel="next"` }).end('{"tags": ["x"]}'));
    await expect(client().tags(parseRepository(`${host}/models/demo`))).rejects.toThrow(/more than 1,000 pages of tags/);
  });

  it('does not follow a redirect to another host, so credentials never reach it', async () => {
    const other = await serve('other', (_req, res) => res.writeHead(200).end());
    const host = await serve('registry', (req, res) => {
      if (!req.headers.authorization) res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
      else res.writeHead(307, { location: `http://${other}${req.url}` }).end();
    });
    await expect(client().resolve(parseRepository(`${host}/models/x`), '1.0.0')).rejects.toThrow(`registry ${host}, repository models/x: HEAD manifest 1.0.0: HTTP 307`);
    expect(hits.filter((h) => h.server === 'other')).toEqual([]);
  });

  it('refuses a Bearer realm that is not an absolute URL, naming it', async () => {
    const host = await serve('registry', (_req, res) => res.writeHead(401, { 'www-authenticate': 'Bearer realm="/token",service="s"' }).end());
    await expect(client().resolve(parseRepository(`${host}/models/x`), '1.0.0'))
      .rejects.toThrow(`registry ${host}, repository models/x: HEAD manifest 1.0.0: HTTP 401: the Bearer challenge's realm "/token" is not an absolute URL`);
  });

  it('never sends credentials to a plain-HTTP token service on a remote host', async () => {
    const host = await serve('registry', (_req, res) => res.writeHead(401, { 'www-authenticate': 'Bearer realm="http://tokens.example.invalid/token",service="s"' }).end());
    await expect(client().resolve(parseRepository(`${host}/models/x`), '1.0.0'))
      .rejects.toThrow("the Bearer challenge's realm http://tokens.example.invalid is plain HTTP; credentials are sent over it only to localhost");
    await expect(client().resolve(parseRepository(`${host}/models/x`), '1.0.0')).rejects.not.toThrow(/no answer/);
  });

  it('refuses a realm that is not http(s)', async () => {
    const host = await serve('registry', (_req, res) => res.writeHead(401, { 'www-authenticate': 'Bearer realm="file:///etc/passwd"' }).end());
    await expect(client().resolve(parseRepository(`${host}/models/x`), '1.0.0')).rejects.toThrow('is not an http(s) URL');
  });

  it('answers the challenge it speaks when a registry offers several', async () => {
    const digest = `sha256:${'d'.repeat(64)}`;
    const host = await serve('registry', (req, res) => {
      if (req.headers.authorization === `Basic ${Buffer.from('ci:secret').toString('base64')}`) {
        res.writeHead(200, { 'docker-content-digest': digest }).end();
        return;
      }
      res.setHeader('www-authenticate', ['Negotiate', 'Basic realm="r"']);
      res.writeHead(401).end();
    });
    expect(await client().resolve(parseRepository(`${host}/models/x`), '1.0.0')).toBe(digest);
  });

  it('names an unreadable challenge', async () => {
    const host = await serve('registry', (_req, res) => res.writeHead(401, { 'www-authenticate': 'Bearer' }).end());
    await expect(client().resolve(parseRepository(`${host}/models/x`), '1.0.0')).rejects.toThrow('HTTP 401: unreadable WWW-Authenticate: Bearer');
  });

  it('stops reading a manifest larger than 4 MiB instead of buffering it', async () => {
    const host = await serve('registry', (_req, res) => {
      res.writeHead(200, { 'content-type': MANIFEST });
      const chunk = Buffer.alloc(1024 * 1024, 32);
      let sent = 0;
      const write = (): void => {
        while (sent < 64) {
          sent++;
          if (!res.write(chunk)) {
            res.once('drain', write);
            return;
          }
        }
        res.end();
      };
      write();
    });
    const p = client().manifest(parseRepository(`${host}/models/x`), '1.0.0');
    await expect(p).rejects.toThrow(RegistryInputError);
    await expect(client().manifest(parseRepository(`${host}/models/x`), '1.0.0')).rejects.toThrow(`the answer is more than the ${MAX_ANSWER_BYTES} bytes modelship reads`);
  });

  it('refuses a declared Content-Length over 4 MiB without retrying', async () => {
    const host = await serve('registry', (_req, res) => {
      res.writeHead(200, { 'content-type': MANIFEST, 'content-length': String(MAX_ANSWER_BYTES + 1) });
      res.write('{');
    });
    await expect(client().manifest(parseRepository(`${host}/models/x`), '1.0.0')).rejects.toThrow(`the answer is ${MAX_ANSWER_BYTES + 1} bytes`);
    expect(hits).toHaveLength(1);
  });

  it('gives up on a registry that trickles its answer a byte at a time', async () => {
    const host = await serve('registry', (req, res) => {
      res.writeHead(200, { 'content-type': MANIFEST });
      const t = setInterval(() => res.write(' '), 50);
      req.socket.on('close', () => clearInterval(t));
    });
    await expect(client({ timeoutMs: 400 }).manifest(parseRepository(`${host}/models/x`), '1.0.0'))
      .rejects.toThrow(`registry ${host}, repository models/x: GET manifest 1.0.0: no answer: http://${host}/v2/models/x/manifests/1.0.0: no complete answer within 400 ms (after 2 attempts)`);
  }, 10000);

  it('gives up on a registry that never answers', async () => {
    const host = await serve('registry', () => undefined);
    await expect(client({ timeoutMs: 300 }).resolve(parseRepository(`${host}/models/x`), '1.0.0'))
      .rejects.toThrow(/no answer: .*no answer within 300 ms \(after 2 attempts\)/);
  }, 10000);

  it('stops after its attempts in a 429 storm, reporting the status', async () => {
    const host = await serve('registry', (_req, res) => res.writeHead(429, { 'retry-after': '0' }).end('slow down'));
    await expect(client({ attempts: 3 }).resolve(parseRepository(`${host}/models/x`), '1.0.0')).rejects.toThrow('HEAD manifest 1.0.0: HTTP 429');
    expect(hits).toHaveLength(3);
  });
});
