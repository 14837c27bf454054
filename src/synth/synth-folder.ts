import type { ModelRecord } from '../core/record';

/** Records rendered into one folder: `<out>` for records without stands, `<out>/<stand>` for each declared stand. */
export interface SynthFolder {
  readonly dir: string;
  /** @default - records without stands */
  readonly stand?: string;
  readonly records: readonly ModelRecord[];
}
