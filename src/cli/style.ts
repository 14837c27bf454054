import type { CliContext, CliOutput } from './cli-context';

/** ANSI styling, or plain text where it would be noise. */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
}

const wrap = (on: boolean, open: number, close: number) => (s: string): string => (on ? `\u001b[${open}m${s}\u001b[${close}m` : s);

function style(on: boolean): Style {
  return { bold: wrap(on, 1, 22), dim: wrap(on, 2, 22), red: wrap(on, 31, 39), green: wrap(on, 32, 39), yellow: wrap(on, 33, 39) };
}

/** No escape codes: for files and anything not printed to a terminal. */
export const PLAIN: Style = style(false);

/** Styling only when the run's stdout is a terminal and NO_COLOR is unset: CI logs and pipes stay plain. */
export function styleFor(ctx: { stdout: CliOutput; env: CliContext['env'] }): Style {
  return style(Boolean(ctx.stdout.isTTY) && !ctx.env.NO_COLOR);
}

/** Length as the terminal shows it, without escape codes. */
export function visibleLength(s: string): number {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '').length;
}
