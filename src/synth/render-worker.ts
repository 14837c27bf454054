import { parentPort, workerData } from 'node:worker_threads';
import { loadRenderers, RenderUnit, renderUnits, sendError } from './render-task';

/** A worker thread of parallel synth: renders its share of the units and sends back the outcomes. */
async function main(): Promise<void> {
  const units = workerData.units as RenderUnit[];
  const outcomes = renderUnits(units, await loadRenderers(units.map((u) => u.target)));
  parentPort!.postMessage(outcomes.map((o) => (o.error === undefined ? o : { files: o.files, error: sendError(o.error) })));
}

main().catch((e) => parentPort!.postMessage({ failed: sendError(e) }));
