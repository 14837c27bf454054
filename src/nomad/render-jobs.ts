import type { ModelRecord } from '../core/record';
import { renderJobHcl } from './job-hcl';
import { renderJobJson } from './job-json';
import { buildModelJob } from './model-job';

/**
 * `<name>.nomad.hcl` and `<name>.nomad.json` for every record with something
 * deployable. Plain strings, no cdktf: the stack layer is optional.
 */
export function renderJobs(records: readonly ModelRecord[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const record of records) {
    const job = buildModelJob({ record });
    if (!job) continue;
    out.set(`${record.name}.nomad.hcl`, renderJobHcl(job));
    out.set(`${record.name}.nomad.json`, renderJobJson(job));
  }
  return out;
}
