import { Command } from 'commander';
import { rollback } from '../core/lifecycle';
import { commandResult, JSON_FLAG, printResult, wentLive } from './command-result';
import { CommonOptions, MODELS_DIR_FLAG, now, storeOf } from './options';

export function registerRollback(program: Command): void {
  program
    .command('rollback')
    .description('put the previous production version back in production')
    .argument('<name>', 'model name')
    .option(...JSON_FLAG)
    .option(...MODELS_DIR_FLAG)
    .action((name: string, opts: CommonOptions & { json?: boolean }) => {
      const outcome = storeOf(opts).update(name, (r) => rollback(r, now()));
      printResult(opts.json, commandResult('rollback', name, wentLive(outcome), outcome));
    });
}
