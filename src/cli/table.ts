import { PLAIN, Style, visibleLength } from './style';

/** A plain text table with a bold header, columns padded to their widest cell. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], style: Style = PLAIN): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i] - visibleLength(c)))).join('  ').trimEnd();
  return [style.bold(line(header)), ...rows.map(line)].join('\n') + '\n';
}
