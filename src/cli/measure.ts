import * as fs from 'node:fs';
import type { CliContext, CommandContext } from './cli-context';
import { Command, InvalidArgumentError } from 'commander';
import { InputError, isModelshipError, renamed } from '../core/errors';
import { Measurement, recordFigures, requireVersion } from '../core/lifecycle';
import type { Provenance } from '../core/record';
import { treeDigest } from '../core/tree-digest';
import { currentActor } from '../registry/actor';
import { CommonOptions, modelsDirFlag, now, parsePositiveInt, parsePositiveNumber, parseShare, parseWholeNumber, storeOf } from './options';
import { commandResult, JSON_FLAG, printResult, updateKeepingRefusal } from './command-result';
import { measureImage } from './measure-image';
import { progressBar } from './progress-bar';
import { addRegistryOptions, RegistryOptions } from './registry-options';

/** Errors of a measurement name the model and version they were for. */
async function about<T>(model: string, version: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw isModelshipError(e) ? renamed(e, `${model} ${version}`) : e;
  }
}

interface MeasureFlags extends CommonOptions, RegistryOptions {
  artifact?: string;
  image?: boolean;
  endpoint?: string;
  metrics?: string;
  dataset?: string;
  k6Summary?: string;
  vegetaReport?: string;
  requests: number;
  concurrency?: number;
  rate?: number;
  warmup: number;
  body?: string;
  contentType?: string;
  header: Record<string, string>;
  maxErrorRate: number;
  timeoutMs: number;
  json?: boolean;
}

const CLOSED_LOOP_CONCURRENCY = 8;
const MAX_OPEN_CONNECTIONS = 1024;
/** Between one request in 1,000 s and 100,000 a second: within a timer's range, and what one client can send. */
const MIN_RATE = 0.001;
const MAX_RATE = 100_000;

function parseRate(value: string): number {
  const range = `"${value}" must be a number of requests a second from ${MIN_RATE} to ${MAX_RATE}.`;
  let n: number;
  try {
    n = parsePositiveNumber(value);
  } catch {
    throw new InvalidArgumentError(range);
  }
  if (!Number.isFinite(n) || n < MIN_RATE || n > MAX_RATE) throw new InvalidArgumentError(range);
  return n;
}

// RFC 9110 token characters for a field name; a value must not break the line.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[^\r\n\0]*$/;

function collectHeader(value: string, previous: Record<string, string>): Record<string, string> {
  const i = value.indexOf(':');
  const name = i > 0 ? value.slice(0, i).trim() : '';
  const text = i > 0 ? value.slice(i + 1).trim() : '';
  if (!HEADER_NAME.test(name)) throw new InvalidArgumentError(`"${value}" is not NAME: VALUE with a valid header name.`);
  if (!HEADER_VALUE.test(text)) throw new InvalidArgumentError(`"${name}": a header value must not contain line breaks or NUL.`);
  return { ...previous, [name]: text };
}

const MODES = ['artifact', 'endpoint', 'image', 'metrics', 'k6Summary', 'vegetaReport'] as const;
const FLAG: Record<(typeof MODES)[number], string> = {
  artifact: '--artifact DIR', endpoint: '--endpoint URL', image: '--image', metrics: '--metrics FILE --dataset PATH',
  k6Summary: '--k6-summary FILE', vegetaReport: '--vegeta-report FILE',
};

