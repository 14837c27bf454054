import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ROOT } from '../helpers/cli';

describe('record and history after kills', () => {
  // The short version of bench/kill-loop.sh (run that for hundreds of kills).
  it('agree after every one of 12 SIGKILLs at random instants of bump', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bench/kill-loop.js'), '12'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^12 runs, \d+ killed .* record and history agreed after every one\n$/);
    expect(r.status).toBe(0);
  }, 60_000);
});
