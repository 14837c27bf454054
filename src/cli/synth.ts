import * as fs from 'node:fs';
import { CliContext, CommandContext, processContext } from './cli-context';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { planDeployments } from '../core/deployment-plan';
import { heldFile, HeldModels, heldModels } from '../synth/held-models';
import type { SynthFolder } from '../synth/synth-folder';
import { InputError, PolicyError } from '../core/errors';
import type { ModelRecord } from '../core/record';
import { deploymentsForStand, standNames } from '../core/stands';
import { nomadJobBase } from '../core/names';
import { stopCommands } from '../nomad/stop-commands';
import { applyCommands, PruneCommands } from '../kubernetes/apply-commands';
import { StagedWrite } from '../registry/staged-write';
import { fileProblem } from '../registry/file-errors';
import { lockTimeoutMs } from '../registry/record-lock';
import type { RenderTasksOptions } from '../synth/parallel-render';
import type { RenderTask, SynthTarget as RenderTarget } from '../synth/render-task';
import { CommonOptions, modelsDirFlag, storeOf } from './options';

const TARGETS = ['kubernetes', 'nomad', 'all'] as const;
type Target = (typeof TARGETS)[number];

interface SynthFlags extends CommonOptions {
  out: string;
  target: Target;
  stdout?: boolean;
  stand?: string;
}

export interface SynthResult {
  /** Rendered files by path (under `--out`), in memory before anything is written. */
  readonly files: Map<string, string>;
  /** Generated files that synth deleted because their model no longer renders them. */
  readonly removed: string[];
  /** Why versions were left out (a candidate without a digest or over its size gate). */
  readonly notes: readonly string[];
  /** How to apply each Kubernetes folder so that what synth stopped writing is deleted. */
  readonly prune: PruneCommands;
  /** `nomad job stop` of each job whose files synth removed or moved to another namespace or region. */
  readonly stops: readonly string[];
  /**
   * Models synth did not render because a running version is outside its gates, one line each
   * (`[stand S: ]<reason>`): their files are left as they were, and the command exits 1 after
   * writing the rest.
   */
  readonly held: readonly string[];
}

/** Files a target owns in its folder; others found there are left alone. */
const OWNED = { kubernetes: /^(.+)\.k8s\.yaml$/, nomad: /^(.+)\.nomad\.(hcl|json)$/ } as const;

/** A temp file of a generated file (`.<file>.tmp-<pid>-<hex>`, see atomic-write.ts). */
const TEMP_FILE = /^\.(.+)\.(?:k8s\.yaml|nomad\.(?:hcl|json))\.tmp-(\d+)-[0-9a-f]{12}$/;

/** Longer than any synth takes to write its files: a temp file this old is no live synth's. */
const ORPHAN_AGE_MS = 10 * 60_000;

/**
 * A temp file a killed synth left behind: its process is gone and it is old. The
 * age matters: a synth in another PID namespace (a container) writing the same
 * folder has a pid that looks dead from here. Without this they pile up in dist/
 * and get committed with it.
 */
