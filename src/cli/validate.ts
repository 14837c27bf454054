import { Command, Option } from 'commander';
import type { CommandContext } from './cli-context';
import { InputError } from '../core/errors';
import { recordFigures, validate } from '../core/lifecycle';
import { currentActor } from '../registry/actor';
import { commandResult, JSON_FLAG, printResult, updateKeepingRefusal } from './command-result';
import { CommonOptions, modelsDirFlag, now, parseNonNegativeNumber, storeOf } from './options';

interface ValidateFlags extends CommonOptions {
  json?: boolean;
  declaredLatencyP95Ms?: number;
  sizeBytes?: string;
  latencyP95Ms?: string;
}

export function registerValidate(program: Command, ctx: CommandContext): void {
  program
    .command('validate')
    .description('apply every gate: validated (exit 0), rejected (exit 1, which gate and by how much), or inconclusive (exit 1, stage unchanged)')
    .argument('<name>', 'model name')
    .argument('<version>', 'version')
    .option('--declared-latency-p95-ms <x>', 'a p95 nobody measured here, recorded as declared by you (never replaces a measured one)', parseNonNegativeNumber)
    // Gone, and saying so when used (a typed size once replaced a measured one); not offered in --help.
    .addOption(new Option('--size-bytes <n>', 'removed: size comes only from measure --artifact').hideHelp())
    .addOption(new Option('--latency-p95-ms <x>', 'removed: use measure --endpoint, or --declared-latency-p95-ms').hideHelp())
    .option(...JSON_FLAG)
    .option(...modelsDirFlag(ctx))
    .action((name: string, version: string, opts: ValidateFlags) => {
      if (opts.sizeBytes !== undefined) {
        throw new InputError(`validate: --size-bytes is gone: size and digest come only from \`modelship measure ${name} ${version} --artifact DIR\``);
      }
      if (opts.latencyP95Ms !== undefined) {
        throw new InputError(`validate: --latency-p95-ms is gone: measure it (\`modelship measure ${name} ${version} --endpoint URL\`) or declare it with --declared-latency-p95-ms`);
      }
      const store = storeOf(opts, ctx);
      const at = now(ctx);
      const p95 = opts.declaredLatencyP95Ms;
      // One update: a validation that refuses leaves no declared figure behind either.
      const { outcome, refusal } = updateKeepingRefusal(store, name, (r) => {
        if (p95 === undefined) return validate(r, version, { now: at });
        const declared = recordFigures(r, version, {
          group: 'latency', figures: { latencyP95Ms: p95 },
          provenance: { kind: 'declared', at, actor: currentActor(ctx.env), source: 'typed: validate --declared-latency-p95-ms' },
        }, at);
        const validated = validate(declared.record, version, { now: at });
        return { ...validated, events: [...declared.events, ...validated.events] };
      });
      // A rejection is recorded, so it is reported like a success, then refused (exit 1, the reason on stderr).
      if (!refusal || opts.json) printResult(ctx, opts.json, commandResult('validate', name, version, outcome, { gates: outcome.verdict.results }));
      if (refusal) throw refusal;
    });
}
