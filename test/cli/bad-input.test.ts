import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeArtifact } from '../helpers/artifact';
import { BIN, cli, CliResult, exampleModelsDir, snapshotDir, tempDir } from '../helpers/cli';
import { mountTmpfs, tmpfsSkipReason, unmountAll } from '../helpers/tmpfs';

afterAll(unmountAll);

const isRoot = process.getuid?.() === 0;

/** As a user who cannot read root's 0600 files (root reads everything, so tests run as nobody). */
function cliAsOther(args: string[]): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8', env: { ...process.env, MODELSHIP_ACTOR: 'test-suite', NO_COLOR: '1' },
    ...(isRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A models dir others may traverse (mkdtemp makes 0700 dirs). */
function openModelsDir(): string {
  const dir = exampleModelsDir();
  fs.chmodSync(path.dirname(dir), 0o755);
  fs.chmodSync(dir, 0o755);
  return dir;
}

function expectOneLine(r: CliResult, code: number, message: RegExp): void {
  expect(r.stderr).toMatch(message);
  expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.code).toBe(code);
}

describe('bad input: exit 2 with one line, never a stack trace', () => {
  it('a YAML alias bomb', async () => {
    const dir = exampleModelsDir();
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    fs.writeFileSync(path.join(dir, 'taxi-fare.yaml'), `${bomb.join('\n')}\n`);
    expectOneLine(await cli(['status', 'taxi-fare', '--models-dir', dir]), 2, /^modelship: .*taxi-fare\.yaml: not usable YAML: .*alias/i);
  });

  it('an unreadable record (EACCES)', () => {
    const dir = openModelsDir();
    fs.chmodSync(path.join(dir, 'taxi-fare.yaml'), isRoot ? 0o600 : 0o000);
    expectOneLine(cliAsOther(['status', 'taxi-fare', '--models-dir', dir]), 2,
      /^modelship: .*taxi-fare\.yaml: record: cannot open: permission denied \(EACCES\)\n$/);
  });

  it('an unreadable artifact file (EACCES), and the record untouched', async () => {
    const dir = openModelsDir();
    const art = makeArtifact(path.join(tempDir(), 'artifact'));
    fs.chmodSync(path.dirname(art), 0o755);
    fs.chmodSync(path.join(art, 'weights', 'model.bin'), isRoot ? 0o600 : 0o000);
    const before = snapshotDir(dir);
    const version = (await cli(['bump', 'taxi-fare', 'patch', '--models-dir', dir])).stdout.trim();
    const after = snapshotDir(dir);
    expectOneLine(cliAsOther(['measure', 'taxi-fare', version, '--artifact', art, '--models-dir', dir]), 2,
      /^modelship: .*weights\/model\.bin: cannot open: permission denied \(EACCES\)\n$/);
    expect(snapshotDir(dir)).toEqual(after);
    expect(after).not.toEqual(before);
  });

  it('a record path that is a directory', async () => {
    const dir = exampleModelsDir();
    fs.rmSync(path.join(dir, 'taxi-fare.yaml'));
    fs.mkdirSync(path.join(dir, 'taxi-fare.yaml'));
    expectOneLine(await cli(['status', '--models-dir', dir]), 2, /^modelship: .*taxi-fare\.yaml: record: cannot read: is a directory, not a file \(EISDIR\)\n$/);
    expectOneLine(await cli(['bump', 'taxi-fare', 'patch', '--models-dir', dir]), 2, /taxi-fare\.yaml: record: cannot read: is a directory/);
  });

  it('a synth --out that is a file, and one under a file: each named for what it is', async () => {
    const file = path.join(tempDir(), 'outfile');
    fs.writeFileSync(file, 'x');
    const dir = exampleModelsDir();
    expectOneLine(await cli(['synth', '--out', file, '--models-dir', dir]), 2, /^modelship: .*outfile: .*it is a file, not a directory \(ENOTDIR\)\n$/);
    expectOneLine(await cli(['synth', '--out', path.join(file, 'dist'), '--models-dir', dir]), 2, /a parent of it is not a directory \(ENOTDIR\)\n$/);
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });

  (tmpfsSkipReason ? it.skip : it)('a read-only models directory, everything left as it was', async () => {
    const mount = mountTmpfs(1024);
    const dir = path.join(mount, 'models');
    fs.cpSync(exampleModelsDir(), dir, { recursive: true });
    expect(spawnSync('mount', ['-o', 'remount,ro', mount]).status).toBe(0);
    const before = snapshotDir(dir);
    expectOneLine(await cli(['bump', 'taxi-fare', 'patch', '--models-dir', dir]), 2,
      /^modelship: .*taxi-fare\.yaml\.lock: lock: cannot open: the file system is read-only \(EROFS\)\n$/);
    expect(snapshotDir(dir)).toEqual(before);
    spawnSync('mount', ['-o', 'remount,rw', mount]);
  });

  it('a cpu value too large for a Nomad job, before anything is rendered', async () => {
    const dir = exampleModelsDir();
    const out = path.join(tempDir(), 'dist');
    const file = path.join(dir, 'taxi-fare.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('cpu: 500m', 'cpu: "1e400"'));
    expectOneLine(await cli(['synth', '--out', out, '--models-dir', dir]), 2, /^modelship: .*taxi-fare\.yaml: serving\.resources\.cpu: must be a CPU quantity/);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('cpu: "1e400"', 'cpu: "999999999999999999999999"'));
    expectOneLine(await cli(['synth', '--out', out, '--models-dir', dir]), 2, /^modelship: .*taxi-fare\.yaml: serving\.resources\.cpu: "999999999999999999999999" must be at most 4096 cores\n$/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('artifact file names that are not valid UTF-8', async () => {
    const dir = exampleModelsDir();
    const art = makeArtifact(path.join(tempDir(), 'artifact'));
    fs.writeFileSync(Buffer.concat([Buffer.from(`${art}/w-`), Buffer.from([0xc3, 0x28])]), 'x');
    const version = (await cli(['bump', 'taxi-fare', 'patch', '--models-dir', dir])).stdout.trim();
    expectOneLine(await cli(['measure', 'taxi-fare', version, '--artifact', art, '--models-dir', dir]), 2,
      /^modelship: taxi-fare [^ :]+: --artifact: \.\/w-.*: file name is not valid UTF-8; rename it\n$/);
  });
});
