import type { Stage } from './record';

/** One line of `models/<name>.history.jsonl`. */
export interface HistoryEvent {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly version: string | null;
  readonly from: Stage | null;
  readonly to: Stage | null;
  readonly details: Readonly<Record<string, unknown>>;
  /** The stand the event happened in, for a record that declares stands. @default - production, the one stand */
  readonly stand?: string;
}

/** An event before the store stamps it with time and actor. */
export type PendingEvent = Omit<HistoryEvent, 'at' | 'actor'>;
