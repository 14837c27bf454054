import { parentPort, workerData } from 'node:worker_threads';
import { ModelStore } from '../registry/model-store';
import { loadRenderers, RenderUnit, renderUnits, sendError } from './render-task';
import type { ReadAnswer, WorkerStart } from './synth-threads';

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
  const outcomes = renderUnits(await units, renderers);
  parentPort!.postMessage(outcomes.map((o) => (o.error === undefined ? o : { files: o.files, error: sendError(o.error) })));
}

main().catch((e) => parentPort!.postMessage({ failed: sendError(e) }));