/** What to measure, and the measurement with its provenance. */
async function measurement(ctx: CliContext, opts: MeasureFlags, at: string, who: string): Promise<{ m: Measurement; line: string }> {
  const actor = currentActor(ctx.env);
  const measured = (command: string, method: Provenance['method']): Provenance => ({ kind: 'measured', at, actor, command, method });
  if (opts.artifact) {
    const bar = progressBar(ctx.stderr);
    // One pass: the size is the sum of the bytes hashed, so size and digest cannot disagree.
    const r = await treeDigest(opts.artifact, { onProgress: bar.update }).finally(() => bar.done());
    return {
      m: { group: 'size', figures: { sizeBytes: r.sizeBytes, digest: r.digest }, provenance: measured('measure --artifact', { digest: r.digest, files: r.files }) },
      line: `${r.files} files, ${r.sizeBytes} bytes, ${r.digest}`,
    };
  }
  if (opts.metrics) {
    if (!opts.dataset) throw new InputError('measure --metrics: --dataset PATH is required (the evaluation set the metrics were computed on)');
    const { readMetrics, fileDigest } = await import('../measure/evaluation-metrics');
    const { metrics, sha256, statedDataset } = readMetrics(opts.metrics);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(opts.dataset);
    } catch (e) {
      throw new InputError(`--dataset: cannot read ${opts.dataset} (${(e as NodeJS.ErrnoException).code})`);
    }
    const datasetDigest = stat.isDirectory() ? (await treeDigest(opts.dataset)).digest : await fileDigest(opts.dataset);
    // Champion/challenger compares metrics of one digest only: a digest that is not the set they were computed on would compare anything.
    if (statedDataset !== undefined && statedDataset !== datasetDigest) {
      throw new InputError(`--metrics: ${opts.metrics} says it was computed on dataset ${statedDataset}, but --dataset ${opts.dataset} is ${datasetDigest}: give the evaluation set the metrics were computed on`);
    }
    return {
      m: {
        group: 'metrics', figures: { metrics, datasetDigest },
        // Who says the metrics were computed on that set: the metrics file too, or only CI's --dataset.
        provenance: measured('measure --metrics', {
          file: opts.metrics, fileSha256: `sha256:${sha256}`, dataset: datasetDigest, datasetFrom: statedDataset !== undefined ? 'metrics file and --dataset' : '--dataset',
        }),
      },
      line: `${Object.entries(metrics).map(([k, v]) => `${k} ${v}`).join(', ')} on dataset ${datasetDigest}`,
    };
  }
  if (opts.k6Summary || opts.vegetaReport) {
    const reports = await import('../measure/load-test-report');
    const r = opts.k6Summary ? reports.readK6Summary(opts.k6Summary) : reports.readVegetaReport(opts.vegetaReport as string);
    return {
      m: {
        group: 'latency',
        figures: {
          latencyP95Ms: r.p95Ms,
          ...(r.p50Ms !== undefined ? { latencyP50Ms: r.p50Ms } : {}),
          ...(r.p99Ms !== undefined ? { latencyP99Ms: r.p99Ms } : {}),
          ...(r.requests !== undefined ? { latencyRequests: r.requests } : {}),
          ...(r.errors !== undefined ? { latencyErrors: r.errors } : {}),
        },
        // Someone else's run: modelship cannot vouch for where or how it ran.
        provenance: { kind: 'declared', at, actor, source: r.source },
      },
      line: `p95 ${r.p95Ms} ms declared from ${r.source}`,
    };
  }
  const { measureLatency } = await import('../measure/endpoint-latency');
  // Open loop: by default a connection for every request that may be in flight within the timeout,
  // as independent users would have, so the client's own limit does not queue what the server could take.
  const concurrency = opts.concurrency ?? (opts.rate === undefined ? CLOSED_LOOP_CONCURRENCY : Math.min(MAX_OPEN_CONNECTIONS, Math.ceil(opts.rate * (opts.timeoutMs / 1000))));
  const url = new URL(opts.endpoint as string);
  let errorsSoFar = 0;
  const bar = progressBar(ctx.stderr, {
    minTotal: 1,
    amount: (done, total) => `${done}/${total} requests`,
    rate: (perSecond) => `${perSecond.toFixed(0)} req/s`,
    extra: () => `${errorsSoFar} errors`,
  });
  const r = await measureLatency({
    url: opts.endpoint as string, requests: opts.requests, concurrency, rate: opts.rate, warmup: opts.warmup,
    bodyFile: opts.body, contentType: opts.contentType, headers: opts.header, maxErrorRate: opts.maxErrorRate, timeoutMs: opts.timeoutMs,
    onProgress: (done, errors, total) => {
      errorsSoFar = errors;
      bar.update(done, total);
    },
  }).finally(() => bar.done());
  if (r.queued) {
    ctx.stderr.write(`modelship: ${who}: ${r.queued} of ${r.requests} requests waited for a free connection (--concurrency ${concurrency}), `
      + 'and their latency includes the wait: with more connections than rate x latency they would not have; '
      + 'the interval assumes independent requests, which these are not\n');
  }
  const ci = r.p95HighMs !== undefined && r.p95LowMs !== undefined ? ` (95% CI ${r.p95LowMs}-${r.p95HighMs} ms)` : ' (too few requests for a 95% CI)';
  return {
    m: {
      group: 'latency',
      figures: {
        latencyP50Ms: r.p50Ms, latencyP95Ms: r.p95Ms, latencyP99Ms: r.p99Ms, latencyRequests: r.requests, latencyErrors: r.errors,
        ...(r.p95LowMs !== undefined ? { latencyP95LowMs: r.p95LowMs } : {}),
        ...(r.p95HighMs !== undefined ? { latencyP95HighMs: r.p95HighMs } : {}),
      },
      // Host and path only: a query string may carry a token.
      provenance: measured('measure --endpoint', {
        host: url.host, path: url.pathname, method: opts.body ? 'POST' : 'GET', requests: r.requests, concurrency,
        ...(opts.rate !== undefined ? {
          loop: 'open', ratePerSecond: opts.rate, queued: r.queued ?? 0, dropped: r.dropped ?? 0, maxSendLagMs: r.maxSendLagMs ?? 0,
          ...(r.achievedRate !== undefined ? { achievedRatePerSecond: r.achievedRate } : {}),
        } : { loop: 'closed' }),
        warmup: opts.warmup, errors: r.errors, timeoutMs: opts.timeoutMs,
      }),
    },
    line: `p50 ${r.p50Ms} ms, p95 ${r.p95Ms} ms${ci}, p99 ${r.p99Ms} ms over ${r.requests} requests`
      + `${opts.rate !== undefined ? ` at ${opts.rate}/s (open loop, ${r.queued} waited for a connection)` : ''}, ${r.errors} errors`,
  };
}

