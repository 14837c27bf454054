import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
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

export function buildProgram(): Command {
  const program = new ModelshipCommand('modelship')
    .description('ship semver-versioned ML models to Kubernetes and Nomad')
    .version(packageVersion(), '-v, --version', 'print the version')
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'modelship: ')) })
    .showSuggestionAfterError()
    .exitOverride();
  for (const register of [
    registerInit, registerBump, registerMeasure, registerValidate, registerPromote,
    registerSwitch, registerRollback, registerAlias, registerPrune, registerStatus, registerHistory, registerReport, registerSynth, registerDrift, registerCompletion,
  ]) register(program);
  // Subcommands inherit the override, so usage errors reach run() as CommanderError.
  program.commands.forEach((c) => c.exitOverride());
  return program;
}

function fail(message: string, code: number): void {
  process.stderr.write(`modelship: ${message}\n`);
  process.exitCode = code;
}

/** Runs the CLI: exit 0 done, 1 refused by policy, 2 bad input or usage. */
export async function run(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv as string[]);
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has printed its message already; help and version are exit 0.
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_INPUT;
    } else if (isModelshipError(e)) {
      fail(e.message, e.exitCode);
    } else if (isSystemError(e)) {
      // A failed system call no command anticipated is still one line, not a stack trace.
      const problem = fileProblem(e);
      fail(problem.message, isModelshipError(problem) ? problem.exitCode : 70);
    } else {
      fail(`internal error: ${(e as Error).stack ?? String(e)}`, 70);
    }
  }
}
