import { PolicyError } from '../core/errors';
import type { ModelRecord } from '../core/record';
import type { EmitFile, RecordRender } from '../synth/rendered-file';
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
  return collectJobs(records.map((record) => (emit: EmitFile) => renderRecordJobs(record, emit)));
}

/**
 * The files of each record in record order (some perhaps rendered on another
 * thread); the first that throws, or the first job named like an earlier one, stops it.
 */
export function collectJobs(perRecord: readonly RecordRender[]): Map<string, string> {
  const out = new Map<string, string>();
  const emit: EmitFile = (name, text) => {
    // A job is its .hcl then its .json: an .hcl name already taken is two jobs with one ID.
    if (name.endsWith('.nomad.hcl') && out.has(name)) {
      throw new PolicyError(`two jobs would be named ${name.slice(0, -'.nomad.hcl'.length)} (a model named like another model's candidate or retraining job)`);
    }
    out.set(name, text);
  };
  for (const render of perRecord) render(emit);
  return out;
}

/** The job files of one record: its model job, its candidate's and its retraining job, each as HCL then JSON. */
export function renderRecordJobs(record: ModelRecord, emit: EmitFile): void {
  for (const job of [buildModelJob({ record }), buildCandidateJob({ record })]) {
    if (!job) continue;
    emit(`${job.ID}.nomad.hcl`, renderJobHcl(job));
    emit(`${job.ID}.nomad.json`, renderJobJson(job));
  }
  const retraining = buildRetrainingJob({ record });
  if (retraining) {
    emit(`${retraining.ID}.nomad.hcl`, renderRetrainingJobHcl(retraining));
    emit(`${retraining.ID}.nomad.json`, renderRetrainingJobJson(retraining));
  }
}
