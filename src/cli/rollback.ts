import { Command } from 'commander';
import type { CommandContext } from './cli-context';
import { rollbackInStand } from '../core/stand-lifecycle';
import { retirementOrder } from '../core/retired-order';
import { lastStand } from '../core/stands';
import { commandResult, JSON_FLAG, printResult, wentLive } from './command-result';
import { historyForOrder } from './history-order';
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
      const store = storeOf(opts, ctx);
      // Which version was retired last is the history's order, not the clocks': a runner whose clock was behind stamped
      // its retirement earlier than one made before it. Read first; a retirement appended since is missing from it,
      // and then the times decide.
      const events = historyForOrder(store, name, ctx);
      const outcome = store.update(name, (r) => {
        const stand = opts.stand ?? lastStand(r);
        return rollbackInStand(r, stand, now(ctx), { retirements: events && retirementOrder(events, stand, lastStand(r)) });
      });
      printResult(ctx, opts.json, commandResult('rollback', name, wentLive(outcome), outcome));
    });
}
