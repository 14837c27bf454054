import { InputError, IoError, PolicyError } from '../core/errors';
import type { ModelRecord } from '../core/record';
import type { EmitFile } from './rendered-file';

export type SynthTarget = 'kubernetes' | 'nomad';

/** The records of one output folder rendered for one target. */
export interface RenderTask {
  readonly records: readonly ModelRecord[];
  readonly target: SynthTarget;
  /** @default - records without stands */
  readonly stand?: string;
}

/** One record of one task: the unit of work handed to a thread. */
export interface RenderUnit {
  readonly record: ModelRecord;
  readonly target: SynthTarget;
  readonly stand?: string;
}

/** What rendering one unit gave: the files emitted, in order, and the error that stopped it, if any. */
export interface UnitOutcome {
  readonly files: [name: string, text: string][];
  readonly error?: unknown;
}

/** An error as it crosses threads: structured clone keeps name, message and stack but not the class (so the exit code). */
export interface SentError {
  readonly kind: 'input' | 'policy' | 'io' | 'other';
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export type Renderers = Partial<Record<SynthTarget, (unit: RenderUnit, emit: EmitFile) => void>>;

/** Loads only the renderers the units need: a Nomad-only synth does not pay for cdk8s. */
export async function loadRenderers(targets: Iterable<SynthTarget>): Promise<Renderers> {
  const renderers: Renderers = {};
  for (const target of new Set(targets)) {
    if (target === 'kubernetes') {
      const { renderRecordManifests } = await import('../kubernetes/render-manifests');
      renderers.kubernetes = (u, emit) => renderRecordManifests(u.record, emit, { stand: u.stand });
    } else {
      const { renderRecordJobs } = await import('../nomad/render-jobs');
      renderers.nomad = (u, emit) => renderRecordJobs(u.record, emit);
    }
  }
  return renderers;
}

/** Renders each unit, keeping what it emitted before any error so the merge can replay it exactly. */
export function renderUnits(units: readonly RenderUnit[], renderers: Renderers): UnitOutcome[] {
  return units.map((unit) => {
    const files: [string, string][] = [];
    try {
      renderers[unit.target]!(unit, (name, text) => files.push([name, text]));
      return { files };
    } catch (error) {
      return { files, error };
    }
  });
}

export function sendError(e: unknown): SentError {
  const err = e instanceof Error ? e : new Error(String(e));
  const kind = e instanceof InputError ? 'input' : e instanceof PolicyError ? 'policy' : e instanceof IoError ? 'io' : 'other';
  return { kind, name: err.name, message: err.message, stack: err.stack };
}

/** The same class (so the same exit code and message) on this side of the thread boundary. */
export function receiveError(sent: SentError): Error {
  const e = sent.kind === 'input' ? new InputError(sent.message)
    : sent.kind === 'policy' ? new PolicyError(sent.message)
      : sent.kind === 'io' ? new IoError(sent.message) : new Error(sent.message);
  if (sent.kind === 'other') e.name = sent.name;
  if (sent.stack) e.stack = sent.stack;
  return e;
}
