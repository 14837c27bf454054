import * as fs from 'node:fs';
import { Pool } from 'undici';
import { InputError, PolicyError } from '../core/errors';
import { lookup } from 'mime-types';
import { p95Interval } from '../core/p95-interval';
import { percentile } from '../core/percentiles';

export interface LatencyOptions {
  readonly url: string;
  /** Requests that count. */
  readonly requests: number;
  /** Requests in flight at once (and connections); with `rate`, the connections. */
  readonly concurrency: number;
  /**
   * Open loop: start a request every 1/rate seconds whether the earlier ones have
   * answered or not, and time each from when it was due. @default - closed loop:
   * `concurrency` workers, each sending its next request when the last one answered
   */
  readonly rate?: number;
  /**
   * Open loop: requests sent and not yet answered beyond which a due request is not sent but
   * counted as failed (`dropped`), as k6 drops iterations: memory stays bounded when a server
   * stops answering at a high rate. @default 10000
   */
  readonly maxPending?: number;
  /** Requests sent first and not counted: connection set-up, JIT, model warm-up. */
  readonly warmup: number;
  /** File whose bytes are POSTed; GET without. */
  readonly bodyFile?: string;
  /** Content-Type of the body. @default from the body file's extension (application/json for .json) */
  readonly contentType?: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Share of failed requests (0..1) above which the measurement is refused. */
  readonly maxErrorRate: number;
  /** Total deadline of one request: connecting, headers and the whole body. */
  readonly timeoutMs: number;
  /** Called after each counted request, for a progress display. */
  readonly onProgress?: (done: number, errors: number, total: number) => void;
}

export interface LatencyResult {
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** Distribution-free 95% interval of the p95; undefined on a side too few requests can bound. */
  readonly p95LowMs?: number;
  readonly p95HighMs?: number;
  readonly requests: number;
  readonly errors: number;
  /**
   * Open loop only: the requests due while every connection was busy (they waited in the
   * client, and their latency includes the wait): the server did not keep up with the rate
   * over that many connections.
   */
  readonly queued?: number;
  /** Open loop only: requests sent per second, first due to last sent (below the rate: the client fell behind). */
  readonly achievedRate?: number;
  /** Open loop only: the longest a request was sent after it was due, in ms (the client's own lag, counted as latency). */
  readonly maxSendLagMs?: number;
  /** Open loop only: requests not sent because too many were pending (counted in `errors`, as taking the timeout). */
  readonly dropped?: number;
  /** The first error seen, to tell the user what went wrong. */
  readonly firstError?: string;
}

const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function errorCode(e: unknown): string | undefined {
  const err = e as { code?: string; cause?: { code?: string } };
  return err?.code ?? err?.cause?.code;
}

/**
 * Sends real requests through an undici connection pool and reports latency
 * percentiles of all of them, a failed one (non-2xx, transport error, timeout)
 * counting as the whole timeout. Errors are counted too; too many of them
 * refuse the measurement, so a failing server cannot post a flattering
 * (fast-failing) latency, and the few an error budget lets through cannot hide
 * among the fast answers either.
 */