function isOrphanTemp(file: string, name: string): boolean {
  const m = TEMP_FILE.exec(name);
  if (!m) return false;
  const pid = Number(m[2]);
  if (pid === process.pid) return false;
  try {
    if (Date.now() - fs.statSync(file).mtimeMs < ORPHAN_AGE_MS) return false;
  } catch {
    return false;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function targetsOf(target: Target): ('kubernetes' | 'nomad')[] {
  return target === 'all' ? ['kubernetes', 'nomad'] : [target];
}

/** Files of one folder and target; a refusal reads `synth refused: ...`. */
function render(rendered: () => Map<string, string>): Map<string, string> {
  try {
    return rendered();
  } catch (e) {
    if (e instanceof PolicyError) throw new PolicyError(`synth refused: ${e.message}`);
    throw e;
  }
}

/** The render threads, started before the records are read so that they read their share; undefined means one thread. */
type Threads = import('../synth/synth-threads').SynthThreads | undefined;

/**
 * The records to synthesize, in name order (every record, or the named ones),
 * read on the render threads as well when there are enough to pay for them.
 */
async function load(ctx: CliContext, opts: CommonOptions, names: readonly string[], targets: readonly RenderTarget[]): Promise<{ records: ModelRecord[]; threads: Threads }> {
  const store = storeOf(opts, ctx);
  const wanted = names.length ? [...new Set(names)].sort() : store.names();
  // Loaded here, not at the top: registry commands must not pay for cdk8s, nor for threads.
  const { startThreads, synthJobs } = await import('../synth/parallel-render');
  const threads = startThreads({ dir: opts.modelsDir, names: wanted, lockTimeoutMs: lockTimeoutMs(ctx.env) }, targets, { jobs: synthJobs(ctx.env) });
  try {
    const records = threads
      ? await threads.records((mine) => store.readEach(mine), (line) => ctx.stderr.write(`modelship: ${line}\n`))
      : store.loadMany(wanted);
    return { records, threads };
  } catch (e) {
    threads?.close();
    throw e;
  }
}

async function renderAll(tasks: readonly RenderTask[], threads: Threads, ctx: CliContext, onOutcome?: RenderTasksOptions['onOutcome']): Promise<(() => Map<string, string>)[]> {
  const { renderTasks, synthJobs } = await import('../synth/parallel-render');
  return (await renderTasks(tasks, { jobs: synthJobs(ctx.env), threads, onOutcome })).outputs;
}


/** Folders `<out>/<stand>/` from an earlier synth whose stand is no longer declared. */
function formerStands(out: string, declared: ReadonlySet<string>): string[] {
  if (!fs.existsSync(out)) return [];
  return fs.readdirSync(out, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !(e.name in OWNED) && !declared.has(e.name))
    .filter((e) => (Object.keys(OWNED)).some((t) => fs.existsSync(path.join(out, e.name, t))))
    .map((e) => e.name)
    .sort();
}

/**
 * Records without stands render into `<out>/<target>/` as they always did;
 * a record with stands renders each stand (or only `--stand`) into
 * `<out>/<stand>/<target>/`, as that stand deploys it.
 */
function groupsOf(records: readonly ModelRecord[], out: string, stand?: string): SynthFolder[] {
  if (stand !== undefined) {
    const declaring = deploymentsForStand(records.filter((r) => r.stands), stand);
    if (!declaring.length) throw new InputError(`--stand ${stand}: no model declares that stand`);
    return [{ dir: path.join(out, stand), stand, records: declaring }];
  }
  const groups: SynthFolder[] = [];
  // Always the plain folder, even with no record left for it: its files of removed models must go.
  groups.push({ dir: out, records: records.filter((r) => !r.stands) });
  const stands = [...new Set(records.flatMap((r) => (r.stands ? standNames(r) : [])))];
  for (const s of stands) groups.push({ dir: path.join(out, s), stand: s, records: deploymentsForStand(records.filter((r) => r.stands), s) });
  // A stand no record declares any more still has its folder of generated files to empty.
  for (const s of formerStands(out, new Set(stands))) groups.push({ dir: path.join(out, s), stand: s, records: [] });
  return groups;
}

/**
 * Renders everything in memory first, so a broken record or a refusal stops
 * synth before a single file changes; then replaces each target folder's
 * generated files, removing those of models that no longer render (only the
 * named models' when names are given). A model whose running version is
 * outside its gates is held (src/synth/held-models.ts): its files stay as
 * they are, and the result lists why.
 */
export async function synthesize(opts: SynthFlags, names: readonly string[] = [], ctx: CliContext = processContext()): Promise<SynthResult> {
  const targets = targetsOf(opts.target);
  const { records, threads } = await load(ctx, opts, names, targets);
  // Each record's files go to temp files as soon as they are rendered, so the disk works while the CPUs
  // render; nothing is visible before the commit, and a refusal takes the temp files (and new folders) back.
  const staged = new StagedWrite({ createFolders: true });
  try {
    return await renderAndWrite(opts, names, targets, records, threads, staged, ctx);
  } catch (e) {
    await staged.abort();
    throw e;
  }
}

async function renderAndWrite(
  opts: SynthFlags, names: readonly string[], targets: readonly RenderTarget[], records: readonly ModelRecord[],
  threads: Threads, staged: StagedWrite, ctx: CliContext,
): Promise<SynthResult> {
  let outputs: (() => Map<string, string>)[];
  let groups: SynthFolder[];
  let held: HeldModels;
  try {
    groups = groupsOf(records, opts.out, opts.stand);
    held = heldModels(groups, records.map((r) => r.name), targets);
    const tasks = groups.flatMap((g) => targets.map((target) => ({
      records: g.records.filter((r) => !held.names.has(r.name)), target, stand: g.stand, dir: path.join(g.dir, target),
    })));
    // Every folder and target rendered in one pass (on every core), then taken in order: the first refusal is the same.
    outputs = await renderAll(tasks, threads, ctx, (task, outcome) => {
      if (outcome.error === undefined) for (const [name, text] of outcome.files) staged.stage(path.join(tasks[task].dir, name), text);
    });
  } finally {
    threads?.close();
  }
  const notes = [...new Set(groups.flatMap((g) => g.records.flatMap((r) => planDeployments(r).notes)))];
  const files = new Map<string, string>();
  for (const group of groups) {
    for (const target of targets) {
      let rendered: Map<string, string>;
      try {
        rendered = render(outputs.shift()!);
      } catch (e) {
        // Name the stand: the same version may deploy in one stand and be refused in another.
        if (e instanceof PolicyError && group.stand) throw new PolicyError(e.message.replace(/^synth refused: /, `synth refused: stand ${group.stand}: `));
        throw e;
      }
      for (const [name, text] of rendered) files.set(path.join(group.dir, target, name), text);
    }
  }
  const removed: string[] = [];
  try {
    for (const group of groups) {
      // A model that has a folder of its own per stand no longer owns files in the plain one, and the reverse.
      const selected = new Set((group.dir === opts.out ? records : group.records).map((r) => r.name));
      for (const target of targets) {
        const dir = path.join(group.dir, target);
        // Missing folders are created by the staged write, which takes them back if it fails.
        if (!fs.existsSync(dir)) continue;
        for (const name of fs.readdirSync(dir)) {
          const file = path.join(dir, name);
          if (isOrphanTemp(file, name)) {
            fs.rmSync(file, { force: true });
            continue;
          }
          const stem = OWNED[target].exec(name)?.[1];
          if (stem === undefined || files.has(file)) continue;
          // `<name>-candidate.*` and `<name>-retrain.*` belong to model `<name>`, unless a model has that name itself.
          const owner = selected.has(stem) ? stem : nomadJobBase(stem);
          if (heldFile(file, stem, target, held.names)) continue;
          if (names.length && (!selected.has(owner) || (owner !== stem && fs.existsSync(path.join(opts.modelsDir, `${stem}.yaml`))))) continue;
          removed.push(file);
        }
      }
    }
    // Read before anything changes: a namespace whose last manifest goes is pruned by label.
    const prune = targets.includes('kubernetes')
      ? applyCommands(groups.map((g) => ({ dir: path.join(g.dir, 'kubernetes'), stand: g.stand })), files, removed)
      : { apply: [], delete: [] };
    // Nomad has no pruning: a job whose files go (a promoted candidate, a removed model) is stopped by name.
    const stops = targets.includes('nomad') ? stopCommands(groups.map((g) => path.join(g.dir, 'nomad')), files, removed) : { stop: [], notes: [] };
    // Every new file is written in full before any old one is replaced or removed.
    await staged.commit(files);
    for (const file of removed) fs.rmSync(file);
    return { files, removed: removed.sort(), notes: [...notes, ...stops.notes], prune, stops: stops.stop, held: held.reasons };
  } catch (e) {
    throw fileProblem(e, (e as NodeJS.ErrnoException).path?.replace(/\/\.([^/]+)\.tmp-[^/]+$/, '/$1'), '--out');
  }
}

/** `--stdout`: one stream a tool can read, so one target and, for Nomad, one job. */
export async function synthesizeToStdout(opts: SynthFlags, names: readonly string[], ctx: CliContext = processContext()): Promise<string> {
  if (opts.target === 'all') throw new InputError('--stdout: choose --target kubernetes (a YAML stream) or --target nomad (one job\'s HCL)');
  // One stream is one stand: --stand, else each model's last stand (production).
  const loaded = await load(ctx, opts, names, [opts.target]);
  let rendered: Map<string, string>;
  let records: ModelRecord[];
  try {
    records = deploymentsForStand(loaded.records, opts.stand);
    if (opts.stand !== undefined && !records.length) throw new InputError(`--stand ${opts.stand}: no model declares that stand`);
    rendered = render((await renderAll([{ records, target: opts.target, stand: opts.stand }], loaded.threads, ctx))[0]);
  } finally {
    loaded.threads?.close();
  }
  if (opts.target === 'kubernetes') {
    return [...rendered.values()].map((text) => (text.endsWith('\n') ? text : `${text}\n`)).join('---\n');
  }
  // Each model's own job; a candidate's job is a file of plain synth.
  const jobs = records.map((r) => rendered.get(`${r.name}.nomad.hcl`)).filter((t): t is string => t !== undefined);
  if (jobs.length !== 1) {
    // With stands, --stdout shows one stand (the last unless --stand says): nothing there may still be something in another.
    const where = opts.stand !== undefined ? ` in stand ${opts.stand}` : records.some((r) => r.stands) ? ' in its last stand (name another with --stand)' : '';
    throw new InputError(`--stdout --target nomad prints one job; ${jobs.length === 0 ? `no model has anything deployable${where}` : `name one model (${jobs.length} have jobs)`}`);
  }
  return jobs[0];
}

export function registerSynth(program: Command, ctx: CommandContext): void {
  program
    .command('synth')
    .description('write Kubernetes manifests and Nomad jobs for every model, or the named ones; a model whose running version is outside its gates keeps its files as they were (held), and synth exits 1 after writing the rest')
    .argument('[names...]', 'only these models')
    .option('--out <dir>', 'output directory', 'dist')
    .addOption(new Option('--target <t>', 'what to write').choices(TARGETS).default('all'))
    .option('--stdout', 'print instead of writing files (one target)')
    .option('--stand <stand>', 'only this stand of the models that declare it (default: every stand, each in <out>/<stand>/; with --stdout, each model\'s last stand)')
    .option(...modelsDirFlag(ctx))
    .action(async (names: string[], opts: SynthFlags) => {
      if (opts.stdout) {
        ctx.stdout.write(await synthesizeToStdout(opts, names, ctx));
        return;
      }
      const { files, removed, notes, prune, stops, held } = await synthesize(opts, names, ctx);
      // Not an error: the rest is written, and the candidate appears once its figures allow it.
      for (const note of notes) ctx.stderr.write(`modelship: ${note}\n`);
      for (const file of [...files.keys()].sort()) ctx.stdout.write(`wrote ${file}\n`);
      for (const file of removed) ctx.stdout.write(`removed ${file}\n`);
      // One prefix per kind of line, so a CI step can run them: sed -n 's/^apply: //p' | sh
      for (const command of prune.apply) ctx.stdout.write(`apply: ${command}\n`);
      for (const command of prune.delete) ctx.stdout.write(`delete: ${command}\n`);
      for (const command of stops) ctx.stdout.write(`stop: ${command}\n`);
      // One line each, as any refusal: a CI step can find every held model by its prefix.
      for (const h of held) ctx.stderr.write(`modelship: synth refused: ${h}; held: its files are left as they were, in every folder\n`);
      if (held.length) ctx.setExitCode(1);
    });
}
