import * as path from 'node:path';
import { cliProcess, exampleModelsDir, ROOT } from '../helpers/cli';

// The bin as a user's shell sees it: what the in-process tests cannot show (the exit
// code a process ends with, which stream gets what). A handful, each a node start.
describe('bin/modelship.js', () => {
  it('--version: the package version on stdout, exit 0', () => {
    const r = cliProcess(['--version']);
    expect(r).toEqual({ code: 0, stdout: `${require(path.join(ROOT, 'package.json')).version}\n`, stderr: '' });
  });

  it('a result goes to stdout, nothing to stderr', () => {
    const r = cliProcess(['status', '--json', '--models-dir', exampleModelsDir()]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).map((s: { name: string }) => s.name)).toEqual(['fraud-detector', 'taxi-fare']);
  });

  it('a usage error: exit 2, one line on stderr, nothing on stdout', () => {
    const r = cliProcess(['bump', 'taxi-fare', 'sideways', '--models-dir', exampleModelsDir()]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^modelship: .*'sideways' is invalid for argument 'release'.*\n$/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('a refusal by policy: exit 1', () => {
    const r = cliProcess(['init', 'taxi-fare', '--image', 'registry.example.com/models/taxi-fare', '--serving-image', 'registry.example.com/apps/api:1.0.0',
      '--models-dir', exampleModelsDir()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^modelship: .*taxi-fare\.yaml already exists; modelship init never overwrites a record\n$/);
  });

  it('a bug no command anticipated: exit 70, and the first line names it', () => {
    const r = cliProcess(['status', '--models-dir', exampleModelsDir()], { nodeArgs: ['-r', path.join(ROOT, 'test/fixtures/throw-in-readdir.js')] });
    expect(r.code).toBe(70);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('modelship: internal error: Error: injected fault in readdirSync (a bug in modelship; MODELSHIP_DEBUG=1 prints the stack)\n');
    // Asked for, the stack follows the line, for a bug report.
    const debug = cliProcess(['status', '--models-dir', exampleModelsDir()], { env: { MODELSHIP_DEBUG: '1' }, nodeArgs: ['-r', path.join(ROOT, 'test/fixtures/throw-in-readdir.js')] });
    expect(debug.code).toBe(70);
    expect(debug.stderr).toMatch(/^modelship: internal error: Error: injected fault in readdirSync\nError: injected fault in readdirSync\n {4}at /);
  });
});
