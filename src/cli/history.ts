import { Command } from 'commander';
import type { Provenance } from '../core/record';
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
          // Seconds are enough to read; --json keeps the milliseconds and the full digests.
          e.at.replace(/\.\d+Z$/, 'Z'), e.actor, e.action, e.version ?? '-', e.from ?? '-', e.to ?? '-',
          abbreviateDigests(detailsText(e.details)),
        ]),
      ));
    });
}

/** Scalars as k=v; the figures' provenance and metrics spelled out, since they are what a reader checks. */
function detailsText(details: Record<string, unknown>): string {
  const out = Object.entries(details)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k}=${String(v)}`);
  const metrics = details.metrics as Record<string, number> | undefined;
  if (metrics && typeof metrics === 'object') out.push(`metrics=${Object.entries(metrics).map(([k, v]) => `${k}:${v}`).join(',')}`);
  const p = details.provenance as Provenance | undefined;
  if (p && typeof p === 'object') out.push(p.kind === 'measured' ? `measured-by=${p.command ?? 'measure'}` : `declared=${p.source ?? 'typed'}`);
  return out.join(' ');
}
