/**
 * Where a CLI run writes, what it reads from its environment and what time it
 * is: the real process for users, values for tests that run the CLI inside a
 * jest worker (helm's commands take an output writer the same way). Commands
 * read nothing of this from `process` themselves, so two runs in one process
 * never see each other's environment or output.
 */
export interface CliContext {
  /** Results: tables, JSON, `wrote FILE` lines. */
  readonly stdout: CliOutput;
  /** Messages, progress and errors. */
  readonly stderr: CliOutput;
  /** The environment variables the run sees ($MODELSHIP_*, NO_COLOR, COLUMNS, DOCKER_CONFIG...). */
  readonly env: NodeJS.ProcessEnv;
  /** The wall clock, for the times a command records. */
  now(): Date;
}

/** A stream the CLI writes to. */
export interface CliOutput {
  write(text: string): void;
  /** True for a terminal: styling and progress bars only then. @default false */
  readonly isTTY?: boolean;
  /** The terminal's width, when it is one. @default undefined */
  readonly columns?: number;
}

/** The real process: its streams, its environment (read at each access) and its clock. */
export function processContext(): CliContext {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    get env() {
      return process.env;
    },
    now: () => new Date(),
  };
}

/** What a command gets: the run's world, and a way to end with a code other than 0 having said all it had to. */
export interface CommandContext extends CliContext {
  /** The exit code once the command returns (drift: 1 when the data drifted). */
  setExitCode(code: number): void;
}
