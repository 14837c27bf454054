import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PolicyError } from '../../src/core/errors';
import { measureLatency } from '../../src/measure/endpoint-latency';

describe('measureLatency, open loop', () => {
  it('does not hold more than maxPending requests: the rest are dropped, counted as failures, and too many refuse the figure', async () => {
    let arrived = 0;
    const open = new Set<http.ServerResponse>();
    // A server that takes every request and answers none.
    const server = http.createServer((_req, res) => {
      arrived++;
      open.add(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/predict`;
    try {
      const run = measureLatency({
        url, requests: 60, concurrency: 100, rate: 200, warmup: 0, headers: {}, maxErrorRate: 0.01, timeoutMs: 2000, maxPending: 10,
      });
      await expect(run).rejects.toThrow(PolicyError);
      await expect(run).rejects.toThrow(/60 of 60 requests .* failed \(50 of them dropped by the client, not sent\) .*first: dropped: 10 requests were pending \(the client holds at most 10\)/);
      // Only ten ever went out.
      expect(arrived).toBe(10);
    } finally {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('a fast server at a rate the loop cannot keep drops nothing: the answers are read while the loop is behind', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/predict`;
    try {
      // 3,000 requests due in 3 ms: far faster than one process sends them, with room for 50 pending.
      const r = await measureLatency({ url, requests: 3000, concurrency: 50, rate: 1_000_000, warmup: 0, headers: {}, maxErrorRate: 0, timeoutMs: 10000, maxPending: 50 });
      expect([r.errors, r.dropped]).toEqual([0, 0]);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
