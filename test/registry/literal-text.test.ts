import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, exampleModelsDir, snapshotDir } from '../helpers/cli';

/*
 * A record's text reaches the Kubernetes and Nomad files as written, or the
 * record is refused: characters YAML 1.1 readers (kubectl) refuse or read as
 * line breaks, NUL, broken UTF-8, and keys a JavaScript object cannot keep.
 */

/** The example taxi-fare record with `line` inserted under `serving:` (two-space indent), or the text changed by `edit`. */
function withRecord(edit: (text: string) => string | Buffer): { dir: string; file: string } {
  const dir = exampleModelsDir();
  const file = path.join(dir, 'taxi-fare.yaml');
  fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
  return { dir, file };
}

const underServing = (line: string) => (text: string) => text.replace(/^serving:\n/m, `serving:\n${line}\n`);

describe('record text that cannot arrive as written is refused, naming the field', () => {
  it.each([
    ['DEL in an env value', '  env: { MASK: "a\\x7fb" }', 'serving.env.MASK: contains U+007F (a control character or non-character, which YAML readers such as kubectl refuse)'],
    ['a C1 control', '  env: { MASK: "a\\x9bb" }', 'serving.env.MASK: contains U+009B (a control character or non-character, which YAML readers such as kubectl refuse)'],
    ['NEL', '  env: { MASK: "a\\x85b" }', 'serving.env.MASK: contains U+0085 (a line break to YAML 1.1 readers such as kubectl)'],
    ['a line separator in an argument', '  args: ["--x=a\\u2028b"]', 'serving.args[0]: contains U+2028 (a line break to YAML 1.1 readers such as kubectl)'],
    ['NUL', '  command: ["serve\\0"]', "serving.command[0]: contains U+0000 (NUL, which ends a process's argument or environment string)"],
    ['half a surrogate pair', '  env: { MASK: "\\ud800x" }', 'serving.env.MASK: contains U+D800 (half of a surrogate pair, which no UTF-8 file can hold)'],
    ['a control character in a key', '  env: { "A\\x01": x }', 'serving.env.A\u0001: the name contains U+0001 (a control character or non-character, which YAML readers such as kubectl refuse)'],
  ])('%s: exit 2, nothing changed', async (_what, line, message) => {
    const { dir, file } = withRecord(underServing(line));
    const before = snapshotDir(dir);
    const r = await cli(['synth', '--out', path.join(dir, 'out'), '--models-dir', dir]);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `modelship: ${file}: ${message}\n` });
    expect(snapshotDir(dir)).toEqual(before);
  });

  it.each([
    ['a label', (t: string) => t.replace('    namespace: ml-serving\n', '    namespace: ml-serving\n    labels: { constructor: a, team: b }\n'), 'deploy.kubernetes.labels.constructor'],
    ['a node selector', (t: string) => t.replace('    namespace: ml-serving\n', '    namespace: ml-serving\n    nodeSelector: { prototype: b }\n'), 'deploy.kubernetes.nodeSelector.prototype'],
    ['a quality gate', (t: string) => t.replace(/^gates:\n/m, 'gates:\n  metrics: { __proto__: { max: 1 } }\n'), 'gates.metrics.__proto__'],
  ])('a reserved name in %s is refused rather than silently dropped', async (_what, edit, at) => {
    const { dir, file } = withRecord(edit);
    const r = await cli(['status', 'taxi-fare', '--models-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`modelship: ${file}: ${at}: "${at.split('.').pop()}" cannot be a name here (JavaScript objects reserve it, and it would be lost)\n`);
  });

  it('a record that is not UTF-8 is refused with the byte, not shipped with U+FFFD', async () => {
    const { dir, file } = withRecord((t) => Buffer.concat([Buffer.from(t.replace(/^serving:\n/m, 'serving:\n  env: { GREETING: "caf')), Buffer.from([0xe9]), Buffer.from('" }\n'), Buffer.from(t.slice(t.indexOf('serving:\n') + 9))]));
    const offset = fs.readFileSync(file).indexOf(0xe9);
    const r = await cli(['synth', '--out', path.join(dir, 'out'), '--models-dir', dir]);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `modelship: ${file}: not valid UTF-8 (byte ${offset} is 0xe9); save it as UTF-8\n` });
  });

  it('tabs, line breaks, emoji, right-to-left and zero-width text, and a byte-order mark arrive as written', async () => {
    const value = 'a\tb\r\nc 😀 \u05e9\u05dc\u05d5\u05dd \u200b\ufeff';
    const { dir } = withRecord((t) => `\ufeff${underServing(`  env: { MIXED: ${JSON.stringify(value)} }`)(t)}`);
    const out = path.join(dir, 'out');
    const r = await cli(['synth', '--out', out, '--models-dir', dir]);
    expect(r.stderr).toBe('');
    const nomad = JSON.parse(fs.readFileSync(path.join(out, 'nomad', 'taxi-fare.nomad.json'), 'utf8')).Job;
    expect(nomad.TaskGroups[0].Tasks.find((t: { Name: string }) => t.Name === 'server').Env.MIXED).toBe(value);
  });
});
