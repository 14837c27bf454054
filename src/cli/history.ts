import { Command } from 'commander';
import type { CliContext, CommandContext } from './cli-context';
import { aliasAt, aliasTimeline } from '../core/aliases';
import { InputError } from '../core/errors';
import type { HistoryEvent } from '../core/history-event';
import { eventDetailParts } from '../core/event-details';
import type { ModelRecord } from '../core/record';
import { requireStand } from '../core/stands';
import { abbreviateDigests } from './digest-display';
import { CommonOptions, modelsDirFlag, storeOf } from './options';
import { styleFor } from './style';
import { renderTable } from './table';

interface HistoryFlags extends CommonOptions {
  json?: boolean;
  alias?: string;
  at?: string;
  stand?: string;
}

export function registerHistory(program: Command, ctx: CommandContext): void {
  program
    .command('history')
    .description("a model's transitions, oldest first (digests abbreviated to 12 hex digits unless --json)")
    .argument('<name>', 'model name')
    .option('--json', 'machine-readable output, digests in full')
    .option('--alias <alias>', 'what the alias (or a stand\'s implicit alias) pointed at, and when')
    .option('--at <time>', 'with --alias: only the version it pointed at at this time (ISO-8601)')
    .option('--stand <stand>', 'only events in this stand')
    .option(...modelsDirFlag(ctx))
    .action((name: string, opts: HistoryFlags) => {
      const store = storeOf(opts, ctx);
      if (opts.at !== undefined && opts.alias === undefined) throw new InputError('--at needs --alias: it answers which version an alias pointed at');
      if (opts.alias !== undefined) {
        printAlias(ctx, store.load(name), store.history(name), opts.alias, opts);
        return;
      }
      let events = store.history(name);
      if (opts.stand !== undefined) {
        const record = store.load(name);
        requireStand(record, opts.stand);
        // Without declared stands every event is the one stand's.
        if (record.stands) events = events.filter((e) => e.stand === opts.stand);
      }
      if (opts.json) {
        ctx.stdout.write(JSON.stringify(events, null, 2) + '\n');
        return;
      }
      // The STAND column appears once a stand is recorded, so histories without stands read as before.
      const withStand = events.some((e) => e.stand !== undefined);
      ctx.stdout.write(renderTable(
        ['AT (UTC)', 'ACTOR', 'ACTION', ...(withStand ? ['STAND'] : []), 'VERSION', 'FROM', 'TO', 'DETAILS'],
        events.map((e) => [
          // Seconds are enough to read; --json keeps the milliseconds and the full digests.
          e.at.replace(/\.\d+Z$/, 'Z'), e.actor, e.action, ...(withStand ? [e.stand ?? '-'] : []), e.version ?? '-', e.from ?? '-', e.to ?? '-',
          abbreviateDigests(eventDetailParts(e.details).join(' ')),
        ]),
        styleFor(ctx),
      ));
    });
}

function printAlias(ctx: CliContext, record: ModelRecord, events: readonly HistoryEvent[], alias: string, opts: HistoryFlags): void {
  const timeline = aliasTimeline(record, events, alias);
  if (opts.at !== undefined) {
    const version = aliasAt(timeline, opts.at);
    ctx.stdout.write(opts.json ? `${JSON.stringify({ alias, at: opts.at, version })}\n` : `${version ?? '-'}\n`);
    return;
  }
  if (opts.json) {
    // Every period has the same keys: the open one says `until: null` rather than leaving it out.
    ctx.stdout.write(JSON.stringify(timeline.map((p) => ({ ...p, until: p.until ?? null })), null, 2) + '\n');
    return;
  }
  ctx.stdout.write(renderTable(
    ['FROM', 'UNTIL', 'VERSION', 'ACTION', 'ACTOR'],
    timeline.map((p) => [p.from, p.until ?? 'now', p.version ?? '-', p.action, p.actor]),
    styleFor(ctx),
  ));
}

