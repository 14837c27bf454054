import type { CliOutput } from './cli-context';

/** Columns to fit: the terminal's own, else 80 (pipes and CI logs are read in 80-column viewers too). */
export function terminalWidth(stream: CliOutput, env: NodeJS.ProcessEnv): number {
  const fromEnv = Number(env.COLUMNS);
  if (stream.isTTY && stream.columns) return stream.columns;
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 80;
}
