/**
 * The kubelet expands `$(VAR)` and turns `$$` into `$` in a container's
 * `command`, `args` and `env[].value`, and nothing else does that to a value.
 * Doubling every `$` is the escape the API documents: the kubelet turns each
 * `$$` back into one `$`, so the process receives the value exactly as written.
 */
export function kubeletLiteral(value: string): string {
  return value.replace(/\$/g, '$$$$');
}
