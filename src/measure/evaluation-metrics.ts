import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { InputError } from '../core/errors';
import { JS_RESERVED_NAMES } from '../core/names';

/**
 * The key a metrics file may use to say which evaluation set it was computed
 * on (its digest, as `measure --dataset` computes it): the training run knows
 * what it evaluated on, CI only says what it meant to.
 */
export const STATED_DATASET_KEY = 'dataset';

/** What a `--metrics` file holds. */
export interface MetricsFile {
  readonly metrics: Record<string, number>;
  /** The file's own sha256 (hex). */
  readonly sha256: string;
  /** The evaluation set's digest, when the file states it under `dataset`. */
  readonly statedDataset?: string;
}

/**
 * The metrics in a `--metrics` file: one JSON object of finite numbers (what
 * MLflow's evaluate or a training pipeline writes), and optionally `dataset`,
 * the digest of the evaluation set they were computed on.
 */
export function readMetrics(file: string): MetricsFile {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new InputError(`--metrics: cannot read ${file} (${(e as NodeJS.ErrnoException).code})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new InputError(`--metrics: ${file} is not JSON (${(e as Error).message})`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError(`--metrics: ${file} must be a JSON object of metric names to numbers`);
  }
  const metrics: Record<string, number> = {};
  let statedDataset: string | undefined;
  for (const [k, v] of Object.entries(data)) {
    if (k === STATED_DATASET_KEY) {
      if (typeof v !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(v)) {
        throw new InputError(`${file}: ${k}: must be the digest of the evaluation set, sha256:<64 lowercase hex> (the tree digest of a directory), not ${JSON.stringify(v)}`);
      }
      statedDataset = v;
      continue;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k)) throw new InputError(`${file}: "${k}": not a metric name (letters, digits, _ . -)`);
    if (JS_RESERVED_NAMES.has(k)) throw new InputError(`${file}: "${k}": not a metric name modelship can keep (JavaScript objects reserve it)`);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`${file}: ${k}: must be a finite number, not ${JSON.stringify(v)}`);
    metrics[k] = v;
  }
  if (!Object.keys(metrics).length) throw new InputError(`--metrics: ${file} has no metrics`);
  return { metrics, sha256: crypto.createHash('sha256').update(bytes).digest('hex'), ...(statedDataset ? { statedDataset } : {}) };
}

/** sha256 of a file, as `sha256:<hex>`, streamed. */
export async function fileDigest(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
