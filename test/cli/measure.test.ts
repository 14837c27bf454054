import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { parse } from 'yaml';
import { makeArtifact, shellTreeDigest } from '../helpers/artifact';
import { cli, initModel, snapshotDir, tempDir, validatedVersion } from '../helpers/cli';

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
    await initModel(dir, 'taxi', 'rolling');
    await cli(['bump', 'taxi', 'major', '--models-dir', dir]);
  });

  it('--artifact records the size and the digest the shell and the init script compute', async () => {
    const art = makeArtifact(path.join(tempDir(), 'artifact'));
    const r = await cli(['measure', 'taxi', '1.0.0', '--artifact', art, '--models-dir', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const e = entry(dir, 'taxi', '1.0.0');
    expect(e.digest).toBe(shellTreeDigest(art));
    expect(e.sizeBytes).toBeGreaterThan(300000);
    // validate then uses the recorded size; the latency gate still has no figure.
    const v = await cli(['validate', 'taxi', '1.0.0', '--models-dir', dir]);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/no p95 latency recorded/);
  });

  it('--artifact refuses a symlink out of the tree and writes nothing', async () => {
    const art = makeArtifact(path.join(tempDir(), 'artifact'));
    fs.symlinkSync('/etc', path.join(art, 'etc'));
    const before = snapshotDir(dir);
    const r = await cli(['measure', 'taxi', '1.0.0', '--artifact', art, '--models-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.\/etc is a symlink \(to \/etc\)/);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('--endpoint against a server answering in 25 ms records p95 >= 25 ms, in milliseconds', async () => {
    const srv = await serve((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => setTimeout(() => res.end(`{"fare": 12.5, "echo": ${body.length}}`), 25));
    });
    try {
      const bodyFile = path.join(tempDir(), 'request.json');
      fs.writeFileSync(bodyFile, '{"distance_km": 4.2}');
      const r = await cli(['measure', 'taxi', '1.0.0', '--endpoint', srv.url, '--requests', '60', '--concurrency', '4',
        '--warmup', '4', '--body', bodyFile, '--header', 'x-team: pricing', '--models-dir', dir]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const e = entry(dir, 'taxi', '1.0.0') as Record<string, number>;
      expect(e.latencyP95Ms).toBeGreaterThanOrEqual(25);
      // A units check, not a timing one: 25 ms is not 25 s, however loaded the machine.
      expect(e.latencyP95Ms).toBeLessThan(5000);
      expect(e.latencyP50Ms).toBeGreaterThanOrEqual(25);
      expect(e.latencyP99Ms).toBeGreaterThanOrEqual(e.latencyP95Ms);
      expect(e.latencyRequests).toBe(60);
      expect(e.latencyErrors).toBe(0);
    } finally {
      await srv.close();
    }
  });

  it('--rate measures in an open loop: a one-second stall delays every request due during it, which a closed loop hides', async () => {
    // The 40th request and every one that arrives in the next second are answered when the second is over.
    const stalled = () => {
      let seen = 0;
      let until = 0;
      return serve((_req, res) => {
        seen++;
        if (seen === 40) until = Date.now() + 1000;
        const wait = until - Date.now();
        if (wait > 0) setTimeout(() => res.end('ok'), wait);
        else res.end('ok');
      });
    };
    const run = async (args: string[]) => {
      const srv = await stalled();
      try {
        const r = await cli(['measure', 'taxi', '1.0.0', '--endpoint', srv.url, '--requests', '200', '--warmup', '0', ...args, '--models-dir', dir]);
        expect(r.code).toBe(0);
        return { line: r.stdout, stderr: r.stderr, e: entry(dir, 'taxi', '1.0.0') as Record<string, any> };
      } finally {
        await srv.close();
      }
    };
    // Closed, one worker: the stall holds one request, and the p95 does not see it.
    const closed = await run(['--concurrency', '1']);
    expect(closed.stderr).toBe('');
    expect(closed.e.latencyP99Ms).toBeLessThan(500);
    expect(closed.e.provenance.latency.method).toMatchObject({ loop: 'closed', concurrency: 1 });
    // Open, 100 requests a second: about 100 requests are due during the stall, each timed from when it was due,
    // each on a connection of its own (rate x timeout of them by default), as independent users would be.
    const open = await run(['--rate', '100']);
    expect(open.stderr).toBe('');
    expect(open.e.latencyP95Ms).toBeGreaterThan(500);
    expect(open.e.latencyP50Ms).toBeGreaterThanOrEqual(0);
    const method = open.e.provenance.latency.method;
    expect(method).toMatchObject({ loop: 'open', ratePerSecond: 100, concurrency: 1000, queued: 0, maxSendLagMs: expect.any(Number) });
    // A units check: about 100 a second was sent (not 100 a millisecond, not 1).
    expect(method.achievedRatePerSecond).toBeGreaterThan(20);
    expect(method.achievedRatePerSecond).toBeLessThan(200);
    expect(open.line).toMatch(/over 200 requests at 100\/s \(open loop, 0 waited for a connection\), 0 errors/);
    // Four connections: the client's own limit queues the requests due in the stall, and says so.
    const capped = await run(['--rate', '100', '--concurrency', '4']);
    expect(capped.e.provenance.latency.method.queued).toBeGreaterThan(50);
    expect(capped.stderr).toMatch(/^modelship: taxi 1\.0\.0: \d+ of 200 requests waited for a free connection \(--concurrency 4\), and their latency includes the wait/);
  });

  it('--rate: a server that goes away mid-run ends the run with one line, not a crash', async () => {
    let seen = 0;
    const server = http.createServer((_req, res) => {
      res.end('ok');
      if (++seen === 30) {
        server.close();
        server.closeAllConnections();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/predict`;
    const r = await cli(['measure', 'taxi', '1.0.0', '--endpoint', url, '--rate', '50', '--requests', '100', '--warmup', '0', '--models-dir', dir]);
    expect([1, 2]).toContain(r.code);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^modelship: taxi 1\.0\.0: --endpoint: /);
    expect(entry(dir, 'taxi', '1.0.0').latencyP95Ms).toBeUndefined();
  });

  it('--rate must be a finite rate a timer can keep', async () => {
    for (const rate of ['0', '-1', 'abc', '1e999', '9'.repeat(401), '0.0000001', '1000000']) {
      const r = await cli(['measure', 'taxi', '1.0.0', '--endpoint', 'http://127.0.0.1:9/', '--rate', rate, '--models-dir', dir]);
      expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('must be a number of requests a second from 0.001 to 100000')]);
    }
  });

  it('--endpoint records p95 with its 95% interval and how it was measured; history keeps every measurement', async () => {
    const srv = await serve((_req, res) => res.end('ok'));
    try {
      for (const n of ['100', '120']) {
        const r = await cli(['measure', 'taxi', '1.0.0', '--endpoint', `${srv.url}?token=secret`, '--requests', n, '--concurrency', '2',
          '--warmup', '3', '--models-dir', dir]);
        expect(r.stderr).toBe('');
        expect(r.stdout).toMatch(/p95 [\d.]+ ms \(95% CI [\d.]+-[\d.]+ ms\)/);
      }
      const e = entry(dir, 'taxi', '1.0.0') as Record<string, any>;
      expect(e.latencyP95LowMs).toBeLessThanOrEqual(e.latencyP95Ms);
      expect(e.latencyP95HighMs).toBeGreaterThanOrEqual(e.latencyP95Ms);
      const host = new URL(srv.url).host;
      expect(e.provenance.latency).toEqual({
        kind: 'measured', at: expect.any(String), actor: 'test-suite', command: 'measure --endpoint',
        // host and path only: the query string may hold a token
        method: { host, path: '/predict', method: 'GET', requests: 120, concurrency: 2, loop: 'closed', warmup: 3, errors: 0, timeoutMs: 10000 },
      });
      const history = fs.readFileSync(path.join(dir, 'taxi.history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const measures = history.filter((h) => h.action === 'measure');
      expect(measures.map((h) => h.details.latencyRequests)).toEqual([100, 120]);
      expect(measures[0].details).toMatchObject({ latencyP95Ms: expect.any(Number), latencyP95LowMs: expect.any(Number), provenance: { kind: 'measured' } });
      expect(JSON.stringify(history)).not.toContain('secret');
    } finally {
      await srv.close();
    }
  });

  it('--artifact measures size and digest in one pass, with their provenance', async () => {
    const art = makeArtifact(path.join(tempDir(), 'artifact'));
    expect((await cli(['measure', 'taxi', '1.0.0', '--artifact', art, '--models-dir', dir])).code).toBe(0);
    const e = entry(dir, 'taxi', '1.0.0') as Record<string, any>;
    expect(e.provenance.size).toEqual({
      kind: 'measured', at: expect.any(String), actor: 'test-suite', command: 'measure --artifact', method: { digest: e.digest, files: expect.any(Number) },
    });
  });

  it('--body FILE.json is sent as application/json; --content-type overrides it', async () => {
    const types: (string | undefined)[] = [];
    const srv = await serve((req, res) => {
      types.push(req.headers['content-type']);
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    try {
      const json = path.join(tempDir(), 'request.json');
      fs.writeFileSync(json, '{"x":1}');
      const csv = path.join(tempDir(), 'rows.csv');
      fs.writeFileSync(csv, 'a,b\n1,2\n');
      for (const args of [['--body', json], ['--body', csv], ['--body', json, '--content-type', 'application/vnd.model+json']]) {
        const r = await cli(['measure', 'taxi', '1.0.0', '--endpoint', srv.url, '--requests', '2', '--warmup', '0', ...args, '--models-dir', dir]);
        expect(r.code).toBe(0);
      }
      expect([...new Set(types)]).toEqual(['application/json', 'text/csv', 'application/vnd.model+json']);
    } finally {
      await srv.close();
    }
  });

  it.each([['no colon', 'x-team'], ['a space in the name', 'x team: a'], ['an empty name', ': a']])(
    'a malformed --header (%s) is bad input before any request', async (_what, header) => {
      let requests = 0;
      const srv = await serve((_q, s) => {
        requests++;
        s.end('ok');
      });
      try {
        const before = snapshotDir(dir);
        const r = await cli(['measure', 'taxi', '1.0.0', '--endpoint', srv.url, '--header', header, '--models-dir', dir]);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/--header/);
        expect(requests).toBe(0);
        expect(snapshotDir(dir)).toEqual(before);
      } finally {
        await srv.close();
      }
    });

  it('a server that trickles its body past the deadline fails every request (exit 1), nothing recorded', async () => {
    const timers: NodeJS.Timeout[] = [];
    const srv = await serve((_q, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      // A byte every 100 ms, forever: no idle timeout fires, only a total deadline stops it.
      timers.push(setInterval(() => res.write('.'), 100));
    });
    try {
      const before = snapshotDir(dir);
      const r = await cli(['measure', 'taxi', '1.0.0', '--endpoint', srv.url, '--requests', '3', '--warmup', '0', '--timeout-ms', '500', '--models-dir', dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/3 of 3 requests .* failed .*first: timed out after 500 ms/);
      expect(snapshotDir(dir)).toEqual(before);
    } finally {
      timers.forEach(clearInterval);
      await srv.close();
    }
  });

  it('requests that time out within the error budget count as the whole timeout: they cannot hide among the fast answers', async () => {
    let n = 0;
    // Fast, except one request in twelve, which hangs (8.3%, more than the 5% above the p95).
    const srv = await serve((_req, res) => {
      if (++n % 12 !== 0) res.end('ok');
    });
    try {
      const r = await cli(['measure', 'taxi', '1.0.0', '--endpoint', srv.url, '--requests', '120', '--concurrency', '4', '--warmup', '0',
        '--timeout-ms', '200', '--max-error-rate', '0.1', '--models-dir', dir]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const e = entry(dir, 'taxi', '1.0.0') as Record<string, any>;
      expect(e.latencyErrors).toBe(10);
      expect(e.latencyP95Ms).toBeGreaterThanOrEqual(200);
      expect(e.latencyP95HighMs).toBeGreaterThanOrEqual(200);
      expect(e.latencyP50Ms).toBeLessThan(200);
    } finally {
      await srv.close();
    }
  });

  it('a response shorter than its Content-Length is an error, never a success', async () => {
    const srv = await serve((req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('only part');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    try {
      const r = await cli(['measure', 'taxi', '1.0.0', '--endpoint', srv.url, '--requests', '4', '--warmup', '0', '--models-dir', dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/4 of 4 requests .* failed/);
    } finally {
      await srv.close();
    }
  });

  it('--metrics with --dataset records the metrics and the dataset digest; a file dataset is its sha256', async () => {
    const metrics = path.join(tempDir(), 'metrics.json');
    fs.writeFileSync(metrics, JSON.stringify({ auc: 0.912, rmse: 3.87 }));
    const data = path.join(tempDir(), 'holdout.csv');
    fs.writeFileSync(data, 'x,y\n1,2\n');
    const r = await cli(['measure', 'taxi', '1.0.0', '--metrics', metrics, '--dataset', data, '--models-dir', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const e = entry(dir, 'taxi', '1.0.0') as Record<string, any>;
    const sha = require('node:crypto').createHash('sha256').update('x,y\n1,2\n').digest('hex');
    expect(e.metrics).toEqual({ auc: 0.912, rmse: 3.87 });
    expect(e.datasetDigest).toBe(`sha256:${sha}`);
    expect(e.provenance.metrics).toMatchObject({ kind: 'measured', command: 'measure --metrics', method: { file: metrics, dataset: `sha256:${sha}`, datasetFrom: '--dataset' } });
    // A tree dataset gets the tree digest.
    const tree = makeArtifact(path.join(tempDir(), 'holdout'));
    expect((await cli(['measure', 'taxi', '1.0.0', '--metrics', metrics, '--dataset', tree, '--models-dir', dir])).code).toBe(0);
    expect((entry(dir, 'taxi', '1.0.0') as Record<string, any>).datasetDigest).toBe(shellTreeDigest(tree));
  });

  it('production\'s latency past its gate goes to the history, not the record: synth keeps deploying it (exit 1, --json says recorded: false)', async () => {
    const live = path.join(tempDir(), 'models');
    await initModel(live, 'm', 'rolling');
    const v = await validatedVersion(live, 'm', 'major');
    expect((await cli(['promote', 'm', v, '--models-dir', live])).code).toBe(0);
    const slow = await serve((_req, res) => setTimeout(() => res.end('ok'), 70));
    try {
      // 80 requests at 70 ms against a gate of 50: even the interval's lower bound is over it.
      const r = await cli(['measure', 'm', v, '--endpoint', slow.url, '--requests', '80', '--warmup', '0', '--json', '--models-dir', live]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^modelship: m ${v} is in production, and this latency measurement fails its gate: p95 latency [0-9.]+ ms exceeds maxLatencyP95Ms 50 .*It is in the history, not in the record, .*; roll back, or fix what changed and measure again\\n$`));
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, details: { kind: 'endpoint', recorded: false } });
      expect((entry(live, 'm', v) as { latencyP95Ms: number }).latencyP95Ms).toBe(10);
      const last = JSON.parse(fs.readFileSync(path.join(live, 'm.history.jsonl'), 'utf8').trim().split('\n').at(-1)!);
      expect(last).toMatchObject({ action: 'measure', version: v, details: { recorded: false, outsideGates: expect.stringMatching(/^this latency measurement fails its gate: /) } });
      expect(last.details.latencyP95Ms).toBeGreaterThan(50);
      expect((await cli(['synth', '--out', tempDir(), '--models-dir', live])).code).toBe(0);
      // Too few requests to judge: kept out as well, and the advice is to measure again, not to roll back.
      const few = await cli(['measure', 'm', v, '--endpoint', slow.url, '--requests', '20', '--warmup', '0', '--models-dir', live]);
      expect(few.code).toBe(1);
      expect(few.stderr).toMatch(/this latency measurement (fails its gate|is inconclusive): .*; (roll back|measure again as it says)/);
    } finally {
      await slow.close();
    }
    // Metrics stay recorded, outside their gate or not: the champion is measured on a refreshed holdout so a challenger compares.
    const file = path.join(live, 'm.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^gates:\n/m, 'gates:\n  metrics: { rmse: { max: 3.2 } }\n'));
    const metrics = path.join(tempDir(), 'metrics.json');
    fs.writeFileSync(metrics, JSON.stringify({ rmse: 3.4 }));
    const holdout = path.join(tempDir(), 'holdout.csv');
    fs.writeFileSync(holdout, 'x,y\n1,2\n');
    expect((await cli(['measure', 'm', v, '--metrics', metrics, '--dataset', holdout, '--models-dir', live])).code).toBe(0);
    expect((entry(live, 'm', v) as { metrics: unknown }).metrics).toEqual({ rmse: 3.4 });
  });

  it('a metrics file that names its evaluation set must name the one --dataset gives', async () => {
    const data = path.join(tempDir(), 'holdout.csv');
    fs.writeFileSync(data, 'x,y\n1,2\n');
    const sha = `sha256:${require('node:crypto').createHash('sha256').update('x,y\n1,2\n').digest('hex')}`;
    const metrics = path.join(tempDir(), 'metrics.json');
    // The training run evaluated on another file than the holdout CI names.
    const other = `sha256:${'e'.repeat(64)}`;
    fs.writeFileSync(metrics, JSON.stringify({ auc: 0.91, dataset: other }));
    const before = snapshotDir(dir);
    const r = await cli(['measure', 'taxi', '1.0.0', '--metrics', metrics, '--dataset', data, '--models-dir', dir]);
    expect(r).toEqual({
      code: 2, stdout: '',
      stderr: `modelship: taxi 1.0.0: --metrics: ${metrics} says it was computed on dataset ${other}, but --dataset ${data} is ${sha}: give the evaluation set the metrics were computed on\n`,
    });
    expect(snapshotDir(dir)).toEqual(before);
    // The same set: recorded, and the provenance says the metrics file named it too; `dataset` is not a metric.
    fs.writeFileSync(metrics, JSON.stringify({ auc: 0.91, dataset: sha }));
    expect((await cli(['measure', 'taxi', '1.0.0', '--metrics', metrics, '--dataset', data, '--models-dir', dir])).code).toBe(0);
    const e = entry(dir, 'taxi', '1.0.0') as Record<string, any>;
    expect(e.metrics).toEqual({ auc: 0.91 });
    expect(e.datasetDigest).toBe(sha);
    expect(e.provenance.metrics.method).toMatchObject({ dataset: sha, datasetFrom: 'metrics file and --dataset' });
  });

  it.each([
    ['not an object', '[1, 2]', /must be a JSON object/],
    ['a metric JavaScript reserves', '{"constructor": 0.9}', /metrics\.json: "constructor": not a metric name modelship can keep \(JavaScript objects reserve it\)/],
    ['a dataset that is not a digest', '{"auc": 0.9, "dataset": "data/holdout.csv"}', /metrics\.json: dataset: must be the digest of the evaluation set, sha256:<64 lowercase hex> \(the tree digest of a directory\), not "data\/holdout\.csv"/],
    ['a non-number', '{"auc": "high"}', /metrics\.json: auc: must be a finite number, not "high"/],
    ['not JSON', '{auc: 1', /is not JSON/],
  ])('--metrics that is %s: exit 2, nothing recorded', async (_what, text, message) => {
    const metrics = path.join(tempDir(), 'metrics.json');
    fs.writeFileSync(metrics, text);
    const before = snapshotDir(dir);
    const r = await cli(['measure', 'taxi', '1.0.0', '--metrics', metrics, '--dataset', metrics, '--models-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('--metrics without --dataset is bad input', async () => {
    const r = await cli(['measure', 'taxi', '1.0.0', '--metrics', '/dev/null', '--models-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--dataset PATH is required/);
  });

  it('imports a k6 --summary-export and a vegeta report as declared latency, with its source', async () => {
    const k6 = path.join(tempDir(), 'k6-summary.json');
    fs.writeFileSync(k6, JSON.stringify({
      metrics: {
        http_req_duration: { avg: 14.2, min: 3.1, med: 12.0, max: 80.5, 'p(90)': 21.3, 'p(95)': 27.9 },
        http_reqs: { count: 5000, rate: 83.3 }, http_req_failed: { passes: 3, fails: 4997, value: 0.0006 },
      },
    }));
    expect((await cli(['measure', 'taxi', '1.0.0', '--k6-summary', k6, '--models-dir', dir])).code).toBe(0);
    let e = entry(dir, 'taxi', '1.0.0') as Record<string, any>;
    expect(e).toMatchObject({ latencyP50Ms: 12, latencyP95Ms: 27.9, latencyRequests: 5000, latencyErrors: 3 });
    expect(e.latencyP95HighMs).toBeUndefined();
    expect(e.provenance.latency).toEqual({ kind: 'declared', at: expect.any(String), actor: 'test-suite', source: `k6 summary-export ${k6}` });

    const vegeta = path.join(tempDir(), 'vegeta.json');
    fs.writeFileSync(vegeta, JSON.stringify({
      latencies: { total: 1, mean: 9e6, '50th': 8_500_000, '90th': 15e6, '95th': 19_250_000, '99th': 31e6, max: 5e7, min: 1e6 },
      requests: 1000, success: 0.998, status_codes: { 200: 998, 500: 2 },
    }));
    expect((await cli(['measure', 'taxi', '1.0.0', '--vegeta-report', vegeta, '--models-dir', dir])).code).toBe(0);
    e = entry(dir, 'taxi', '1.0.0') as Record<string, any>;
    expect(e).toMatchObject({ latencyP50Ms: 8.5, latencyP95Ms: 19.25, latencyP99Ms: 31, latencyRequests: 1000, latencyErrors: 2 });
    expect(e.provenance.latency.source).toBe(`vegeta report ${vegeta}`);
    const history = fs.readFileSync(path.join(dir, 'taxi.history.jsonl'), 'utf8');
    expect(history.match(/"action":"declare"/g)).toHaveLength(2);
  });

  it('a k6 file without p(95) is bad input naming the field', async () => {
    const k6 = path.join(tempDir(), 'k6.json');
    fs.writeFileSync(k6, JSON.stringify({ metrics: {} }));
    const r = await cli(['measure', 'taxi', '1.0.0', '--k6-summary', k6, '--models-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${k6}: metrics.http_req_duration.p(95): is required`);
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
      const r = await cli(['measure', 'taxi', '1.0.0', '--endpoint', srv.url, '--requests', '5', '--warmup', '0',
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
      const r = await cli(['measure', 'taxi', '1.0.0', '--endpoint', srv.url, '--requests', '20', '--models-dir', dir]);
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
    const r = await cli(['measure', 'taxi', '1.0.0', '--endpoint', url, '--models-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot reach ${url}`);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('a server too slow to answer: "timed out after N ms", the model and version named', async () => {
    const srv = await serve(() => undefined); // never answers
    try {
      const r = await cli(['measure', 'taxi', '1.0.0', '--endpoint', srv.url, '--requests', '2', '--warmup', '0', '--timeout-ms', '150', '--models-dir', dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^modelship: taxi 1\.0\.0: --endpoint: 2 of 2 requests .* failed .*first: timed out after 150 ms\); no latency recorded\n$/);
    } finally {
      srv.close();
    }
  });
});
