import * as fs from 'node:fs';
import * as path from 'node:path';
import { shellWord } from '../core/shell-word';
import { readHead } from '../synth/file-head';

/** Where a job runs: Nomad keys a job by region, namespace and ID. */
interface JobAddress {
  readonly id: string;
  /** Absent in files of modelship before it always wrote one: the job ran in the caller's $NOMAD_NAMESPACE. */
  readonly namespace?: string;
  readonly region?: string;
}

/** What synth prints after it writes the Nomad folders. */
export interface StopCommands {
  /** One `nomad job stop` per job whose files synth removed, or that moved to another namespace or region. */
  readonly stop: readonly string[];
  /** Jobs whose old file named no namespace: where they ran is not known here. */
  readonly notes: readonly string[];
}

const JOB_JSON = /\.nomad\.json$/;
const FIELD = /^ {4}"(ID|Region|Namespace)": ("(?:[^"\\]|\\.)*"),?$/;

/**
 * A job's address from the top of its `.nomad.json` (renderJobJson writes ID, Region and
 * Namespace before Datacenters): a folder may hold a thousand jobs, so only the head is read.
 */
function addressOf(text: string): JobAddress | undefined {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n', 12)) {
    const m = FIELD.exec(line);
    if (m) fields[m[1]] = JSON.parse(m[2]) as string;
    if (line.startsWith('    "Datacenters"')) break;
  }
  return fields.ID === undefined ? undefined : { id: fields.ID, namespace: fields.Namespace, region: fields.Region };
}

/** A job without a namespace is in `default` as far as the files say. */
const key = (a: JobAddress) => JSON.stringify([a.region ?? '', a.namespace ?? 'default', a.id]);

/**
 * Stops a job in its region and namespace, when it is there. `nomad job stop` matches IDs
 * by prefix and fails on a job that is gone: the exact job is looked up first (a stop for a
 * job already stopped, or never run, does nothing, also under `sh -e`), and stdin is closed,
 * so the question it asks when only a longer ID matches (`taxi-fare` of `taxi-fare-candidate`)
 * is answered no.
 */
export function stopCommand(job: JobAddress): string {
  const where = [...(job.region ? [`-region ${shellWord(job.region)}`] : []), `-namespace ${shellWord(job.namespace ?? 'default')}`].join(' ');
  const id = shellWord(job.id);
  return `nomad job status ${where} ${id} >/dev/null 2>&1 && nomad job stop ${where} ${id} </dev/null`;
}

/**
 * What to stop after synth so the cluster runs only the jobs the Nomad folders hold: each job
 * whose file synth removes (a promoted candidate, a removed model or retraining block), and
 * each whose rewritten file moved it to another namespace or region. Call it before changing
 * the folders: the addresses come from the files there now.
 */
export function stopCommands(dirs: readonly string[], written: ReadonlyMap<string, string>, removed: readonly string[]): StopCommands {
  const before = new Map<string, JobAddress>();
  const after = new Set<string>();
  const notes: string[] = [];
  const gone = new Set(removed);
  for (const dir of dirs) {
    const existing = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => JOB_JSON.test(n)) : [];
    for (const name of existing) {
      const file = path.join(dir, name);
      if (!gone.has(file) && !written.has(file)) continue;
      const address = addressOf(readHead(file) ?? '');
      if (!address) continue;
      before.set(key(address), address);
      if (address.namespace === undefined && written.has(file)) {
        notes.push(`${file} named no Nomad namespace, so job ${address.id} ran in the $NOMAD_NAMESPACE of whoever ran it; it now says "default": ` +
          'if that was another namespace, set deploy.nomad.namespace to it, or stop the job there');
      }
    }
  }
  for (const [file, text] of written) {
    if (!JOB_JSON.test(file)) continue;
    const address = addressOf(text);
    if (address) after.add(key(address));
  }
  // By region, namespace and ID: the key's JSON sorts them so (`"` before `-`: taxi-fare before taxi-fare-candidate).
  const stopped = [...before].filter(([k]) => !after.has(k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { stop: stopped.map(([, a]) => stopCommand(a)), notes };
}
