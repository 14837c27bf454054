import { PolicyError } from './errors';
import type { Stage } from './record';

/**
 * What moves a version from one stage to another. `retired -> production`
 * exists only as a rollback: a version taken out of service comes back only
 * as an explicit undo, never as a fresh promotion.
 */
export type TransitionCause = 'validate' | 'reject' | 'promote' | 'switch' | 'retire' | 'rollback';

const ALLOWED: Readonly<Record<TransitionCause, ReadonlyArray<readonly [Stage, Stage]>>> = {
  validate: [
    ['candidate', 'validated'],
    ['validated', 'validated'],
  ],
  reject: [
    ['candidate', 'rejected'],
    ['validated', 'rejected'],
  ],
  promote: [['validated', 'production']],
  switch: [['validated', 'production']],
  retire: [['production', 'retired']],
  rollback: [['retired', 'production']],
};

export function isAllowedTransition(from: Stage, to: Stage, cause: TransitionCause): boolean {
  return ALLOWED[cause].some(([f, t]) => f === from && t === to);
}

/** Throws a policy refusal (exit 1) that names the model, the version and both stages. */
export function assertTransition(version: string, from: Stage, to: Stage, cause: TransitionCause, model?: string): void {
  if (isAllowedTransition(from, to, cause)) return;
  const hint = HINTS[from];
  throw new PolicyError(
    `${model ? `${model} ` : ''}${version} is ${from}: ${cause} cannot move it to ${to}${hint ? ` (${hint})` : ''}`,
  );
}

const HINTS: Partial<Record<Stage, string>> = {
  candidate: 'a candidate must pass `modelship validate` first',
  rejected: 'a rejected version never reaches production; cut a new version with `modelship bump`',
  retired: 'a retired version returns to production only through `modelship rollback`',
  production: 'it is already in production',
};
