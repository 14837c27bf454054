import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { planDeployments } from '../core/deployment-plan';
import { CommonOptions, MODELS_DIR_FLAG, storeOf } from './options';

const TARGETS = ['kubernetes', 'nomad', 'all'] as const;
type Target = (typeof TARGETS)[number];

interface SynthFlags extends CommonOptions {
  out: string;
  target: Target;
}

export interface SynthResult {
  /** Every file written, path to content. */
  readonly files: Map<string, string>;
  /** Why versions were left out (a candidate without a digest or over its size gate). */
  readonly notes: readonly string[];
}

/** Files a target owns in its folder; others found there are left alone. */
const OWNED = { kubernetes: /\.k8s\.yaml$/, nomad: /\.nomad\.(hcl|json)$/ } as const;

/**
 * Renders everything in memory first, so a broken record or a failed gate
 * stops synth before a single file changes; then replaces each target folder's
 * generated files, removing those of models that no longer render.
 */
export async function synthesize(opts: SynthFlags): Promise<SynthResult> {
  const records = storeOf(opts).loadAll();
  const notes = records.flatMap((r) => planDeployments(r).notes);
  const files = new Map<string, string>();
  const targets = opts.target === 'all' ? (['kubernetes', 'nomad'] as const) : [opts.target];
  for (const target of targets) {
    // Loaded here, not at the top: registry commands must not pay for cdk8s.
    const rendered = target === 'kubernetes'
      ? (await import('../kubernetes/render-manifests')).renderManifests(records)
      : (await import('../nomad/render-jobs')).renderJobs(records);
    for (const [name, text] of rendered) files.set(path.join(opts.out, target, name), text);
  }
  for (const target of targets) {
    const dir = path.join(opts.out, target);
    fs.mkdirSync(dir, { recursive: true });
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      if (OWNED[target].test(name) && !files.has(file)) fs.rmSync(file);
    }
  }
  for (const [file, text] of files) {
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  }
  return { files, notes };
}

export function registerSynth(program: Command): void {
  program
    .command('synth')
    .description('write Kubernetes manifests and Nomad jobs for every model')
    .option('--out <dir>', 'output directory', 'dist')
    .addOption(new Option('--target <t>', 'what to write').choices(TARGETS).default('all'))
    .option(...MODELS_DIR_FLAG)
    .action(async (opts: SynthFlags) => {
      const { files, notes } = await synthesize(opts);
      // Not an error: the rest is written, and the candidate appears once its figures allow it.
      for (const note of notes) process.stderr.write(`modelship: ${note}\n`);
      for (const file of [...files.keys()].sort()) process.stdout.write(`wrote ${file}\n`);
    });
}
