import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, exampleModelsDir, tempDir } from '../helpers/cli';

/** What bash offers after the given words, using the script modelship prints. */
async function bashCompletes(words: string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const script = path.join(tempDir(), 'modelship.bash');
  fs.writeFileSync(script, (await cli(['completion', 'bash'])).stdout);
  const program = `source ${JSON.stringify(script)}; COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${words.length - 1}; _modelship; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', program], { encoding: 'utf8', env: { ...process.env, ...env } });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

describe('modelship completion', () => {
  it('bash: commands, options, release types, choices of an option, model names from the records', async () => {
    const models = exampleModelsDir();
    expect((await bashCompletes(['modelship', 's'])).sort()).toEqual(['status', 'switch', 'synth']);
    expect(await bashCompletes(['modelship', 'bump', 'taxi-fare', 'pre'])).toEqual(['premajor', 'preminor', 'prepatch', 'prerelease']);
    expect(await bashCompletes(['modelship', 'bump', '--preid', 'rc', 'taxi-fare', ''])).toHaveLength(7);
    expect(await bashCompletes(['modelship', 'synth', '--target', ''])).toEqual(['kubernetes', 'nomad', 'all']);
    expect(await bashCompletes(['modelship', 'status', '--w'])).toEqual(['--wide']);
    // Removed options stay only for their error: neither completed nor in --help.
    expect(await bashCompletes(['modelship', 'validate', 'taxi-fare', '1.0.0', '--'])).not.toContain('--size-bytes');
    expect((await bashCompletes(['modelship', 'validate', 'taxi-fare', '1.0.0', '--'])).sort()).toEqual(['--declared-latency-p95-ms', '--help', '--json', '--models-dir']);
    expect((await cli(['validate', '--help'])).stdout).not.toMatch(/--size-bytes|--latency-p95-ms /);
    expect(await bashCompletes(['modelship', 'promote', ''], { MODELSHIP_MODELS_DIR: models })).toEqual(['fraud-detector', 'taxi-fare']);
    expect(await bashCompletes(['modelship', 'report', 'taxi-fare', 'f'], { MODELSHIP_MODELS_DIR: models })).toEqual(['fraud-detector']);
  });

  it('zsh reuses the bash function through bashcompinit; fish gets its own complete lines', async () => {
    const zsh = (await cli(['completion', 'zsh'])).stdout;
    expect(zsh).toMatch(/^#compdef modelship\n/);
    expect(zsh).toContain('bashcompinit');
    expect(zsh).toContain('complete -F _modelship modelship');
    const fish = (await cli(['completion', 'fish'])).stdout;
    expect(fish).toContain("complete -c modelship -n '__fish_seen_subcommand_from bump' -a 'major minor patch premajor preminor prepatch prerelease'");
    expect(fish).toContain("complete -c modelship -n '__fish_seen_subcommand_from synth' -l target -r -a 'kubernetes nomad all'");
    expect(fish).toContain("complete -c modelship -n '__fish_seen_subcommand_from promote' -a '(__modelship_models)'");
  });

  it('an unknown shell is bad input listing the shells', async () => {
    const r = await cli(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^modelship: .*Allowed choices are bash, zsh, fish/);
    expect((await cli(['completion'])).stderr).toBe("modelship: completion: missing required argument 'shell': one of bash, zsh, fish\n");
  });
});
