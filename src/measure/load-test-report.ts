import * as fs from 'node:fs';
import { InputError } from '../core/errors';

/** Latency figures someone else's load test reported, in ms. */
export interface ImportedLatency {
  readonly p50Ms?: number;
  readonly p95Ms: number;
  readonly p99Ms?: number;
  readonly requests?: number;
  readonly errors?: number;
  /** `k6 summary-export FILE` or `vegeta report FILE`: where the figures come from. */
  readonly source: string;
}

type Json = Record<string, unknown>;

function readJson(file: string, flag: string): Json {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${flag}: cannot read ${file} (${(e as NodeJS.ErrnoException).code})`);
  }
  try {
    const data = JSON.parse(text) as unknown;
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error('not an object');
    return data as Json;
  } catch (e) {
    throw new InputError(`${flag}: ${file} is not a JSON object (${(e as Error).message})`);
  }
}

function num(file: string, field: string, v: unknown, required: true): number;
function num(file: string, field: string, v: unknown, required: false): number | undefined;
function num(file: string, field: string, v: unknown, required: boolean): number | undefined {
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new InputError(`${file}: ${field}: must be a non-negative number, not ${JSON.stringify(v)}`);
  }
  return v;
}

const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

/**
 * `k6 run --summary-export FILE`: metrics.http_req_duration has `med`,
 * `p(95)` (and `p(99)` when summaryTrendStats asks for it) in ms;
 * http_reqs.count and http_req_failed.passes (the failed ones) count requests.
 */
export function readK6Summary(file: string): ImportedLatency {
  const metrics = obj(readJson(file, '--k6-summary').metrics);
  const d = obj(metrics.http_req_duration);
  if (!('p(95)' in d)) throw new InputError(`${file}: metrics.http_req_duration.p(95): is required (a k6 --summary-export JSON)`);
  return {
    p50Ms: num(file, 'metrics.http_req_duration.med', d.med, false),
    p95Ms: num(file, 'metrics.http_req_duration.p(95)', d['p(95)'], true),
    p99Ms: num(file, 'metrics.http_req_duration.p(99)', d['p(99)'], false),
    requests: num(file, 'metrics.http_reqs.count', obj(metrics.http_reqs).count, false),
    errors: num(file, 'metrics.http_req_failed.passes', obj(metrics.http_req_failed).passes, false),
    source: `k6 summary-export ${file}`,
  };
}

const NS_PER_MS = 1e6;

/**
 * `vegeta report -type=json`: latencies in nanoseconds (`50th`, `95th`,
 * `99th`), `requests`, and `success` as a share.
 */
export function readVegetaReport(file: string): ImportedLatency {
  const data = readJson(file, '--vegeta-report');
  const l = obj(data.latencies);
  if (!('95th' in l)) throw new InputError(`${file}: latencies.95th: is required (a vegeta report -type=json)`);
  const requests = num(file, 'requests', data.requests, false);
  const success = num(file, 'success', data.success, false);
  const ms = (k: string, required: boolean) => {
    const v = required ? num(file, `latencies.${k}`, l[k], true) : num(file, `latencies.${k}`, l[k], false);
    return v === undefined ? undefined : Math.round((v / NS_PER_MS) * 100) / 100;
  };
  return {
    p50Ms: ms('50th', false),
    p95Ms: ms('95th', true) as number,
    p99Ms: ms('99th', false),
    requests,
    errors: requests !== undefined && success !== undefined ? Math.round(requests * (1 - success)) : undefined,
    source: `vegeta report ${file}`,
  };
}
