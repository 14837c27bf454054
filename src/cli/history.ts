import { Command } from 'commander';
import { abbreviateDigests } from './digest-display';
import { CommonOptions, MODELS_DIR_FLAG, storeOf } from './options';
import { renderTable } from './table';

interface HistoryFlags extends CommonOptions {
  json?: boolean;
}

export function registerHistory(program: Command): void {
  program
    .command('history')
    .description("a model's transitions, oldest first (digests abbreviated to 12 hex digits unless --json)")
    .argument('<name>', 'model name')
    .option('--json', 'machine-readable output, digests in full')
    .option(...MODELS_DIR_FLAG)
    .action((name: string, opts: HistoryFlags) => {
      const events = storeOf(opts).history(name);
      if (opts.json) {
        process.stdout.write(JSON.stringify(events, null, 2) + '\n');
        return;
      }
      process.stdout.write(renderTable(
        ['AT (UTC)', 'ACTOR', 'ACTION', 'VERSION', 'FROM', 'TO', 'DETAILS'],
        events.map((e) => [
          // Seconds are enough to read; --json keeps the milliseconds.
          e.at.replace(/\.\d+Z$/, 'Z'), e.actor, e.action, e.version ?? '-', e.from ?? '-', e.to ?? '-',
          abbreviateDigests(Object.entries(e.details).filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object').map(([k, v]) => `${k}=${String(v)}`).join(' ')),
        ]),
      ));
    });
}
