import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * HashiCorp's own job parser and the server's job validation (`../shared/nomad/nomadvalidate`,
 * see its README): what `nomad job validate` would say, offline.
 */
export const NOMADVALIDATE = resolve(__dirname, '../../../shared/nomad/nomadvalidate');
/** HashiCorp's parser alone, printing the api.Job a file parses to. */
export const NOMADPARSE = resolve(__dirname, '../../../shared/nomad/nomadparse');

/** Present here; under CI=true a missing validator fails the test instead of skipping it. */
export function haveNomadValidate(): boolean {
  if (existsSync(NOMADVALIDATE)) return true;
  if (process.env.CI === 'true') throw new Error(`${NOMADVALIDATE} is missing: CI must run Nomad's own validation`);
  return false;
}

export interface NomadVerdict {
  /** Exit code: 0 valid, 1 parse or validation error. */
  status: number;
  /** Nomad's warnings (`* ...` lines), which we treat as findings. */
  warnings: string[];
  /** Everything the tool printed, for a failure message. */
  output: string;
}

/**
 * Validates Nomad job files as they are written: `.hcl` as a jobspec, `.json` as the API job format
 * (unknown fields refused). Files are keyed by name so the extension decides the format.
 */
export function nomadValidate(files: Record<string, string>): NomadVerdict {
  const dir = mkdtempSync(join(tmpdir(), 'nomadvalidate-'));
  try {
    const paths = Object.entries(files).map(([name, text]) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    });
    return nomadValidatePaths(paths);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function nomadValidatePaths(paths: string[]): NomadVerdict {
  const r = spawnSync(NOMADVALIDATE, paths, { encoding: 'utf8', timeout: 60_000 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const warnings = output.split('\n').filter((l) => /^\s*\* /.test(l)).map((l) => l.trim().slice(2));
  return { status: r.status ?? -1, warnings, output };
}

/** Jest-friendly: valid, and no warning. */
export function expectNomadValid(files: Record<string, string>): void {
  if (!haveNomadValidate()) return;
  const v = nomadValidate(files);
  if (v.status !== 0 || v.warnings.length > 0) {
    throw new Error(`nomadvalidate: exit ${v.status}, ${v.warnings.length} warning(s)\n${v.output}`);
  }
}

/**
 * Each file through HashiCorp's parser into api.Job (as JSON), keyed as given, so that
 * an HCL and a JSON rendering can be compared whole; undefined where the tool is missing.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function nomadParsed(files: Record<string, string>): Record<string, any> | undefined {
  if (!haveNomadValidate()) return undefined;
  if (!existsSync(NOMADPARSE)) {
    if (process.env.CI === 'true') throw new Error(`${NOMADPARSE} is missing: CI must run Nomad's own parser`);
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'nomadparse-'));
  try {
    return Object.fromEntries(Object.entries(files).map(([name, text]) => {
      writeFileSync(join(dir, name), text);
      const out = spawnSync(NOMADPARSE, [join(dir, name)], { encoding: 'utf8' });
      if (out.status !== 0) throw new Error(out.stderr);
      return [name, JSON.parse(out.stdout)];
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
