import { Command } from 'commander';
import type { CommandContext } from './cli-context';
import { rollbackInStand } from '../core/stand-lifecycle';
import { lastStand } from '../core/stands';
import { commandResult, JSON_FLAG, printResult, wentLive } from './command-result';
import { CommonOptions, modelsDirFlag, now, storeOf } from './options';

export function registerRollback(program: Command, ctx: CommandContext): void {
  program
    .command('rollback')
    .description('put the previous production version back in production')
    .argument('<name>', 'model name')
    .option('--stand <stand>', 'the stand to act in (default: the last, production)')
    .option(...JSON_FLAG)
    .option(...modelsDirFlag(ctx))
    .action((name: string, opts: CommonOptions & { json?: boolean; stand?: string }) => {
      const outcome = storeOf(opts, ctx).update(name, (r) => rollbackInStand(r, opts.stand ?? lastStand(r), now(ctx)));
      printResult(ctx, opts.json, commandResult('rollback', name, wentLive(outcome), outcome));
    });
}