export function registerMeasure(program: Command, ctx: CommandContext): void {
  const command = program
    .command('measure')
    .description('record measured figures: artifact size and digest, endpoint latency, or evaluation metrics; or import a load test as declared')
    .argument('<name>', 'model name')
    .argument('<version>', 'version')
    .option('--artifact <dir>', 'artifact tree to hash and size')
    .option('--endpoint <url>', 'URL to send requests to')
    .option('--image', 'resolve the version\'s tag in the candidate repository to its manifest digest and pin it')
    .option('--metrics <file>', 'JSON object of evaluation metrics, e.g. {"auc": 0.91}')
    .option('--dataset <path>', 'the evaluation set of --metrics (a file or a tree), identified by its digest')
    .option('--k6-summary <file>', 'import a k6 --summary-export JSON as a declared latency')
    .option('--vegeta-report <file>', 'import a vegeta JSON report as a declared latency')
    .option('--requests <n>', 'requests that count', parsePositiveInt, 200)
    .option('--concurrency <n>', `requests in flight at once (default ${CLOSED_LOOP_CONCURRENCY}; with --rate: connections, default rate x timeout, at most ${MAX_OPEN_CONNECTIONS})`, parsePositiveInt)
    .option('--rate <n>', `open loop: start n requests a second (${MIN_RATE} to ${MAX_RATE}) whatever the answers, each timed from when it was due; --timeout-ms then counts from the send`, parseRate)
    .option('--warmup <n>', 'requests sent first and not counted', parseWholeNumber, 10)
    .option('--body <file>', 'POST this file (else GET)')
    .option('--content-type <type>', 'Content-Type of --body (default: from its extension, application/json for .json)')
    .option('--header <k:v>', 'request header, repeatable', collectHeader, {})
    .option('--max-error-rate <x>', 'share of failed requests (0..1) that refuses the measurement', parseShare, 0.01)
    .option('--timeout-ms <n>', 'total deadline of one request, headers and body', parsePositiveInt, 10000)
    .option(...JSON_FLAG)
    .option(...modelsDirFlag(ctx));
  addRegistryOptions(command)
    .action(async (name: string, version: string, opts: MeasureFlags) => {
      const given = MODES.filter((k) => opts[k] !== undefined);
      if (given.length !== 1) {
        throw new InputError(`measure: give exactly one of ${MODES.map((k) => FLAG[k]).join(', ')}`);
      }
      if (opts.dataset && !opts.metrics) throw new InputError('measure: --dataset goes with --metrics FILE');
      const store = storeOf(opts, ctx);
      // Before a measurement that may take minutes, not after it.
      requireVersion(store.load(name), version);
      if (opts.image) {
        const { outcome, image } = await about(name, version, () => measureImage(ctx, store, name, version, opts));
        printResult(ctx, opts.json, commandResult('measure', name, version, outcome, { kind: 'image', image }, `${name} ${version}: ${image}`));
        return;
      }
      const at = now(ctx);
      const { m, line } = await about(name, version, () => measurement(ctx, opts, at, `${name} ${version}`));
      // Production's latency outside its gate is kept in the history only: recorded, then refused (exit 1).
      const { outcome, refusal } = updateKeepingRefusal(store, name, (r) => recordFigures(r, version, m, at));
      if (!refusal || opts.json) {
        printResult(ctx, opts.json, commandResult('measure', name, version, outcome,
          { kind: given[0], ...m.figures, provenance: m.provenance, ...(refusal ? { recorded: false } : {}) }, `${name} ${version}: ${line}`));
      }
      if (refusal) throw refusal;
    });
}
