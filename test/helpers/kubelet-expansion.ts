/**
 * What the kubelet does to `command`, `args` and `env[].value` before a
 * container starts, ported from Kubernetes'
 * third_party/forked/golang/expansion/expand.go: `$$` becomes `$`, `$(NAME)`
 * becomes NAME's value when NAME is defined (earlier in `env` for env values,
 * anywhere in it for command and args) and stays as written otherwise.
 */
export function kubeletExpand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] === '$' && cursor + 1 < input.length) {
      out += input.slice(checkpoint, cursor);
      const rest = input.slice(cursor + 1);
      let advance = 1;
      if (rest[0] === '$') {
        out += '$';
      } else if (rest[0] === '(') {
        const close = rest.indexOf(')', 1);
        if (close === -1) {
          out += '$(';
        } else {
          const name = rest.slice(1, close);
          out += lookup(name) ?? `$(${name})`;
          advance = close + 1;
        }
      } else {
        out += `$${rest[0]}`;
      }
      cursor += advance;
      checkpoint = cursor + 1;
    }
  }
  return out + input.slice(checkpoint);
}

interface Container {
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string }[];
}

/** The container as the process sees it: env, command and args after the kubelet's expansion. */
export function asKubeletRuns<T extends Container>(c: T): T {
  const env = new Map<string, string>();
  const outEnv = (c.env ?? []).map((e) => {
    if (e.value === undefined) return e;
    const value = kubeletExpand(e.value, (n) => env.get(n));
    env.set(e.name, value);
    return { ...e, value };
  });
  const expand = (s: string) => kubeletExpand(s, (n) => env.get(n));
  return {
    ...c,
    ...(c.env ? { env: outEnv } : {}),
    ...(c.command ? { command: c.command.map(expand) } : {}),
    ...(c.args ? { args: c.args.map(expand) } : {}),
  };
}
