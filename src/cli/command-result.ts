import type { Outcome } from '../core/lifecycle';
import type { CliContext } from './cli-context';
import type { Slots } from '../core/record';
import type { ModelStore } from '../registry/model-store';

/**
 * What a state-changing command printed with `--json`: one shape for promote,
 * switch, rollback, validate, bump and measure, so scripts parse them alike.
 */
export interface CommandResult {
  readonly command: 'bump' | 'measure' | 'validate' | 'promote' | 'switch' | 'rollback';
  readonly model: string;
  /** The version the command acted on (bump: the new one; switch and rollback: the one now live). */
  readonly version: string | null;
  /** False only for a recorded refusal (validate's rejection): the exit code is 1 then. */
  readonly ok: boolean;
  /** The line the command prints without --json. */
  readonly summary: string;
  /** That version's stage after the command. */
  readonly stage: string | null;
  /** The model after the command: its production version and blue-green slots. */
  readonly production: string | null;
  readonly slots: Slots | null;
  /** Stage changes and records the command appended to the history, in order. */
  readonly transitions: readonly { action: string; version: string | null; from: string | null; to: string | null }[];
  /** Command-specific figures: validate's gate results, measure's figures, bump's release. */
  readonly details: Readonly<Record<string, unknown>>;
}

export const JSON_FLAG = ['--json', `print the result as JSON (shape: README, "JSON output")`] as const;

export function commandResult(
  command: CommandResult['command'], model: string, version: string | null, outcome: Outcome,
  details: Record<string, unknown> = {}, summary = outcome.summary,
): CommandResult {
  const r = outcome.record;
  return {
    command, model, version, ok: !outcome.refusal, summary,
    stage: version ? r.versions.find((v) => v.version === version)?.stage ?? null : null,
    production: r.versions.find((v) => v.stage === 'production')?.version ?? null,
    slots: r.slots ?? null,
    transitions: outcome.events.map((e) => ({ action: e.action, version: e.version, from: e.from, to: e.to })),
    details,
  };
}

/** The summary line, or the whole result as JSON. */
export function printResult(ctx: CliContext, json: boolean | undefined, result: CommandResult): void {
  ctx.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `${result.summary}\n`);
}

/**
 * `store.update` that hands back the outcome of a recorded refusal (a
 * rejection is written, then refused) instead of losing it in the throw, so
 * `--json` can still describe what was recorded.
 */
export function updateKeepingRefusal<O extends Outcome>(store: ModelStore, name: string, step: (r: Parameters<Parameters<ModelStore['update']>[1]>[0]) => O): { outcome: O; refusal?: Error } {
  let computed: O | undefined;
  try {
    const outcome = store.update(name, (r) => (computed = step(r))) as O;
    return { outcome };
  } catch (e) {
    if (computed?.refusal !== undefined && computed.refusal === e) return { outcome: computed, refusal: e as Error };
    throw e;
  }
}

/** The version a switch or rollback made live, from its transitions. */
export function wentLive(outcome: Outcome): string | null {
  return outcome.events.find((e) => e.to === 'production')?.version ?? null;
}
