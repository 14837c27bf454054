import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliContext } from '../../src/cli/cli-context';
import { scratchDir } from './scratch-root';

export const ROOT = path.resolve(__dirname, '..', '..');
export const BIN = path.join(ROOT, 'bin', 'modelship.js');
export const EXAMPLE_MODELS = path.join(ROOT, 'models');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** What an in-process run sees: the worker's environment with these on top, never the worker's own streams. */
export interface InProcessOptions {
  env?: NodeJS.ProcessEnv;
  /** Makes stdout look like a terminal of this width (styling, progress bars), as a TTY would. */
  tty?: { columns: number };
  /** The run's clock. @default - the real one */
  now?: Date;
}

/**
 * Runs the CLI inside this jest worker, as `run(argv, ctx)` with captured
 * streams and its own copy of the environment: the same `{ code, stdout,
 * stderr }` as a real process without paying a node start per command.
 * Relative paths resolve against the worker's cwd, so a test that needs a
 * cwd runs the real process (`cliProcess`).
 */
export async function cli(args: readonly string[], opts: InProcessOptions = {}): Promise<CliResult> {
  // Loaded on first use: the few suites that only spawn the bin never load the CLI.
  return runCaptured((await import('../../src/cli/main')).run, args, opts);
}

/** `run` with captured streams, the test actor, no colours and the test's clock. */
async function runCaptured(run: typeof import('../../src/cli/main').run, args: readonly string[], opts: InProcessOptions): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    stdout: { write: (t) => void (stdout += t), isTTY: Boolean(opts.tty), columns: opts.tty?.columns },
    stderr: { write: (t) => void (stderr += t), isTTY: false },
    env: { ...process.env, MODELSHIP_ACTOR: 'test-suite', NO_COLOR: '1', ...opts.env },
    now: () => opts.now ?? new Date(),
  };
  const code = await run(['node', BIN, ...args], ctx);
  return { code, stdout, stderr };
}

/** Runs the built CLI as a user would, in its own process: for exit codes, signals, locks and module loading. */
export function cliProcess(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}): CliResult {
  const r = spawnSync(process.execPath, [...(opts.nodeArgs ?? []), BIN, ...args], {
    cwd: opts.cwd, encoding: 'utf8', env: { ...process.env, MODELSHIP_ACTOR: 'test-suite', NO_COLOR: '1', ...opts.env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `cliProcess` without blocking the worker: several real processes at once. */
export function cliProcessAsync(args: readonly string[], opts: { env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), BIN, ...args], { env: { ...process.env, MODELSHIP_ACTOR: 'test-suite', ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** A fresh temp dir (on tmpfs when there is one with room, see scratch-root.ts), removed when the test file ends. */
export function tempDir(prefix = 'modelship-'): string {
  return scratchDir(prefix);
}

/** A models dir with copies of the shipped example records. */
export function exampleModelsDir(): string {
  const dir = path.join(tempDir(), 'models');
  fs.cpSync(EXAMPLE_MODELS, dir, { recursive: true });
  return dir;
}

/** Every file under dir with its bytes, to prove a failed command changed nothing. */
export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isFile()) out[name] = fs.readFileSync(p, 'base64');
  }
  return out;
}

/** Every file under `dir`, by its path relative to `dir`, as base64. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (fs.statSync(path.join(dir, r)).isDirectory()) walk(r);
      else out[r] = fs.readFileSync(path.join(dir, r), 'base64');
    }
  };
  walk('');
  return out;
}

export const DIGEST_A = `sha256:${'a'.repeat(64)}`;
export const DIGEST_B = `sha256:${'b'.repeat(64)}`;
export const DIGEST_C = `sha256:${'c'.repeat(64)}`;

/** A small artifact tree whose bytes (and so digest) follow from `seed`. */
export function smallArtifact(seed: string, bytes = 1000): string {
  const root = path.join(tempDir('artifact-'), 'model');
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'weights.bin'), Buffer.alloc(bytes, seed));
  fs.writeFileSync(path.join(root, 'SEED'), seed);
  return root;
}

/** Lets declared figures through the record's production door (CLI tests cannot run a server from a sync helper). */
export function acceptDeclared(dir: string, name: string): void {
  const file = path.join(dir, `${name}.yaml`);
  const text = fs.readFileSync(file, 'utf8');
  if (!/acceptDeclared/.test(text)) fs.writeFileSync(file, text.replace(/^(gates:\n)/m, '$1  acceptDeclared: true\n'));
}

/**
 * bump + measure --artifact + validate with a declared p95 through the CLI,
 * returning the version. The model's gates accept declared figures.
 */
export async function validatedVersion(dir: string, name: string, release = 'minor', seed = 'a'): Promise<string> {
  acceptDeclared(dir, name);
  const bump = await cli(['bump', name, release, '--models-dir', dir]);
  if (bump.code !== 0) throw new Error(bump.stderr);
  const v = bump.stdout.trim();
  const m = await cli(['measure', name, v, '--artifact', smallArtifact(`${seed} ${v}`), '--models-dir', dir]);
  if (m.code !== 0) throw new Error(m.stderr);
  const val = await cli(['validate', name, v, '--declared-latency-p95-ms', '10', '--models-dir', dir]);
  if (val.code !== 0) throw new Error(val.stderr);
  return v;
}

export async function initModel(dir: string, name: string, strategy: 'rolling' | 'blue-green'): Promise<void> {
  const r = await cli(['init', name, '--image', `registry.example.com/models/${name}`, '--serving-image', 'registry.example.com/apps/api:1.0.0',
    '--strategy', strategy, '--max-size-mib', '100', '--max-latency-p95-ms', '50', '--models-dir', dir]);
  if (r.code !== 0) throw new Error(r.stderr);
}

/**
 * Runs the built CLI (lib/, what the bin runs) inside this jest worker with
 * captured streams, as `cli` runs the source: for suites that need what only
 * compiled code has (synth's worker threads) without a node start per command.
 */
export async function compiledCli(args: readonly string[], opts: Pick<InProcessOptions, 'env'> = {}): Promise<CliResult> {
  return runCaptured((require(path.join(ROOT, 'lib', 'src', 'cli', 'main.js')) as typeof import('../../src/cli/main')).run, args, opts);
}
