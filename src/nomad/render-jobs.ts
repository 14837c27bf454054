import { PolicyError } from '../core/errors';
import type { ModelRecord } from '../core/record';
import { renderJobHcl } from './job-hcl';
import { renderJobJson } from './job-json';
import { buildCandidateJob, buildModelJob } from './model-job';

/**
 * `<name>.nomad.hcl` and `<name>.nomad.json` for every record with something
 * deployable, and `<name>-candidate.nomad.{hcl,json}` for one with a candidate
 * to measure. Plain strings, no cdktf: the stack layer is optional.
 */
export function renderJobs(records: readonly ModelRecord[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const record of records) {
    for (const job of [buildModelJob({ record }), buildCandidateJob({ record })]) {
      if (!job) continue;
      if (out.has(`${job.ID}.nomad.hcl`)) {
        throw new PolicyError(`synth refused: two jobs would be named ${job.ID} (a model named like another model's candidate job)`);
      }
      out.set(`${job.ID}.nomad.hcl`, renderJobHcl(job));
      out.set(`${job.ID}.nomad.json`, renderJobJson(job));
    }
  }
  return out;
}