export async function measureLatency(o: LatencyOptions): Promise<LatencyResult> {
  let url: URL;
  try {
    url = new URL(o.url);
  } catch {
    throw new InputError(`--endpoint: "${o.url}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(`--endpoint: ${o.url}: only http and https are supported`);
  }
  const body = o.bodyFile !== undefined ? readBody(o.bodyFile) : undefined;
  const pool = new Pool(url.origin, { connections: o.concurrency, connectTimeout: o.timeoutMs });
  const pathAndQuery = `${url.pathname}${url.search}`;
  const contentType = o.contentType ?? (o.bodyFile !== undefined ? contentTypeOf(o.bodyFile) : undefined);
  const headers = { ...(body && contentType ? { 'content-type': contentType } : {}), ...o.headers };

  let busy = 0;
  let queued = 0;
  /** One request, timed from `start`: now, or in the open loop when it was due. */
  async function once(start = process.hrtime.bigint()): Promise<{ ok: boolean; ms: number; error?: string }> {
    if (busy >= o.concurrency) queued++;
    busy++;
    // One deadline for the whole exchange: a server that trickles bytes or never
    // ends its body fails the request instead of holding it open.
    const signal = AbortSignal.timeout(o.timeoutMs);
    try {
      const res = await pool.request({
        path: pathAndQuery, method: body ? 'POST' : 'GET', headers, body, signal,
        headersTimeout: o.timeoutMs, bodyTimeout: o.timeoutMs,
      });
      // The latency a client sees includes reading the whole answer, to its end.
      let received = 0;
      for await (const chunk of res.body) received += (chunk as Buffer).length;
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const declared = res.headers['content-length'];
      if (declared !== undefined && Number(declared) !== received) {
        return { ok: false, ms, error: `truncated response: ${received} of ${declared} bytes` };
      }
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      return { ok, ms, error: ok ? undefined : `HTTP ${res.statusCode}` };
    } catch (e) {
      const code = errorCode(e);
      if (code && CONNECT_ERRORS.has(code)) {
        const why = code === 'UND_ERR_CONNECT_TIMEOUT' ? `connecting timed out after ${o.timeoutMs} ms` : code;
        throw new InputError(`--endpoint: cannot reach ${o.url} (${why})`);
      }
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const timedOut = signal.aborted || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
      return { ok: false, ms, error: timedOut ? `timed out after ${o.timeoutMs} ms` : code ?? (e as Error).message };
    } finally {
      busy--;
    }
  }

  async function run(total: number, record: (r: { ok: boolean; ms: number; error?: string }) => void): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < total) {
        next++;
        record(await once());
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.concurrency, total) }, worker));
  }

  /** What the client did, beside what the server answered: the rate it sent at and its worst lag. */
  interface Schedule { readonly achievedRate?: number; readonly maxSendLagMs: number }
  const maxPending = o.maxPending ?? 10_000;
  let dropped = 0;
  /**
   * The open loop (wrk2's, k6's constant arrival rate): request i is due at i/rate seconds and
   * is timed from then, so a stall delays every request due during it, as it delays every user.
   * A closed loop would send nothing while its workers wait, and count one slow request per worker.
   */
  async function runAtRate(total: number, rate: number, record: (r: { ok: boolean; ms: number; error?: string }) => void): Promise<Schedule> {
    const t0 = process.hrtime.bigint();
    const sent: Promise<void>[] = [];
    // A request that cannot reach the server at all stops the run, once every sent one is settled:
    // caught as it happens, not left to reject unobserved while the loop still sleeps.
    let stop: unknown;
    let last = t0;
    let maxSendLagMs = 0;
    for (let i = 0; i < total && stop === undefined; i++) {
      const due = t0 + BigInt(Math.round((i * 1e9) / rate));
      const wait = Number(due - process.hrtime.bigint()) / 1e6;
      // Behind schedule, still give the answers a turn: without it no response is read, and
      // every request would look pending until the loop ends.
      await new Promise((r) => (wait >= 1 ? setTimeout(r, wait) : setImmediate(r)));
      // A timer may fire a little early: a request sent before it was due is timed from when it was sent.
      const now = process.hrtime.bigint();
      const start = now < due ? now : due;
      maxSendLagMs = Math.max(maxSendLagMs, Number(now - due) / 1e6);
      last = now;
      if (busy >= maxPending) {
        dropped++;
        record({ ok: false, ms: o.timeoutMs, error: `dropped: ${busy} requests were pending (the client holds at most ${maxPending})` });
        continue;
      }
      sent.push(once(start).then(record, (e: unknown) => {
        stop ??= e;
      }));
    }
    await Promise.all(sent);
    if (stop !== undefined) throw stop;
    const seconds = Number(last - t0) / 1e9;
    return { achievedRate: total > 1 && seconds > 0 ? (total - 1) / seconds : undefined, maxSendLagMs };
  }

  try {
    // Closed: at most `concurrency` requests are out, so none of them queued.
    await run(o.warmup, () => undefined);
    const latencies: number[] = [];
    let errors = 0;
    let firstError: string | undefined;
    const counted = async (total: number, record: (r: { ok: boolean; ms: number; error?: string }) => void): Promise<Schedule | undefined> => {
      if (o.rate !== undefined) return runAtRate(total, o.rate, record);
      await run(total, record);
      return undefined;
    };
    const schedule = await counted(o.requests, (r) => {
      // A request that failed or timed out gave the user no answer within the timeout: it counts as
      // taking all of it. Left out, a server that hangs on a few requests would post the p95 of the rest.
      latencies.push(r.ok ? r.ms : Math.max(r.ms, o.timeoutMs));
      if (!r.ok) {
        errors++;
        firstError ??= r.error;
      }
      o.onProgress?.(latencies.length, errors, o.requests);
    });
    const rate = errors / o.requests;
    if (rate > o.maxErrorRate || errors === o.requests) {
      throw new PolicyError(
        `--endpoint: ${errors} of ${o.requests} requests to ${o.url} failed${dropped ? ` (${dropped} of them dropped by the client, not sent)` : ''} `
        + `(${(rate * 100).toFixed(1)}% > ${(o.maxErrorRate * 100).toFixed(1)}% allowed; first: ${firstError}); no latency recorded`,
      );
    }
    const round = (n: number) => Math.round(n * 100) / 100;
    const ci = p95Interval(latencies);
    return {
      ...(ci.low !== undefined ? { p95LowMs: round(ci.low) } : {}),
      ...(ci.high !== undefined ? { p95HighMs: round(ci.high) } : {}),
      p50Ms: round(percentile(latencies, 50)),
      p95Ms: round(percentile(latencies, 95)),
      p99Ms: round(percentile(latencies, 99)),
      requests: o.requests,
      errors,
      ...(schedule ? {
        queued,
        dropped,
        ...(schedule.achievedRate !== undefined ? { achievedRate: round(schedule.achievedRate) } : {}),
        maxSendLagMs: round(schedule.maxSendLagMs),
      } : {}),
      firstError,
    };
  } finally {
    await pool.close();
  }
}

function readBody(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new InputError(`--body: cannot read ${file} (${(e as NodeJS.ErrnoException).code})`);
  }
}

/** What the body file is, by its extension: `application/json` for `.json`. */
export function contentTypeOf(file: string): string {
  return lookup(file) || 'application/octet-stream';
}
