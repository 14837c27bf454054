import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../core/errors';
import type { RecordRender } from './rendered-file';
import { loadRenderers, RenderTask, RenderUnit, renderUnits, SynthTarget, UnitOutcome } from './render-task';
import { SynthThreads } from './synth-threads';

/**
 * Below this many Kubernetes units (a record rendered for one target in one
 * folder) a worker costs more than it saves: a thread loads cdk8s-plus again
 * (about 0.15 s here) before it renders anything. Each thread gets at least
 * half as many. Nomad units do not count: a job renders in about a tenth of a
 * manifest's time (1,000 blue-green records, one thread: 0.5-0.6 s against
 * 5.5 s), and bench/synth measured 1,000 Nomad-only records no faster
 * on two threads than on one (each thread warms up its own parser and
 * renderers); in a run with Kubernetes units they ride along.
 */
export const PARALLEL_THRESHOLD = 64;

/** This thread's renderings between two turns of the event loop. */
const HERE_CHUNK = 4;

/** The compiled worker; absent when the code runs from TypeScript source (jest), which then renders on one thread. */
const WORKER = __filename.endsWith('.js') ? path.join(__dirname, 'render-worker.js') : undefined;

export interface ParallelRenderOptions {
  /**
   * Threads to render on, this one included, never more than the Kubernetes units.
   * @default - every CPU node may use from PARALLEL_THRESHOLD Kubernetes units on, one below
   */
  readonly jobs?: number;
}

/**
 * `MODELSHIP_SYNTH_JOBS`: a whole number of threads, 1 for the one-thread path;
 * undefined when unset (then synth decides by the work, see threadsFor).
 */
export function synthJobs(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.MODELSHIP_SYNTH_JOBS;
  if (raw === undefined || raw === '') return undefined;
  if (!/^[1-9][0-9]*$/.test(raw)) throw new InputError(`MODELSHIP_SYNTH_JOBS: must be a whole number of threads, at least 1 (got '${raw}')`);
  return Number(raw);
}

export interface RenderedTasks {
  /** Per task, in task order: its files, or its first error thrown. */
  readonly outputs: (() => Map<string, string>)[];
  /** How many threads rendered, this one included: 1 on the one-thread path. */
  readonly threads: number;
}

/** Records synth is about to read, for threads that read them too. */
export interface RecordsToRead {
  readonly dir: string;
  /** In name order. */
  readonly names: readonly string[];
  /** @default the store's default */
  readonly lockTimeoutMs?: number;
}

/**
 * Starts the render threads before any record is read, when synth will render
 * enough to pay for them (a Kubernetes unit per name at least, more with
 * stands): they read their share of the records while this thread reads its own.
 * Undefined means one thread.
 */
export function startThreads(read: RecordsToRead, targets: readonly SynthTarget[], options: ParallelRenderOptions = {}): SynthThreads | undefined {
  const jobs = threadsFor(targets.includes('kubernetes') ? read.names.length : 0, options);
  return jobs > 1 ? SynthThreads.start({ worker: WORKER!, jobs, targets, read }) : undefined;
}

/**
 * Threads to render this many Kubernetes units on. Asked for (`jobs`, as
 * `make -j`): that many, never more than the units. Otherwise every CPU once
 * the units reach the threshold, each thread with at least half of it. Always
 * one from TypeScript source, where there is no compiled worker to start.
 */
function threadsFor(units: number, options: ParallelRenderOptions): number {
  const jobs = options.jobs !== undefined
    ? Math.min(options.jobs, units)
    : units >= PARALLEL_THRESHOLD ? Math.min(os.availableParallelism(), Math.ceil(units / (PARALLEL_THRESHOLD / 2))) : 1;
  return jobs >= 2 && WORKER !== undefined && fs.existsSync(WORKER) ? jobs : 1;
}

/**
 * Renders every task and hands back, per task, a function that gives its files
 * or throws its first error, exactly as rendering that task alone would; called
 * in task order, the first refusal is the one synth on one thread would report.
 * With threads asked for, above the threshold or on `threads` already started, the records are dealt
 * round-robin to threads (so a mix of heavy Kubernetes and light Nomad units
 * evens out) and the outcomes put back in record order; the merge is the one
 * the one-thread path uses, so the bytes are the same.
 */
export async function renderTasks(tasks: readonly RenderTask[], options: RenderTasksOptions = {}): Promise<RenderedTasks> {
  const units = tasks.flatMap((t) => t.records.map((record): RenderUnit => ({ record, target: t.target, stand: t.stand })));
  const taskOf = tasks.flatMap((t, i) => t.records.map(() => i));
  const targets = tasks.map((t) => t.target);
  let threads = options.threads;
  if (!threads) {
    const jobs = threadsFor(units.filter((u) => u.target === 'kubernetes').length, options);
    // Workers start first, so they load their modules while this thread loads its own.
    if (jobs > 1) threads = SynthThreads.start({ worker: WORKER!, jobs, targets });
  }
  // This thread renders in chunks with a turn of the event loop between them: the workers' outcomes
  // come in, and the files staged so far are written by libuv's threads while it renders on.
  const renderHere = async (mine: readonly RenderUnit[], take: (k: number, outcome: UnitOutcome) => void): Promise<void> => {
    const renderers = await loadRenderers(targets);
    for (let k = 0; k < mine.length; k += HERE_CHUNK) {
      renderUnits(mine.slice(k, k + HERE_CHUNK), renderers).forEach((o, j) => take(k + j, o));
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const onOutcome = (i: number, outcome: UnitOutcome) => options.onOutcome?.(taskOf[i], outcome);
  try {
    let all: UnitOutcome[];
    if (threads) {
      all = await threads.render(units, renderHere, onOutcome);
    } else {
      all = new Array(units.length);
      await renderHere(units, (i, outcome) => {
        all[i] = outcome;
        onOutcome(i, outcome);
      });
    }
    const collectors = await loadCollectors(targets);
    let next = 0;
    const outputs = tasks.map((t) => {
      const mine = all.slice(next, (next += t.records.length));
      return () => collectors[t.target]!(mine.map((o): RecordRender => (emit) => {
        for (const [name, text] of o.files) emit(name, text);
        if (o.error !== undefined) throw o.error;
      }));
    });
    return { outputs, threads: threads?.jobs ?? 1 };
  } finally {
    threads?.close();
  }
}

export interface RenderTasksOptions extends ParallelRenderOptions {
  /** Threads already started (and reading the records); they are closed when rendering ends. @default - started here when worth it */
  readonly threads?: SynthThreads;
  /**
   * Sees each record's outcome as it is rendered (in no particular order
   * across threads), with its task's index: synth writes the files to temp
   * files while the rest renders.
   * @default - nothing
   */
  readonly onOutcome?: (task: number, outcome: UnitOutcome) => void;
}

type Collector = (perRecord: readonly RecordRender[]) => Map<string, string>;

async function loadCollectors(targets: readonly SynthTarget[]): Promise<Partial<Record<SynthTarget, Collector>>> {
  const collectors: Partial<Record<SynthTarget, Collector>> = {};
  if (targets.includes('kubernetes')) collectors.kubernetes = (await import('../kubernetes/collect-manifests')).collectManifests;
  if (targets.includes('nomad')) collectors.nomad = (await import('../nomad/render-jobs')).collectJobs;
  return collectors;
}
