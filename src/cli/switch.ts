import { Command } from 'commander';
import { switchInStand } from '../core/stand-lifecycle';
import { lastStand } from '../core/stands';
import { commandResult, JSON_FLAG, printResult, wentLive } from './command-result';
import { CommonOptions, MODELS_DIR_FLAG, now, storeOf } from './options';

export function registerSwitch(program: Command): void {
  program
    .command('switch')
    .description('blue-green: make the preview slot live; the old production keeps running idle')
    .argument('<name>', 'model name')
    .option('--stand <stand>', 'the stand to act in (default: the last, production)')
    .option(...JSON_FLAG)
    .option(...MODELS_DIR_FLAG)
    .action((name: string, opts: CommonOptions & { json?: boolean; stand?: string }) => {
      const outcome = storeOf(opts).update(name, (r) => switchInStand(r, opts.stand ?? lastStand(r), now()));
      printResult(opts.json, commandResult('switch', name, wentLive(outcome), outcome));
    });
}
