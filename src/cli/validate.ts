import { Command } from 'commander';
import { validate } from '../core/lifecycle';
import { CommonOptions, MODELS_DIR_FLAG, now, parseNonNegativeNumber, parseWholeNumber, storeOf } from './options';

interface ValidateFlags extends CommonOptions {
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
    .option(...MODELS_DIR_FLAG)
    .action((name: string, version: string, opts: ValidateFlags) => {
      const outcome = storeOf(opts).update(name, (r) =>
        validate(r, version, { sizeBytes: opts.sizeBytes, latencyP95Ms: opts.latencyP95Ms, now: now() }));
      process.stdout.write(`${outcome.summary}\n`);
    });
}
