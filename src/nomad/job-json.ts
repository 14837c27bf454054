import type { NomadJob } from './job-model';

/** The API job format `nomad job run -json` and `POST /v1/jobs` take: `{"Job": {...}}`. */
export function renderJobJson(job: NomadJob): string {
  return JSON.stringify({ Job: job }, null, 2) + '\n';
}
