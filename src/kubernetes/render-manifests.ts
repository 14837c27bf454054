import { App, Yaml } from 'cdk8s';
import { PolicyError } from '../core/errors';
import type { ModelRecord } from '../core/record';
import { ModelChart } from './model-chart';

/**
 * Renders each record in an App of its own. One App holding every chart costs
 * time that grows with the square of the chart count (App.synth resolves
 * dependencies across all of them); charts of different models share nothing,
 * so separate Apps give the same objects in linear time.
 * Throws, before anything is written, on the first record whose constructs
 * fail validation (a production version outside its gates).
 */
export function renderManifests(records: readonly ModelRecord[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const record of records) {
    out.set(`${record.name}.k8s.yaml`, renderManifest(record));
  }
  return out;
}

export function renderManifest(record: ModelRecord): string {
  const app = new App({ outdir: '/nonexistent-unused' });
  let chart: ModelChart;
  try {
    chart = new ModelChart(app, record.name, { record });
  } catch (e) {
    throw new PolicyError(`synth refused: ${(e as Error).message}`);
  }
  const errors = chart.node.findAll().flatMap((c) => c.node.validate());
  if (errors.length) throw new PolicyError(`synth refused: ${errors.join('; ')}`);
  return Yaml.stringify(...chart.toJson());
}
