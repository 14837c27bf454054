import { Command } from 'commander';
import { promote } from '../core/lifecycle';
import { commandResult, JSON_FLAG, printResult } from './command-result';
import { CommonOptions, MODELS_DIR_FLAG, now, storeOf } from './options';

export function registerPromote(program: Command): void {
  program
    .command('promote')
    .description('rolling: put a validated version in production; blue-green: load it into the idle slot as the preview')
    .argument('<name>', 'model name')
    .argument('<version>', 'a validated version')
    .option(...JSON_FLAG)
    .option(...MODELS_DIR_FLAG)
    .action((name: string, version: string, opts: CommonOptions & { json?: boolean }) => {
      const outcome = storeOf(opts).update(name, (r) => promote(r, version, now()));
      printResult(opts.json, commandResult('promote', name, version, outcome));
    });
}
