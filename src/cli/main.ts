import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { EXIT_INPUT, isModelshipError } from '../core/errors';
import { registerAlias } from './alias';
import { registerBump } from './bump';
import { registerDrift } from './drift';
import { registerHistory } from './history';
import { registerInit } from './init';
import { registerMeasure } from './measure';
import { registerPromote } from './promote';
import { registerPrune } from './prune';
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

export function buildProgram(): Command {
  const program = new Command('modelship')
    .description('ship semver-versioned ML models to Kubernetes and Nomad')
    .version(packageVersion())
    .showSuggestionAfterError()
    .exitOverride();
  for (const register of [
    registerInit, registerBump, registerMeasure, registerValidate, registerPromote,
    registerSwitch, registerRollback, registerAlias, registerPrune, registerStatus, registerHistory, registerSynth, registerDrift,
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
    } else {
      fail(`internal error: ${(e as Error).stack ?? String(e)}`, 70);
    }
  }
}
