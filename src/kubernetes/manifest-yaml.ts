import { Document, stringify, visit } from 'yaml';
import type { CreateNodeOptions, DocumentOptions, ScalarTag, SchemaOptions, ToStringOptions } from 'yaml';

/**
 * Plain scalars that Go reads as numbers though YAML 1.1 does not: kubectl reads
 * manifests with sigs.k8s.io/yaml over go-yaml v2, which resolves an unquoted
 * scalar with `strconv.ParseInt(s, 0, 64)` (`0o17`, `0O17`, `0X1F`, `0B101`,
 * `+0o17`, underscores) before it calls it a string; YAML 1.2 reads `0o17` as 15.
 * As a compat tag, any string it matches is quoted, so it stays a string.
 */
const GO_INTEGER: ScalarTag = {
  tag: 'tag:modelship.io,2026:go-integer',
  default: true,
  test: /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO]?[0-7_]+|[0-9][0-9_]*)$/,
  resolve: (s: string) => s,
};

/** cdk8s' Yaml.stringify options (YAML 1.1, undefined kept, no folding), and quoting for Go's readers too. */
const OPTIONS: DocumentOptions & SchemaOptions & CreateNodeOptions & ToStringOptions = { keepUndefined: true, lineWidth: 0, version: '1.1', compat: [GO_INTEGER] };

/**
 * A multi-line string starting with a tab: as a block scalar (`|`) its first line
 * would begin with a tab where libyaml and go-yaml expect indentation, and they
 * refuse the file; double-quoted, the tab is an escape.
 */
const TAB_FIRST_BLOCK = (s: string) => s.startsWith('\t') && s.includes('\n');

function hasTabFirstBlock(value: unknown): boolean {
  if (typeof value === 'string') return TAB_FIRST_BLOCK(value);
  if (Array.isArray(value)) return value.some(hasTabFirstBlock);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasTabFirstBlock);
  return false;
}

/**
 * The objects as a YAML stream, as cdk8s' Yaml.stringify writes them, except
 * that every string reaches YAML 1.1, YAML 1.2 and Go readers as the same
 * string (the bytes are the same for any manifest without such a string).
 */
export function manifestYaml(objects: readonly unknown[]): string {
  return objects.map((o) => {
    if (!hasTabFirstBlock(o)) return stringify(o, OPTIONS);
    const doc = new Document(o, OPTIONS);
    visit(doc, {
      Scalar(_, node) {
        if (typeof node.value === 'string' && TAB_FIRST_BLOCK(node.value)) node.type = 'QUOTE_DOUBLE';
      },
    });
    return doc.toString(OPTIONS);
  }).join('---\n');
}
