/**
 * The kubelet expands `$(VAR)` in a container's command, args and env values
 * and turns `$$` into `$`. Doubling every `$` makes any string arrive as
 * written: `$$(X)` becomes `$(X)`, and a lone `$` doubled comes back single.
 */
export function kubeletLiteral(s: string): string {
  return s.replace(/\$/g, '$$$$');
}
