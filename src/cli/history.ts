import { Command } from 'commander';
import { CommonOptions, MODELS_DIR_FLAG, storeOf } from './options';
import { renderTable } from './table';

interface HistoryFlags extends CommonOptions {
  json?: boolean;
}

export function registerHistory(program: Command): void {
  program
    .command('history')
    .description("a model's transitions, oldest first")
    .argument('<name>', 'model name')
    .option('--json', 'machine-readable output')
    .option(...MODELS_DIR_FLAG)
    .action((name: string, opts: HistoryFlags) => {
      const events = storeOf(opts).history(name);
      if (opts.json) {
        process.stdout.write(JSON.stringify(events, null, 2) + '\n');
        return;
      }
      process.stdout.write(renderTable(
        ['AT', 'ACTOR', 'ACTION', 'VERSION', 'FROM', 'TO', 'DETAILS'],
        events.map((e) => [
          e.at, e.actor, e.action, e.version ?? '-', e.from ?? '-', e.to ?? '-',
          Object.entries(e.details).filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object').map(([k, v]) => `${k}=${String(v)}`).join(' '),
        ]),
      ));
    });
}
