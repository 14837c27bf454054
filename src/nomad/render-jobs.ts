import type { ModelRecord } from '../core/record';
import { renderJobHcl } from './job-hcl';
import { renderJobJson } from './job-json';
import { buildModelJob } from './model-job';
import { buildRetrainingJob, renderRetrainingJobHcl, renderRetrainingJobJson } from './retraining-job';

/**
 * `<name>.nomad.hcl` and `<name>.nomad.json` for every record with something
 * deployable, and `<name>-retrain.nomad.*` for a record with a `retraining`
 * block. Plain strings, no cdktf: the stack layer is optional.
 */
export function renderJobs(records: readonly ModelRecord[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const record of records) {
    // A model is retrained before its first version is deployable too.
    const retraining = buildRetrainingJob({ record });
    if (retraining) {
      out.set(`${record.name}-retrain.nomad.hcl`, renderRetrainingJobHcl(retraining));
      out.set(`${record.name}-retrain.nomad.json`, renderRetrainingJobJson(retraining));
    }
    const job = buildModelJob({ record });
    if (!job) continue;
    out.set(`${record.name}.nomad.hcl`, renderJobHcl(job));
    out.set(`${record.name}.nomad.json`, renderJobJson(job));
  }
  return out;
}
