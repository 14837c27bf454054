/**
 * A minimal HCL document builder that lays out as `nomad fmt` (hclwrite) does:
 * two-space indents, and the `=` of consecutive one-line attributes aligned.
 * Every string goes through quote(), so no record value can break the syntax
 * or smuggle in an interpolation.
 */
export type HclValue = string | number | boolean | readonly HclValue[];

export interface HclAttribute {
  readonly kind: 'attr';
  readonly name: string;
  readonly value: HclValue;
}

export interface HclBlock {
  readonly kind: 'block';
  readonly type: string;
  readonly labels: readonly string[];
  readonly body: readonly HclNode[];
}

export type HclNode = HclAttribute | HclBlock;

export const attr = (name: string, value: HclValue | undefined): HclAttribute[] =>
  value === undefined ? [] : [{ kind: 'attr', name, value }];

export const block = (type: string, labels: readonly string[], body: readonly (HclNode | HclNode[])[]): HclBlock => ({
  kind: 'block', type, labels, body: body.flat(),
});

/**
 * An HCL quoted string: escapes as HCL's string literal rules require, and
 * doubles `${` and `%{` so that template sequences in data stay literal text.
 */
export function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const next = s[i + 1];
    if (c === '\\') out += '\\\\';
    else if (c === '"') out += '\\"';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if ((c === '$' || c === '%') && next === '{') out += c + c;
    else if (c < ' ' || c === '\u007f') out += `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return out + '"';
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function key(name: string): string {
  return IDENT.test(name) ? name : quote(name);
}

function value(v: HclValue): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`HCL has no literal for ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return `[${v.map(value).join(', ')}]`;
}

function renderBody(nodes: readonly HclNode[], indent: string, lines: string[]): void {
  let i = 0;
  let first = true;
  while (i < nodes.length) {
    const n = nodes[i];
    if (n.kind === 'attr') {
      // hclwrite aligns the `=` of a run of consecutive attributes.
      let j = i;
      while (j < nodes.length && nodes[j].kind === 'attr') j++;
      const run = nodes.slice(i, j) as HclAttribute[];
      const width = Math.max(...run.map((a) => key(a.name).length));
      if (!first) lines.push('');
      for (const a of run) lines.push(`${indent}${key(a.name).padEnd(width)} = ${value(a.value)}`);
      i = j;
    } else {
      if (!first) lines.push('');
      const labels = n.labels.map((l) => ` ${quote(l)}`).join('');
      if (n.body.length === 0) {
        lines.push(`${indent}${n.type}${labels} {}`);
      } else {
        lines.push(`${indent}${n.type}${labels} {`);
        renderBody(n.body, indent + '  ', lines);
        lines.push(`${indent}}`);
      }
      i++;
    }
    first = false;
  }
}

export function renderHcl(nodes: readonly HclNode[]): string {
  const lines: string[] = [];
  renderBody(nodes, '', lines);
  return lines.join('\n') + '\n';
}
