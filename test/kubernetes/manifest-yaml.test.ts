import { spawnSync } from 'node:child_process';
import { parse, parseAllDocuments, visit } from 'yaml';
import { manifestYaml } from '../../src/kubernetes/manifest-yaml';
import { renderManifest } from '../../src/kubernetes/render-manifests';
import { byKindName, parseManifest } from '../helpers/kube';
import { record, version } from '../helpers/records';

/*
 * What kubectl makes of a manifest: sigs.k8s.io/yaml over go-yaml v2. Its scanner
 * is a port of libyaml (read here with PyYAML's C loader), and it resolves an
 * unquoted scalar by go-yaml v2's resolve.go: the 1.1 word table, then
 * strconv.ParseInt(s, 0, 64), then its YAML float pattern. Both are consumers
 * independent of the writer under test.
 */

/** go-yaml v2 (resolve.go): would this plain scalar be read as something other than a string? */
function goReadsAsNonString(plain: string): boolean {
  const words = ['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
    'on', 'On', 'ON', 'off', 'Off', 'OFF', '~', 'null', 'Null', 'NULL', '', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF',
    '-.inf', '-.Inf', '-.INF', '.nan', '.NaN', '.NAN', '<<'];
  if (words.includes(plain)) return true;
  // resolve.go drops every underscore before it tries the numbers.
  const bare = plain.replace(/_/g, '');
  // strconv.ParseInt(s, 0, 64): sign, then a base prefix (0x, 0o, 0b, or 0 for octal) and digits.
  if (/^[-+]?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.test(bare)) return true;
  return /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(bare);
}

/** Every plain (unquoted) scalar of a YAML stream that YAML 1.1 reads as a string, keys included. */
function plainStrings(text: string): string[] {
  const found: string[] = [];
  for (const doc of parseAllDocuments(text, { version: '1.1' })) {
    visit(doc, {
      Scalar(_, node) {
        if (node.type === 'PLAIN' && typeof node.value === 'string') found.push(node.source ?? String(node.value));
      },
    });
  }
  return found;
}

/** The stream through libyaml (PyYAML's C loader, YAML 1.1), as JSON. */
function libyaml(text: string): unknown[] {
  const r = spawnSync('python3', ['-c', 'import sys, json, yaml; print(json.dumps(list(yaml.load_all(sys.stdin.read(), Loader=yaml.CSafeLoader))))'], { input: text, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`libyaml refused the manifest: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const NUMBERISH = ['0o17', '0O17', '+0o17', '-0o17', '0o1_7', '0X1F', '0x_1F', '0B101', '-0b1', '1_000', '0755', '0x1F', '017', '1e3', '.5', '1e1_0', '0_x10', '_-1', '1_._5'];

describe('manifest YAML: every string reaches YAML 1.1, YAML 1.2 and Go readers as written', () => {
  it('quotes what Go would read as a number, values and keys alike, and nothing else changes', () => {
    const object = { values: Object.fromEntries(NUMBERISH.map((s, i) => [`k${i}`, s])), keys: Object.fromEntries(NUMBERISH.map((s) => [s, 'x'])), plain: ['abc', '1.0.0', 'v1'] };
    const text = manifestYaml([object]);
    expect(plainStrings(text).filter(goReadsAsNonString)).toEqual([]);
    expect(parse(text)).toEqual(object);
    expect(parse(text, { version: '1.1' })).toEqual(object);
    expect(libyaml(text)).toEqual([object]);
    // Strings no reader takes for anything else stay plain: the bytes of ordinary manifests do not change.
    expect(text).toContain('  - abc\n  - 1.0.0\n  - v1\n');
  });

  it('a multi-line string with a line starting with a tab, or lines of whitespace only, is double-quoted: as a block libyaml refuses or changes it', () => {
    const object = {
      command: ['sh', '-c', '\tset -e\n\texec serve --port 8080\n'], later: 'line one\n\tindented\n', blank: '  \n', inner: 'x\n  \ny',
      script: 'set -e\nexec serve\n',
    };
    const text = manifestYaml([object]);
    expect(text).toContain('- "\\tset -e\\n\\texec serve --port 8080\\n"');
    expect(text).toContain('later: "line one\\n\\tindented\\n"');
    // Other multi-line strings stay readable blocks.
    expect(text).toContain('script: |\n  set -e\n  exec serve\n');
    expect(libyaml(text)).toEqual([object]);
    expect(parse(text)).toEqual(object);
  });

  it('every short string of digits, signs, dots, underscores, base letters and blanks round-trips through every reader', () => {
    const alphabet = ['0', '1', '7', 'x', 'o', 'b', 'e', '_', '.', '-', '+', ' ', '\t', '\n'];
    const strings: string[] = [''];
    for (let length = 1; length <= 3; length++) {
      for (const prefix of strings.filter((x) => x.length === length - 1)) for (const c of alphabet) strings.push(prefix + c);
    }
    const object = { values: strings, keys: Object.fromEntries(strings.filter((x) => x !== '' && !x.includes('\n')).map((x, i) => [x, i])) };
    const text = manifestYaml([object]);
    expect(plainStrings(text).filter(goReadsAsNonString)).toEqual([]);
    expect(libyaml(text)).toEqual([object]);
    expect(parse(text)).toEqual(object);
    expect(parse(text, { version: '1.1' })).toEqual(object);
  });

  it('through synth: an env value, a label key and a node selector that read as numbers to Go arrive as strings', () => {
    const r = record({
      versions: [version('1.0.0', 'production')],
      serving: { ...record().serving, env: { MASK: '0o17' }, command: ['sh', '-c', '\tset -e\n\texec serve\n'] },
      deploy: { strategy: 'rolling', kubernetes: { namespace: 'ml-serving', labels: { '0o17': 'team-a' }, nodeSelector: { pool: '0X1F' } } },
    });
    const text = renderManifest(r);
    expect(plainStrings(text).filter(goReadsAsNonString)).toEqual([]);
    const [deployment] = (libyaml(text) as { kind: string; metadata: { labels: Record<string, string> }; spec: { template: { spec: Record<string, any> } } }[])
      .filter((o) => o.kind === 'Deployment');
    expect(deployment.metadata.labels['0o17']).toBe('team-a');
    const pod = deployment.spec.template.spec;
    expect(pod.nodeSelector).toEqual({ pool: '0X1F' });
    expect(pod.containers[0].env.find((e: { name: string }) => e.name === 'MASK').value).toBe('0o17');
    expect(pod.containers[0].command).toEqual(['sh', '-c', '\tset -e\n\texec serve\n']);
    expect(byKindName(parseManifest(text), 'Deployment', 'taxi-fare').spec.template.spec.nodeSelector).toEqual({ pool: '0X1F' });
  });
});
