import { parentPort, workerData } from 'node:worker_threads';
import { ModelStore } from '../registry/model-store';
import { loadRenderers, RenderUnit, renderUnits, sendError } from './render-task';
import type { ReadAnswer, RenderedChunk, SentOutcome, WorkerStart } from './synth-threads';

/**
 * Outcomes go back this many units at a time: soon enough that the main
 * thread writes files while this one renders, seldom enough that messages cost nothing.
 */
const CHUNK = 8;

/**
 * A worker thread of parallel synth: reads its share of the records (if
 * given), loads the renderers, then renders the units it is handed.
 */
async function main(): Promise<void> {
  const start = workerData as WorkerStart;
  // Listening first: the units may arrive while the renderers load.
  const units = new Promise<RenderUnit[]>((resolve) => parentPort!.once('message', (m: { units: RenderUnit[] }) => resolve(m.units)));
  if (start.read) {
    const notes: string[] = [];
    const store = new ModelStore(start.read.dir, { lockTimeoutMs: start.read.lockTimeoutMs, notify: (line) => notes.push(line) });
    const records = store.readEach(start.read.names).map((o) => ('error' in o ? { error: sendError(o.error) } : o));
    parentPort!.postMessage({ records, notes } satisfies ReadAnswer);
  }
  const renderers = await loadRenderers(start.targets);
  const mine = await units;
  for (let i = 0; i < mine.length; i += CHUNK) {
    const outcomes = renderUnits(mine.slice(i, i + CHUNK), renderers)
      .map((o): SentOutcome => (o.error === undefined ? { files: o.files } : { files: o.files, error: sendError(o.error) }));
    parentPort!.postMessage({ outcomes } satisfies RenderedChunk);
  }
}

main().catch((e) => parentPort!.postMessage({ failed: sendError(e) }));
