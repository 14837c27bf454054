import { Document, stringify, visit } from 'yaml';
import type { CreateNodeOptions, DocumentOptions, ScalarTag, SchemaOptions, ToStringOptions } from 'yaml';

/**
 * Plain scalars that Go reads as numbers though YAML 1.1 does not: kubectl reads
 * manifests with sigs.k8s.io/yaml over go-yaml v2, whose resolve.go drops every
 * `_` and then tries `strconv.ParseInt(s, 0, 64)` (`0o17`, `0O17`, `0X1F`,
 * `0B101`, `+0o17`, `0_x10`) and its float pattern (`1e1_0`) before it calls a
 * scalar a string; YAML 1.2 reads `0o17` as 15. As a compat tag, any string it
 * matches is quoted, so it stays a string.
 */
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|[0-9]+)$/;
const GO_YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** Called for every plain string of every manifest: most start with a letter or `/`, and are settled by their first character. */
function goReadsAsNumber(s: string): boolean {
  if (!/^[-+._0-9]/.test(s)) return false;
  const plain = s.replace(/_/g, '');
  return plain !== '' && (GO_INT.test(plain) || GO_YAML_FLOAT.test(plain));
}

const GO_INTEGER: ScalarTag = {
  tag: 'tag:modelship.io,2026:go-number',
  default: true,
  // yaml calls `test.test(string)`: an object with that method does what one pattern cannot, strip the underscores first.
  test: { test: goReadsAsNumber } as unknown as RegExp,
  resolve: (s: string) => s,
};

/** cdk8s' Yaml.stringify options (YAML 1.1, undefined kept, no folding), and quoting for Go's readers too. */
const OPTIONS: DocumentOptions & SchemaOptions & CreateNodeOptions & ToStringOptions = { keepUndefined: true, lineWidth: 0, version: '1.1', compat: [GO_INTEGER] };

/**
 * Multi-line strings that yaml would write as a block scalar (`|`) that readers
 * take differently: a line starting with a tab (libyaml and go-yaml expect
 * indentation there and refuse the file), or lines of whitespace only (a `|+`
 * block of them arrives as bare newlines). Double-quoted, they are escapes.
 */
const TAB_FIRST_BLOCK = (s: string) => s.includes('\n') && (/(^|\n)\t/.test(s) || /(^|\n)[ \t]+(\n|$)/.test(s));

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
