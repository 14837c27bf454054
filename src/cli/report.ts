import { Command } from 'commander';
import type { CommandContext } from './cli-context';
import { CommonOptions, modelsDirFlag, now, parseShare, storeOf } from './options';

interface ReportFlags extends CommonOptions {
  out: string;
  suddenChange: number;
}

export function registerReport(program: Command, ctx: CommandContext): void {
  program
    .command('report')
    .description('write a static HTML report (index.html and models/<name>.html) with charts; opens from disk, no network')
    .argument('[name...]', 'models to report on (default: all)')
    .option('--out <dir>', 'output directory', 'report')
    .option('--sudden-change <share>', 'call out a figure that moves more than this share between consecutive versions', parseShare, 0.2)
    .option(...modelsDirFlag(ctx))
    .action(async (names: string[], opts: ReportFlags) => {
      const store = storeOf(opts, ctx);
      // Every record and history is read before anything is written.
      const inputs = (names.length ? names : store.names()).map((name) => ({ record: store.load(name), events: store.history(name) }));
      // Loaded here: vega is only paid for by the command that draws.
      const { writeReport } = await import('../report/write-report');
      // Named models: their pages only; the index summarizes every model, so only a whole report rewrites it.
      const { files, removed } = await writeReport(inputs, { out: opts.out, now: now(ctx), suddenChange: opts.suddenChange, complete: !names.length });
      for (const file of files) ctx.stdout.write(`wrote ${file}\n`);
      for (const file of removed) ctx.stdout.write(`removed ${file}\n`);
    });
}
