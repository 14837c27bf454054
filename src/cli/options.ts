import { InvalidArgumentError } from 'commander';
import { ModelStore } from '../registry/model-store';

/** Options every command takes. */
export interface CommonOptions {
  modelsDir: string;
}

/** The records' directory: the flag, else $MODELSHIP_MODELS_DIR (as the cdk8s and cdktf apps read it), else ./models. */
export const MODELS_DIR_FLAG = [
  '--models-dir <dir>', 'directory of model records; $MODELSHIP_MODELS_DIR sets the default', process.env.MODELSHIP_MODELS_DIR || './models',
] as const;

export function storeOf(opts: CommonOptions): ModelStore {
  return new ModelStore(opts.modelsDir);
}

export function parseWholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`"${value}" is not a whole number.`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`"${value}" is too large.`);
  return n;
}

export function parsePositiveInt(value: string): number {
  const n = parseWholeNumber(value);
  if (n < 1) throw new InvalidArgumentError(`"${value}" must be at least 1.`);
  return n;
}

export function parseNonNegativeNumber(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value)) throw new InvalidArgumentError(`"${value}" is not a non-negative number.`);
  return Number(value);
}

export function parseShare(value: string): number {
  const n = parseNonNegativeNumber(value);
  if (n > 1) throw new InvalidArgumentError(`"${value}" must be a share between 0 and 1.`);
  return n;
}

export function parsePositiveNumber(value: string): number {
  const n = parseNonNegativeNumber(value);
  if (n <= 0) throw new InvalidArgumentError(`"${value}" must be greater than 0.`);
  return n;
}

export function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}
