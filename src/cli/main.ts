import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { CliContext, CommandContext, processContext } from './cli-context';
import { registerCompletion } from './completion';
import { EXIT_INPUT, isModelshipError } from '../core/errors';
import { fileProblem, isSystemError } from '../registry/file-errors';
import { registerAlias } from './alias';
import { registerBump } from './bump';
import { registerDrift } from './drift';
import { registerHistory } from './history';
import { registerInit } from './init';
import { registerMeasure } from './measure';
import { registerPromote } from './promote';
import { registerPrune } from './prune';
import { registerReport } from './report';
import { registerRollback } from './rollback';
import { registerStatus } from './status';
import { registerSwitch } from './switch';
import { registerSynth } from './synth';
import { registerValidate } from './validate';

/** The package's version, from src/cli (tests) or lib/src/cli (the built CLI). */
function packageVersion(): string {
  for (const up of ['../..', '../../..']) {
    const file = path.join(__dirname, up, 'package.json');
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

/**
 * commander's Command with the project's error voice: every message starts
 * `modelship: `, and a missing argument that has choices lists them.
 */
class ModelshipCommand extends Command {
  createCommand(name?: string): Command {
    return new ModelshipCommand(name);
  }

  missingArgument(name: string): never {
    const arg = this.registeredArguments.find((a) => a.name() === name);
    const choices = arg?.argChoices ? `: one of ${arg.argChoices.join(', ')}` : '';
    return this.error(`modelship: ${this.name()}: missing required argument '${name}'${choices}`, { code: 'commander.missingArgument', exitCode: 2 });
  }
}

/** A fresh program per run: commander keeps parsed options on the command objects. */
export function buildProgram(ctx: CommandContext = { ...processContext(), setExitCode: (code) => (process.exitCode = code) }): Command {
  const program = new ModelshipCommand('modelship')
    .description('ship semver-versioned ML models to Kubernetes and Nomad')
    .version(packageVersion(), '-v, --version', 'print the version')
    // Help, version and usage errors go to the run's streams too; subcommands inherit this.
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
      outputError: (text, write) => write(text.replace(/^error: /, 'modelship: ')),
      // commander's own default returns undefined off a terminal (then 80), though its types say number.
      getOutHelpWidth: () => (ctx.stdout.isTTY ? ctx.stdout.columns : undefined) as number,
      getErrHelpWidth: () => (ctx.stderr.isTTY ? ctx.stderr.columns : undefined) as number,
      getOutHasColors: () => Boolean(ctx.stdout.isTTY) && !ctx.env.NO_COLOR,
      getErrHasColors: () => Boolean(ctx.stderr.isTTY) && !ctx.env.NO_COLOR,
    })
    .showSuggestionAfterError()
    .exitOverride();
  for (const register of [
    registerInit, registerBump, registerMeasure, registerValidate, registerPromote,
    registerSwitch, registerRollback, registerAlias, registerPrune, registerStatus, registerHistory, registerReport, registerSynth, registerDrift, registerCompletion,
  ]) register(program, ctx);
  // Subcommands inherit the override, so usage errors reach run() as CommanderError.
  program.commands.forEach((c) => c.exitOverride());
  return program;
}

/**
 * Runs the CLI and returns its exit code: 0 done, 1 refused by policy, 2 bad
 * input or usage, 70 internal error. `argv` is node's (program and script
 * first); `ctx` is the world it runs in, the real process unless a test passes one.
 */
export async function run(argv: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  const fail = (message: string, code: number): number => {
    ctx.stderr.write(`modelship: ${message}\n`);
    return code;
  };
  let code = 0;
  try {
    await buildProgram({ ...ctx, setExitCode: (c) => (code = c) }).parseAsync(argv as string[]);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has printed its message already; help and version are exit 0.
      return e.exitCode === 0 ? 0 : EXIT_INPUT;
    } else if (isModelshipError(e)) {
      return fail(e.message, e.exitCode);
    } else if (isSystemError(e)) {
      // A failed system call no command anticipated is still one line, not a stack trace.
      const problem = fileProblem(e);
      return fail(problem.message, isModelshipError(problem) ? problem.exitCode : 70);
    }
    // One line for the user; the stack, for a bug report, only when asked for.
    const stack = ctx.env.MODELSHIP_DEBUG ? `\n${(e as Error).stack ?? ''}` : ' (a bug in modelship; MODELSHIP_DEBUG=1 prints the stack)';
    return fail(`internal error: ${String(e)}${stack}`, 70);
  }
}
