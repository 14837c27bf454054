/**
 * Exit codes are part of the CLI contract: CI pipelines branch on them, so the
 * kind of failure travels with the error instead of being guessed at the top.
 */
export const EXIT_POLICY = 1;
export const EXIT_INPUT = 2;
/** The machine failed a read or write (full disk, I/O error): sysexits' EX_IOERR. */
export const EXIT_IO = 74;

/** The user's input (a flag, a record, a file) is wrong: exit 2. */
export class InputError extends Error {
  readonly exitCode = EXIT_INPUT;
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** The input is well formed but policy forbids the action (a gate, a transition): exit 1. */
export class PolicyError extends Error {
  readonly exitCode = EXIT_POLICY;
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

/** The file system failed (full disk, I/O error); the command changed nothing: exit 74. */
export class IoError extends Error {
  readonly exitCode = EXIT_IO;
  constructor(message: string) {
    super(message);
    this.name = 'IoError';
  }
}

/** Runs `f`, naming the model in any error of ours it throws: every error about a version says whose. */
export function withModel<T>(model: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw isModelshipError(e) ? renamed(e, model) : e;
  }
}

/** The same kind of error (so the same exit code) with the model named first. */
export function renamed(e: InputError | PolicyError | IoError, model: string): InputError | PolicyError | IoError {
  if (e.message.startsWith(`${model}:`) || e.message.startsWith(`${model} `)) return e;
  const message = `${model}: ${e.message}`;
  return e instanceof InputError ? new InputError(message) : e instanceof IoError ? new IoError(message) : new PolicyError(message);
}

export function isModelshipError(e: unknown): e is InputError | PolicyError | IoError {
  return e instanceof InputError || e instanceof PolicyError || e instanceof IoError;
}
