import { Worker } from 'node:worker_threads';
import type { ModelRecord } from '../core/record';
import { receiveError, RenderUnit, SentError, SynthTarget, UnitOutcome } from './render-task';

/** Records a worker reads itself, so parsing them is shared between the cores too. */
export interface RecordShare {
  /** The models directory. */
  readonly dir: string;
  /** Names this worker reads, in name order. */
  readonly names: readonly string[];
  /** How long a read waits for the lock of a record a killed command left half-changed. @default the store's default */
  readonly lockTimeoutMs?: number;
}

/** What a worker is started with (`workerData`). */
export interface WorkerStart {
  /** The renderers to load while the records are read. */
  readonly targets: readonly SynthTarget[];
  /** @default - the worker reads no records; it is handed its units */
  readonly read?: RecordShare;
}

/** An outcome as it crosses threads. */
export type SentOutcome = { readonly files: [string, string][]; readonly error?: SentError };

/** A worker's answer to its start: each record it read, or the error reading it threw. */
export interface ReadAnswer {
  readonly records: ({ readonly record: ModelRecord } | { readonly error: SentError })[];
  /** Lines about interrupted changes it settled, for this thread to print. */
  readonly notes: readonly string[];
}

/** Outcomes of a worker's next units, in order, sent as they are rendered. */
export interface RenderedChunk {
  readonly outcomes: SentOutcome[];
}

export type WorkerMessage = ReadAnswer | RenderedChunk | { readonly failed: SentError };

/** One record read, or what reading it threw. */
export type ReadOutcome = { readonly record: ModelRecord } | { readonly error: unknown };

export interface SynthThreadsProps {
  /** The compiled worker script. */
  readonly worker: string;
  /** Threads, this one included: thread 0 is this one, 1..jobs-1 are workers. */
  readonly jobs: number;
  /** Targets the workers render, so they load those renderers (cdk8s-plus takes a while) before they are needed. */
  readonly targets: readonly SynthTarget[];
  /**
   * Records to read: name i goes to thread i mod jobs, thread 0 being this
   * one, which reads its share while the workers read theirs.
   * @default - the records are read elsewhere
   */
  readonly read?: Omit<RecordShare, 'names'> & { readonly names: readonly string[] };
}

/**
 * Worker threads started before synth reads a single record: they read their
 * share of the records while this thread reads its own, load the renderers
 * while this thread plans the folders, then render the units they are dealt
 * (unit i to thread i mod jobs, this one included) and send the outcomes back
 * as they go, so this thread can write files between its own renderings.
 * Outcomes are put back in order, so a refusal or a broken record surfaces
 * exactly where it would on one thread.
 */
export class SynthThreads {
  static start(props: SynthThreadsProps): SynthThreads {
    const shares = Array.from({ length: props.jobs }, (_, t) => (props.read?.names ?? []).filter((_, i) => i % props.jobs === t));
    const workers = shares.slice(1).map((names) => new WorkerChannel(props.worker, {
      targets: props.targets,
      read: props.read ? { dir: props.read.dir, names, lockTimeoutMs: props.read.lockTimeoutMs } : undefined,
    }));
    return new SynthThreads(workers, shares[0], props.read !== undefined);
  }

  private constructor(
    private readonly workers: readonly WorkerChannel[],
    private readonly mine: readonly string[],
    private readonly reading: boolean,
  ) {}

  /** Threads, this one included. */
  get jobs(): number {
    return this.workers.length + 1;
  }

