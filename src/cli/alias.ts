import { Command } from 'commander';
import { listAliases, removeAlias, setAlias } from '../core/aliases';
import { CommonOptions, MODELS_DIR_FLAG, storeOf } from './options';
import { dim } from './style';
import { renderTable } from './table';

interface AliasListFlags extends CommonOptions {
  json?: boolean;
}

export function registerAlias(program: Command): void {
  const alias = program
    .command('alias')
    .description('named pointers to versions (champion, challenger, ...); each stand is an implicit alias of its live version');
  alias
    .command('set')
    .description('point an alias at a version (moving it if it pointed elsewhere)')
    .argument('<name>', 'model name')
    .argument('<alias>', 'letters, digits, _ and -; not latest, not v<digits>, not a stand')
    .argument('<version>', 'a version of the model')
    .option(...MODELS_DIR_FLAG)
    .action((name: string, a: string, version: string, opts: CommonOptions) => {
      process.stdout.write(`${storeOf(opts).update(name, (r) => setAlias(r, a, version)).summary}\n`);
    });
  alias
    .command('rm')
    .description('remove an alias')
    .argument('<name>', 'model name')
    .argument('<alias>', 'the alias')
    .option(...MODELS_DIR_FLAG)
    .action((name: string, a: string, opts: CommonOptions) => {
      process.stdout.write(`${storeOf(opts).update(name, (r) => removeAlias(r, a)).summary}\n`);
    });
  alias
    .command('list')
    .description("a model's aliases: the stands' live versions first, then the named ones")
    .argument('<name>', 'model name')
    .option('--json', 'machine-readable output')
    .option(...MODELS_DIR_FLAG)
    .action((name: string, opts: AliasListFlags) => {
      const rows = listAliases(storeOf(opts).load(name));
      if (opts.json) {
        process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        return;
      }
      process.stdout.write(renderTable(['ALIAS', 'VERSION', 'KIND'], rows.map((r) => [r.alias, r.version ?? dim('-'), r.kind])));
    });
  // Subcommands of a subcommand need the override too, so usage errors exit 2 rather than commander's 1.
  alias.commands.forEach((c) => c.exitOverride());
}
