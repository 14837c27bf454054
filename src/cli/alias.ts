import { Command } from 'commander';
import type { CommandContext } from './cli-context';
import { listAliases, removeAlias, setAlias } from '../core/aliases';
import { CommonOptions, modelsDirFlag, storeOf } from './options';
import { styleFor } from './style';
import { renderTable } from './table';

interface AliasListFlags extends CommonOptions {
  json?: boolean;
}

export function registerAlias(program: Command, ctx: CommandContext): void {
  const alias = program
    .command('alias')
    .description('named pointers to versions (champion, challenger, ...); each stand is an implicit alias of its live version');
  alias
    .command('set')
    .description('point an alias at a version (moving it if it pointed elsewhere)')
    .argument('<name>', 'model name')
    .argument('<alias>', 'letters, digits, _ and -; not latest, not v<digits>, not a stand')
    .argument('<version>', 'a version of the model')
    .option(...modelsDirFlag(ctx))
    .action((name: string, a: string, version: string, opts: CommonOptions) => {
      ctx.stdout.write(`${storeOf(opts, ctx).update(name, (r) => setAlias(r, a, version)).summary}\n`);
    });
  alias
    .command('rm')
    .description('remove an alias')
    .argument('<name>', 'model name')
    .argument('<alias>', 'the alias')
    .option(...modelsDirFlag(ctx))
    .action((name: string, a: string, opts: CommonOptions) => {
      ctx.stdout.write(`${storeOf(opts, ctx).update(name, (r) => removeAlias(r, a)).summary}\n`);
    });
  alias
    .command('list')
    .description("a model's aliases: the stands' live versions first, then the named ones")
    .argument('<name>', 'model name')
    .option('--json', 'machine-readable output')
    .option(...modelsDirFlag(ctx))
    .action((name: string, opts: AliasListFlags) => {
      const rows = listAliases(storeOf(opts, ctx).load(name));
      if (opts.json) {
        ctx.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        return;
      }
      const style = styleFor(ctx);
      ctx.stdout.write(renderTable(['ALIAS', 'VERSION', 'KIND'], rows.map((r) => [r.alias, r.version ?? style.dim('-'), r.kind]), style));
    });
  // Subcommands of a subcommand need the override too, so usage errors exit 2 rather than commander's 1.
  alias.commands.forEach((c) => c.exitOverride());
}
