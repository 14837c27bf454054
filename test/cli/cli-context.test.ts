import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../../src/cli/main';
import type { CliContext } from '../../src/cli/cli-context';
import { cli, initModel, tempDir } from '../helpers/cli';

function actors(dir: string): string[] {
  return fs.readFileSync(path.join(dir, 'x.history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).actor);
}

describe('a CLI run in-process', () => {
  it('sees only its own environment: two runs in one process get their own actor, and the process keeps its own', async () => {
    const dir = path.join(tempDir(), 'models');
    await initModel(dir, 'x', 'rolling');
    const before = { ...process.env };
    expect((await cli(['bump', 'x', 'patch', '--models-dir', dir], { env: { MODELSHIP_ACTOR: 'alice' } })).code).toBe(0);
    expect((await cli(['bump', 'x', 'patch', '--models-dir', dir], { env: { MODELSHIP_ACTOR: 'bob' } })).code).toBe(0);
    expect(actors(dir)).toEqual(['test-suite', 'alice', 'bob']);
    expect(process.env).toEqual(before);
  });

  it('stamps history with the clock it is given, and its models dir default comes from its env', async () => {
    const dir = path.join(tempDir(), 'models');
    await initModel(dir, 'x', 'rolling');
    let out = '';
    const ctx: CliContext = {
      stdout: { write: (t) => void (out += t) },
      stderr: { write: () => undefined },
      env: { MODELSHIP_ACTOR: 'clock-test', MODELSHIP_MODELS_DIR: dir },
      now: () => new Date('2031-01-02T03:04:05.678Z'),
    };
    expect(await run(['node', 'modelship', 'bump', 'x', 'major'], ctx)).toBe(0);
    expect(out).toBe('1.0.0\n');
    const last = JSON.parse(fs.readFileSync(path.join(dir, 'x.history.jsonl'), 'utf8').trim().split('\n').pop() as string);
    expect(last).toMatchObject({ at: '2031-01-02T03:04:05.678Z', actor: 'clock-test', action: 'bump', version: '1.0.0' });
  });

  it('writes help and usage errors to its own streams and returns the exit code', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: modelship/);
    const usage = await cli(['frobnicate']);
    expect(usage).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^modelship: unknown command 'frobnicate'/) });
  });

  it('styles tables only for a terminal without NO_COLOR', async () => {
    const dir = path.join(tempDir(), 'models');
    await initModel(dir, 'x', 'rolling');
    const tty = await cli(['alias', 'list', 'x', '--models-dir', dir], { env: { NO_COLOR: '' }, tty: { columns: 100 } });
    expect(tty.stdout).toContain('\u001b[1m');
    const plain = await cli(['alias', 'list', 'x', '--models-dir', dir], { tty: { columns: 100 } });
    expect(plain.stdout).not.toContain('\u001b[');
  });
});
