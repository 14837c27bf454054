import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { InputError } from '../core/errors';
import type { RecordRender } from './rendered-file';
import { loadRenderers, receiveError, RenderTask, RenderUnit, renderUnits, SentError, SynthTarget, UnitOutcome } from './render-task';

/**
 * Below this many units (a record rendered for one target in one folder) a
 * worker costs more than it saves: a thread loads cdk8s-plus again (about
 * 0.15 s here) before it renders anything. Each thread gets at least half as many.
 */
export const PARALLEL_THRESHOLD = 64;

/** The compiled worker; absent when the code runs from TypeScript source (jest), which then renders on one thread. */
const WORKER = __filename.endsWith('.js') ? path.join(__dirname, 'render-worker.js') : undefined;

export interface ParallelRenderOptions {
  /**
   * Threads to render on, this one included.
   * @default - `MODELSHIP_SYNTH_JOBS`, else the CPUs node may use
   */
  readonly jobs?: number;
}

/** `MODELSHIP_SYNTH_JOBS`: a whole number of threads, 1 for the one-thread path. */
export function synthJobs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.MODELSHIP_SYNTH_JOBS;
  if (raw === undefined || raw === '') return os.availableParallelism();
  if (!/^[1-9][0-9]*$/.test(raw)) throw new InputError(`MODELSHIP_SYNTH_JOBS: must be a whole number of threads, at least 1 (got '${raw}')`);
  return Number(raw);
}

export interface RenderedTasks {
  /** Per task, in task order: its files, or its first error thrown. */
  readonly outputs: (() => Map<string, string>)[];
  /** How many threads rendered, this one included: 1 on the one-thread path. */
  readonly threads: number;
}

/**
 * Renders every task and hands back, per task, a function that gives its files
 * or throws its first error, exactly as rendering that task alone would; called
 * in task order, the first refusal is the one synth on one thread would report.
 * Above the threshold the records are dealt round-robin to threads (so a mix of
 * heavy Kubernetes and light Nomad units evens out) and the outcomes put back
 * in record order; the merge is the one the one-thread path uses, so the bytes are the same.
 */
export async function renderTasks(tasks: readonly RenderTask[], options: ParallelRenderOptions = {}): Promise<RenderedTasks> {
  const units = tasks.flatMap((t) => t.records.map((record): RenderUnit => ({ record, target: t.target, stand: t.stand })));
  const jobs = Math.min(options.jobs ?? synthJobs(), Math.ceil(units.length / (PARALLEL_THRESHOLD / 2)));
  const parallel = jobs >= 2 && units.length >= PARALLEL_THRESHOLD && WORKER !== undefined && fs.existsSync(WORKER);
  // Workers start first, so they load their modules while this thread loads its own.
  const outcomes = parallel ? renderOnThreads(units, jobs, WORKER) : undefined;
  const collectors = await loadCollectors(tasks.map((t) => t.target));
  if (!outcomes) {
    const renderers = await loadRenderers(tasks.map((t) => t.target));
    return {
      outputs: tasks.map((t) => () => collectors[t.target]!(t.records.map((record): RecordRender => (emit) => renderers[t.target]!({ record, target: t.target, stand: t.stand }, emit)))),
      threads: 1,
    };
  }
  const all = await outcomes;
  let next = 0;
  const outputs = tasks.map((t) => {
    const mine = all.slice(next, (next += t.records.length));
    return () => collectors[t.target]!(mine.map((o): RecordRender => (emit) => {
      for (const [name, text] of o.files) emit(name, text);
      if (o.error !== undefined) throw o.error;
    }));
  });
  return { outputs, threads: jobs };
}

type Collector = (perRecord: readonly RecordRender[]) => Map<string, string>;

async function loadCollectors(targets: readonly SynthTarget[]): Promise<Partial<Record<SynthTarget, Collector>>> {
  const collectors: Partial<Record<SynthTarget, Collector>> = {};
  if (targets.includes('kubernetes')) collectors.kubernetes = (await import('../kubernetes/render-manifests')).collectManifests;
  if (targets.includes('nomad')) collectors.nomad = (await import('../nomad/render-jobs')).collectJobs;
  return collectors;
}

/** Unit i goes to thread i mod jobs; thread 0 is this one, which renders its share while the workers render theirs. */
async function renderOnThreads(units: readonly RenderUnit[], jobs: number, worker: string): Promise<UnitOutcome[]> {
  const shares = Array.from({ length: jobs }, (_, t) => units.filter((_, i) => i % jobs === t));
  const workers = shares.slice(1).map((share) => runWorker(worker, share));
  let mine: UnitOutcome[];
  try {
    mine = renderUnits(shares[0], await loadRenderers(units.map((u) => u.target)));
  } finally {
    // Settled before anything is thrown: no worker is left running behind an error.
    await Promise.allSettled(workers);
  }
  const all = [mine, ...(await Promise.all(workers))];
  return units.map((_, i) => all[i % jobs][Math.floor(i / jobs)]);
}

function runWorker(file: string, units: readonly RenderUnit[]): Promise<UnitOutcome[]> {
  return new Promise((resolve, reject) => {
    const w = new Worker(file, { workerData: { units } });
    let answered = false;
    w.once('message', (m: { failed?: SentError } | { files: [string, string][]; error?: SentError }[]) => {
      answered = true;
      if (!Array.isArray(m)) return reject(receiveError(m.failed!));
      resolve(m.map((o) => (o.error === undefined ? o : { files: o.files, error: receiveError(o.error) })));
    });
    w.once('error', (e) => { answered = true; reject(e); });
    w.once('exit', (code) => { if (!answered) reject(new Error(`synth: a render thread exited with code ${code} before answering`)); });
  });
}
