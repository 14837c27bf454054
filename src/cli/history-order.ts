import type { HistoryEvent } from '../core/history-event';
import { InputError } from '../core/errors';
import type { ModelStore } from '../registry/model-store';
import type { CliContext } from './cli-context';

/**
 * The history, for the order of retirements (rollback, prune). A history that
 * cannot be read (a line cut by a crash, a merge marker) must not stop a
 * rollback: it is said, once, and the versions' retiredAt times decide instead.
 */
export function historyForOrder(store: ModelStore, name: string, ctx: CliContext): HistoryEvent[] | undefined {
  try {
    return store.history(name);
  } catch (e) {
    // Only the history's own trouble: a broken record is reported by the command itself.
    if (!(e instanceof InputError) || !e.message.startsWith(`${store.historyFile(name)}:`)) throw e;
    ctx.stderr.write(`modelship: ${e.message.split('\n')[0]}; going by the versions' retiredAt times instead\n`);
    return undefined;
  }
}
