import { Command } from 'commander';
import { switchSlots } from '../core/lifecycle';
import { commandResult, JSON_FLAG, printResult, wentLive } from './command-result';
import { CommonOptions, MODELS_DIR_FLAG, now, storeOf } from './options';

export function registerSwitch(program: Command): void {
  program
    .command('switch')
    .description('blue-green: make the preview slot live; the old production keeps running idle')
    .argument('<name>', 'model name')
    .option(...JSON_FLAG)
    .option(...MODELS_DIR_FLAG)
    .action((name: string, opts: CommonOptions & { json?: boolean }) => {
      const outcome = storeOf(opts).update(name, (r) => switchSlots(r, now()));
      printResult(opts.json, commandResult('switch', name, wentLive(outcome), outcome));
    });
}
