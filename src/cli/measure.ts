import { Command, InvalidArgumentError } from 'commander';
import { InputError, isModelshipError, renamed } from '../core/errors';
import { recordFigures, requireVersion } from '../core/lifecycle';
import { treeDigest } from '../core/tree-digest';
import { CommonOptions, MODELS_DIR_FLAG, now, parsePositiveInt, parseShare, parseWholeNumber, storeOf } from './options';
import { commandResult, JSON_FLAG, printResult } from './command-result';
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
  requests: number;
  concurrency: number;
  warmup: number;
  body?: string;
  header: Record<string, string>;
  maxErrorRate: number;
  timeoutMs: number;
  json?: boolean;
}

function collectHeader(value: string, previous: Record<string, string>): Record<string, string> {
  const i = value.indexOf(':');
  if (i <= 0) throw new InvalidArgumentError(`"${value}" is not K:V.`);
  return { ...previous, [value.slice(0, i).trim()]: value.slice(i + 1).trim() };
}

export function registerMeasure(program: Command): void {
  const command = program
    .command('measure')
    .description('record an artifact tree\'s size and digest (--artifact) or an endpoint\'s latency (--endpoint)')
    .argument('<name>', 'model name')
    .argument('<version>', 'version')
    .option('--artifact <dir>', 'artifact tree to hash and size')
    .option('--endpoint <url>', 'URL to send requests to')
    .option('--image', 'resolve the version\'s tag in the candidate repository to its manifest digest and pin it')
    .option('--requests <n>', 'requests that count', parsePositiveInt, 200)
    .option('--concurrency <n>', 'requests in flight at once', parsePositiveInt, 8)
    .option('--warmup <n>', 'requests sent first and not counted', parseWholeNumber, 10)
    .option('--body <file>', 'POST this file (else GET)')
    .option('--header <k:v>', 'request header, repeatable', collectHeader, {})
    .option('--max-error-rate <x>', 'share of failed requests (0..1) that refuses the measurement', parseShare, 0.01)
    .option('--timeout-ms <n>', 'per-request timeout', parsePositiveInt, 10000)
    .option(...JSON_FLAG)
    .option(...MODELS_DIR_FLAG);
  addRegistryOptions(command)
    .action(async (name: string, version: string, opts: MeasureFlags) => {
      if ([opts.artifact, opts.endpoint, opts.image].filter(Boolean).length !== 1) {
        throw new InputError('measure: give exactly one of --artifact DIR, --endpoint URL or --image');
      }
      const store = storeOf(opts);
      const record = store.load(name);
      // Before a measurement that may take minutes, not after it.
      requireVersion(record, version);
      if (opts.image) {
        const { outcome, image } = await about(name, version, () => measureImage(store, name, version, opts));
        printResult(opts.json, commandResult('measure', name, version, outcome, { kind: 'image', image }, `${name} ${version}: ${image}`));
        return;
      }
      if (opts.artifact) {
        const bar = progressBar(process.stderr);
        const result = await about(name, version, () => treeDigest(opts.artifact as string, { onProgress: bar.update })).finally(() => bar.done());
        const outcome = store.update(name, (r) => recordFigures(r, version, { sizeBytes: result.sizeBytes, digest: result.digest }, now()));
        printResult(opts.json, commandResult('measure', name, version, outcome,
          { kind: 'artifact', files: result.files, sizeBytes: result.sizeBytes, digest: result.digest },
          `${name} ${version}: ${result.files} files, ${result.sizeBytes} bytes, ${result.digest}`));
        return;
      }
      const { measureLatency } = await import('../measure/endpoint-latency');
      let errorsSoFar = 0;
      const bar = progressBar(process.stderr, {
        minTotal: 1,
        amount: (done, total) => `${done}/${total} requests`,
        rate: (perSecond) => `${perSecond.toFixed(0)} req/s`,
        extra: () => `${errorsSoFar} errors`,
      });
      const result = await about(name, version, () => measureLatency({
        url: opts.endpoint as string, requests: opts.requests, concurrency: opts.concurrency, warmup: opts.warmup,
        bodyFile: opts.body, headers: opts.header, maxErrorRate: opts.maxErrorRate, timeoutMs: opts.timeoutMs,
        onProgress: (done, errors, total) => {
          errorsSoFar = errors;
          bar.update(done, total);
        },
      })).finally(() => bar.done());
      const figures = {
        latencyP50Ms: result.p50Ms, latencyP95Ms: result.p95Ms, latencyP99Ms: result.p99Ms,
        latencyRequests: result.requests, latencyErrors: result.errors,
      };
      const outcome = store.update(name, (r) => recordFigures(r, version, figures, now()));
      printResult(opts.json, commandResult('measure', name, version, outcome, { kind: 'endpoint', url: opts.endpoint, ...figures },
        `${name} ${version}: p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, p99 ${result.p99Ms} ms over ${result.requests} requests, ${result.errors} errors`));
    });
}
