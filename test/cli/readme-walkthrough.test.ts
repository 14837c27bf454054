import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN, exampleModelsDir, ROOT, snapshotDir } from '../helpers/cli';

/** The README walkthrough's commands up to the first `bump`, as a user pastes them. */
function walkthroughStart(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = readme.split('## Walkthrough')[1].split('```sh\n')[1].split('```')[0];
  const upToBump = block.slice(0, block.indexOf('\n', block.indexOf('npx modelship bump')));
  return upToBump.replace(/npx modelship/g, `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)}`);
}

describe('the README walkthrough', () => {
  it('starts as written in a checkout that already has the example models, and bumps to the 1.0.0 the later steps use', () => {
    const repo = path.dirname(exampleModelsDir());
    const examples = snapshotDir(path.join(repo, 'models'));
    const { MODELSHIP_MODELS_DIR: _ignored, ...env } = process.env;
    const r = spawnSync('bash', ['-euc', walkthroughStart()], { cwd: repo, encoding: 'utf8', env: { ...env, MODELSHIP_ACTOR: 'test-suite' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n').pop()).toBe('1.0.0');
    // In the namespace the walkthrough's kubectl lines name.
    expect(fs.readFileSync(path.join(repo, 'my-models', 'fraud-detector.yaml'), 'utf8')).toMatch(/namespace: ml-serving/);
    expect(snapshotDir(path.join(repo, 'models'))).toEqual(examples);
  });
});
