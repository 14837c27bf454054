import { Command } from 'commander';
import { switchSlots } from '../core/lifecycle';
import { CommonOptions, MODELS_DIR_FLAG, now, storeOf } from './options';

export function registerSwitch(program: Command): void {
  program
    .command('switch')
    .description('blue-green: make the preview slot live; the old production keeps running idle')
    .argument('<name>', 'model name')
    .option(...MODELS_DIR_FLAG)
    .action((name: string, opts: CommonOptions) => {
      const outcome = storeOf(opts).update(name, (r) => switchSlots(r, now()));
      process.stdout.write(`${outcome.summary}\n`);
    });
}
