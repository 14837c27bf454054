import { Command } from 'commander';
import { promote } from '../core/lifecycle';
import { CommonOptions, MODELS_DIR_FLAG, now, storeOf } from './options';

export function registerPromote(program: Command): void {
  program
    .command('promote')
    .description('rolling: put a validated version in production; blue-green: load it into the idle slot as the preview')
    .argument('<name>', 'model name')
    .argument('<version>', 'a validated version')
    .option(...MODELS_DIR_FLAG)
    .action((name: string, version: string, opts: CommonOptions) => {
      const outcome = storeOf(opts).update(name, (r) => promote(r, version, now()));
      process.stdout.write(`${outcome.summary}\n`);
    });
}
