import { PolicyError } from '../core/errors';
import type { ModelRecord } from '../core/record';
import { renderJobHcl } from './job-hcl';
import { renderJobJson } from './job-json';
import { buildCandidateJob, buildModelJob } from './model-job';
import { buildRetrainingJob, renderRetrainingJobHcl, renderRetrainingJobJson } from './retraining-job';

/**
 * `<name>.nomad.hcl` and `<name>.nomad.json` for every record with something
 * deployable, `<name>-candidate.nomad.{hcl,json}` for one with a candidate
 * to measure, and `<name>-retrain.nomad.{hcl,json}` for one with a
 * `retraining` block (even before a first version: training makes it).
 * Plain strings, no cdktf: the stack layer is optional.
 */
export function renderJobs(records: readonly ModelRecord[]): Map<string, string> {
  const out = new Map<string, string>();
  const claim = (id: string) => {
    if (out.has(`${id}.nomad.hcl`)) {
      throw new PolicyError(`synth refused: two jobs would be named ${id} (a model named like another model's candidate or retraining job)`);
    }
  };
  for (const record of records) {
    for (const job of [buildModelJob({ record }), buildCandidateJob({ record })]) {
      if (!job) continue;
      claim(job.ID);
      out.set(`${job.ID}.nomad.hcl`, renderJobHcl(job));
      out.set(`${job.ID}.nomad.json`, renderJobJson(job));
    }
    const retraining = buildRetrainingJob({ record });
    if (retraining) {
      claim(retraining.ID);
      out.set(`${retraining.ID}.nomad.hcl`, renderRetrainingJobHcl(retraining));
      out.set(`${retraining.ID}.nomad.json`, renderRetrainingJobJson(retraining));
    }
  }
  return out;
}
