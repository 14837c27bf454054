import { Command } from 'commander';
import { rollback } from '../core/lifecycle';
import { CommonOptions, MODELS_DIR_FLAG, now, storeOf } from './options';

export function registerRollback(program: Command): void {
  program
    .command('rollback')
    .description('put the previous production version back in production')
    .argument('<name>', 'model name')
    .option(...MODELS_DIR_FLAG)
    .action((name: string, opts: CommonOptions) => {
      const outcome = storeOf(opts).update(name, (r) => rollback(r, now()));
      process.stdout.write(`${outcome.summary}\n`);
    });
}