  /**
   * Every record of `read.names`, in name order: this thread reads its share
   * with `readHere`, the workers theirs. The first failure in name order is
   * thrown, whichever thread met it, with its class (so its exit code).
   */
  async records(readHere: (names: readonly string[]) => ReadOutcome[], notify: (line: string) => void): Promise<ModelRecord[]> {
    if (!this.reading) throw new Error('these threads were started without records to read');
    const all: ReadOutcome[][] = [readHere(this.mine)];
    for (const answer of await Promise.all(this.workers.map((w) => w.next()))) {
      const read = answer as ReadAnswer;
      if (!Array.isArray(read.records)) throw new Error('synth: a render thread answered out of turn');
      read.notes.forEach((line) => notify(line));
      all.push(read.records.map((o) => ('error' in o ? { error: receiveError(o.error) } : o)));
    }
    const threads = all.length;
    const total = all.reduce((n, share) => n + share.length, 0);
    const records: ModelRecord[] = [];
    for (let i = 0; i < total; i++) {
      const o = all[i % threads][Math.floor(i / threads)];
      if ('error' in o) throw o.error;
      records.push(o.record);
    }
    return records;
  }

  /**
   * Renders every unit, unit i on thread i mod jobs (`renderHere` renders
   * this thread's share while the workers render theirs), and gives back the
   * outcomes in unit order. `onOutcome` sees each outcome as it arrives (in no
   * particular order across threads), with its unit's index.
   */
  async render(
    units: readonly RenderUnit[],
    renderHere: (units: readonly RenderUnit[], onOutcome: (k: number, outcome: UnitOutcome) => void) => Promise<void>,
    onOutcome: (index: number, outcome: UnitOutcome) => void = () => {},
  ): Promise<UnitOutcome[]> {
    const jobs = this.jobs;
    const all: UnitOutcome[] = new Array(units.length);
    const take = (t: number) => (k: number, outcome: UnitOutcome) => {
      const index = k * jobs + t;
      all[index] = outcome;
      onOutcome(index, outcome);
    };
    const answers = this.workers.map((w, t) => w.ask(units.filter((_, i) => i % jobs === t + 1), take(t + 1)));
    try {
      await renderHere(units.filter((_, i) => i % jobs === 0), take(0));
    } finally {
      // Settled before anything is thrown: no worker is left running behind an error.
      await Promise.allSettled(answers);
    }
    await Promise.all(answers);
    return all;
  }

  /** Stops workers that are still waiting (after a broken record, say); they hold no files. */
  close(): void {
    for (const w of this.workers) w.close();
  }
}

/** One worker and the answers it sends, taken one at a time. */
class WorkerChannel {
  private readonly worker: Worker;
  private readonly answers: WorkerMessage[] = [];
  private waiting?: { resolve: (m: WorkerMessage) => void; reject: (e: unknown) => void };
  private failure?: unknown;
  private done = false;

  constructor(file: string, start: WorkerStart) {
    this.worker = new Worker(file, { workerData: start });
    this.worker.on('message', (m: WorkerMessage) => {
      if ('failed' in m) return this.fail(receiveError(m.failed));
      if (this.waiting) {
        this.waiting.resolve(m);
        this.waiting = undefined;
      } else {
        this.answers.push(m);
      }
    });
    this.worker.once('error', (e) => this.fail(e));
    this.worker.once('exit', (code) => {
      this.done = true;
      this.fail(new Error(`synth: a render thread exited with code ${code} before answering`));
    });
  }

  next(): Promise<WorkerMessage> {
    const queued = this.answers.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  /** Hands the worker its units and takes their outcomes, chunk by chunk, until all are in. */
  async ask(units: readonly RenderUnit[], onOutcome: (k: number, outcome: UnitOutcome) => void): Promise<void> {
    this.worker.postMessage({ units });
    for (let k = 0; k < units.length;) {
      const m = await this.next();
      if (!('outcomes' in m)) throw new Error('synth: a render thread answered out of turn');
      for (const o of m.outcomes) onOutcome(k++, o.error === undefined ? o : { files: o.files, error: receiveError(o.error) });
    }
  }

  close(): void {
    if (!this.done) void this.worker.terminate();
  }

  private fail(e: unknown): void {
    if (this.failure === undefined) this.failure = e;
    if (this.waiting) {
      this.waiting.reject(this.failure);
      this.waiting = undefined;
    }
  }
}
