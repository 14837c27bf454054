import { Command } from 'commander';
import { validate } from '../core/lifecycle';
import { commandResult, JSON_FLAG, printResult, updateKeepingRefusal } from './command-result';
import { CommonOptions, MODELS_DIR_FLAG, now, parseNonNegativeNumber, parseWholeNumber, storeOf } from './options';

interface ValidateFlags extends CommonOptions {
  json?: boolean;
  sizeBytes?: number;
  latencyP95Ms?: number;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('apply the gates: validated (exit 0) or rejected (exit 1, with the gate and by how much)')
    .argument('<name>', 'model name')
    .argument('<version>', 'version')
    .option('--size-bytes <n>', 'artifact size in bytes (else the recorded one)', parseWholeNumber)
    .option('--latency-p95-ms <x>', 'p95 latency in ms (else the recorded one)', parseNonNegativeNumber)
    .option(...JSON_FLAG)
    .option(...MODELS_DIR_FLAG)
    .action((name: string, version: string, opts: ValidateFlags) => {
      const { outcome, refusal } = updateKeepingRefusal(storeOf(opts), name, (r) =>
        validate(r, version, { sizeBytes: opts.sizeBytes, latencyP95Ms: opts.latencyP95Ms, now: now() }));
      // A rejection is recorded, so it is reported like a success, then refused (exit 1, the reason on stderr).
      if (!refusal || opts.json) printResult(opts.json, commandResult('validate', name, version, outcome, { gates: outcome.verdict.results }));
      if (refusal) throw refusal;
    });
}
