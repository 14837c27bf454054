import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { parse } from 'yaml';
import { makeArtifact, shellTreeDigest } from '../helpers/artifact';
import { cliAsync, initModel, snapshotDir, tempDir } from '../helpers/cli';

function entry(dir: string, name: string, version: string): Record<string, unknown> {
  return parse(fs.readFileSync(path.join(dir, `${name}.yaml`), 'utf8')).versions.find((v: { version: string }) => v.version === version);
}

async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/predict`, close: () => new Promise((r) => server.close(() => r())) };
}

describe('measure', () => {
  let dir: string;
  beforeEach(async () => {
    dir = path.join(tempDir(), 'models');
    initModel(dir, 'taxi', 'rolling');
    await cliAsync(['bump', 'taxi', 'major', '--models-dir', dir]);
  });

  it('--artifact records the size and the digest the shell and the init script compute', async () => {
    const art = makeArtifact(path.join(tempDir(), 'artifact'));
    const r = await cliAsync(['measure', 'taxi', '1.0.0', '--artifact', art, '--models-dir', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const e = entry(dir, 'taxi', '1.0.0');
    expect(e.digest).toBe(shellTreeDigest(art));
    expect(e.sizeBytes).toBeGreaterThan(300000);
    // validate then uses the recorded size; the latency gate still has no figure.
    const v = await cliAsync(['validate', 'taxi', '1.0.0', '--models-dir', dir]);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/no p95 latency recorded/);
  });

  it('--artifact refuses a symlink out of the tree and writes nothing', async () => {
    const art = makeArtifact(path.join(tempDir(), 'artifact'));
    fs.symlinkSync('/etc', path.join(art, 'etc'));
    const before = snapshotDir(dir);
    const r = await cliAsync(['measure', 'taxi', '1.0.0', '--artifact', art, '--models-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.\/etc is a symlink that leaves the artifact tree/);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('--endpoint against a server answering in 25 ms records p95 >= 25 ms and well under 150 ms', async () => {
    const srv = await serve((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => setTimeout(() => res.end(`{"fare": 12.5, "echo": ${body.length}}`), 25));
    });
    try {
      const bodyFile = path.join(tempDir(), 'request.json');
      fs.writeFileSync(bodyFile, '{"distance_km": 4.2}');
      const r = await cliAsync(['measure', 'taxi', '1.0.0', '--endpoint', srv.url, '--requests', '60', '--concurrency', '4',
        '--warmup', '4', '--body', bodyFile, '--header', 'x-team: pricing', '--models-dir', dir]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const e = entry(dir, 'taxi', '1.0.0') as Record<string, number>;
      expect(e.latencyP95Ms).toBeGreaterThanOrEqual(25);
      expect(e.latencyP95Ms).toBeLessThan(150);
      expect(e.latencyP50Ms).toBeGreaterThanOrEqual(25);
      expect(e.latencyP99Ms).toBeGreaterThanOrEqual(e.latencyP95Ms);
      expect(e.latencyRequests).toBe(60);
      expect(e.latencyErrors).toBe(0);
    } finally {
      await srv.close();
    }
  });

  it('--endpoint sends the body as POST and the headers given', async () => {
    const seen: { method?: string; team?: string; body: string }[] = [];
    const srv = await serve((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        seen.push({ method: req.method, team: req.headers['x-team'] as string, body });
        res.end('ok');
      });
    });
    try {
      const bodyFile = path.join(tempDir(), 'request.json');
      fs.writeFileSync(bodyFile, '{"x":1}');
      const r = await cliAsync(['measure', 'taxi', '1.0.0', '--endpoint', srv.url, '--requests', '5', '--warmup', '0',
        '--body', bodyFile, '--header', 'x-team: pricing', '--models-dir', dir]);
      expect(r.code).toBe(0);
      expect(seen).toHaveLength(5);
      expect(seen[0]).toEqual({ method: 'POST', team: 'pricing', body: '{"x":1}' });
    } finally {
      await srv.close();
    }
  });

  it('a server that answers 500 fails the measurement (exit 1) and records nothing', async () => {
    const srv = await serve((_req, res) => {
      res.statusCode = 500;
      res.end('boom');
    });
    try {
      const before = snapshotDir(dir);
      const r = await cliAsync(['measure', 'taxi', '1.0.0', '--endpoint', srv.url, '--requests', '20', '--models-dir', dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/20 of 20 requests .* failed .*first: HTTP 500.*no latency recorded/);
      expect(snapshotDir(dir)).toEqual(before);
    } finally {
      await srv.close();
    }
  });

  it('an unreachable URL is bad input (exit 2) named in the message', async () => {
    const srv = await serve((_q, s) => s.end());
    const url = srv.url;
    await srv.close();
    const before = snapshotDir(dir);
    const r = await cliAsync(['measure', 'taxi', '1.0.0', '--endpoint', url, '--models-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot reach ${url}`);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('a server too slow to answer: "timed out after N ms", the model and version named', async () => {
    const srv = await serve(() => undefined); // never answers
    try {
      const r = await cliAsync(['measure', 'taxi', '1.0.0', '--endpoint', srv.url, '--requests', '2', '--warmup', '0', '--timeout-ms', '150', '--models-dir', dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^modelship: taxi 1\.0\.0: --endpoint: 2 of 2 requests .* failed .*first: timed out after 150 ms\); no latency recorded\n$/);
    } finally {
      srv.close();
    }
  });
});
