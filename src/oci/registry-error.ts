import { InputError, PolicyError } from '../core/errors';

/** What a registry said, named by registry, repository and status, so the user knows whom to ask. */
export interface RegistryFailure {
  readonly registry: string;
  readonly repository: string;
  /** What was being done, e.g. `GET manifest 1.0.0`. */
  readonly operation: string;
  /** HTTP status, or undefined when no answer came. */
  readonly status?: number;
  /** The registry's own error codes and messages, or the network error. */
  readonly detail: string;
}

function describe(f: RegistryFailure): string {
  const status = f.status === undefined ? 'no answer' : `HTTP ${f.status}`;
  return `registry ${f.registry}, repository ${f.repository}: ${f.operation}: ${status}${f.detail ? `: ${f.detail}` : ''}`;
}

/**
 * The registry refused (denied, unauthorized, unsupported): a decision of the
 * registry's policy, exit 1.
 */
export class RegistryRefusal extends PolicyError {
  constructor(readonly failure: RegistryFailure) {
    super(describe(failure));
  }
}

/**
 * The registry cannot be reached, does not have what was asked for, or
 * answered something that is not the Distribution API: bad input, exit 2.
 */
export class RegistryInputError extends InputError {
  constructor(readonly failure: RegistryFailure) {
    super(describe(failure));
  }
}

/** 401/403/405 are the registry's decisions; the rest says the request or the answer is wrong. */
export function registryError(failure: RegistryFailure): RegistryRefusal | RegistryInputError {
  return failure.status === 401 || failure.status === 403 || failure.status === 405
    ? new RegistryRefusal(failure)
    : new RegistryInputError(failure);
}
