import { InvalidArgumentError } from 'commander';
import { currentActor } from '../registry/actor';
import { ModelStore } from '../registry/model-store';
import { lockTimeoutMs } from '../registry/record-lock';
import type { CliContext } from './cli-context';

/** Options every command takes. */
export interface CommonOptions {
  modelsDir: string;
}

/** The records' directory: the flag, else $MODELSHIP_MODELS_DIR (as the cdk8s and cdktf apps read it), else ./models. */
export function modelsDirFlag(ctx: CliContext): readonly [string, string, string] {
  return ['--models-dir <dir>', 'directory of model records; $MODELSHIP_MODELS_DIR sets the default', ctx.env.MODELSHIP_MODELS_DIR || './models'];
}

/** The store, with the run's actor, clock, lock timeout and message stream. */
export function storeOf(opts: CommonOptions, ctx: CliContext): ModelStore {
  return new ModelStore(opts.modelsDir, {
    actor: () => currentActor(ctx.env),
    now: () => ctx.now(),
    lockTimeoutMs: lockTimeoutMs(ctx.env),
    notify: (line) => ctx.stderr.write(`modelship: ${line}\n`),
  });
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

/** The run's clock to the second, as records store times. */
export function now(ctx: CliContext): string {
  return ctx.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
}
