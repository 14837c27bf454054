import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where a job runs: Nomad keys a job by region, namespace and ID. */
interface JobAddress {
  readonly id: string;
  readonly namespace?: string;
  readonly region?: string;
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

function addressOfFile(file: string): JobAddress | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(1024);
    return addressOf(buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, 0)).toString('utf8'));
  } finally {
    fs.closeSync(fd);
  }
}

const key = (a: JobAddress) => JSON.stringify([a.region ?? '', a.namespace ?? '', a.id]);

function shellWord(word: string): string {
  return /^[\w./@%+:,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * `nomad job stop` of a job, in its region and namespace. Without `-yes`: the exact ID
 * stops at once, while a job that is gone and only matches another job's ID as a prefix
 * (`taxi-fare` of `taxi-fare-candidate`) makes the CLI ask, which a CI job without input
 * answers no.
 */
export function stopCommand(job: JobAddress): string {
  return ['nomad job stop',
    ...(job.region ? [`-region ${shellWord(job.region)}`] : []),
    `-namespace ${shellWord(job.namespace ?? 'default')}`,
    shellWord(job.id)].join(' ');
}

/**
 * What to stop after synth so the cluster runs only the jobs the Nomad folders hold: each job
 * whose file synth removes (a promoted candidate, a removed model or retraining block), and
 * each whose rewritten file moved it to another namespace or region. Call it before changing
 * the folders: the addresses come from the files there now.
 */
export function stopCommands(dirs: readonly string[], written: ReadonlyMap<string, string>, removed: readonly string[]): string[] {
  const before = new Map<string, JobAddress>();
  const after = new Set<string>();
  const gone = new Set(removed);
  for (const dir of dirs) {
    const existing = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => JOB_JSON.test(n)) : [];
    for (const name of existing) {
      const file = path.join(dir, name);
      if (!gone.has(file) && !written.has(file)) continue;
      const address = addressOfFile(file);
      if (address) before.set(key(address), address);
    }
  }
  for (const [file, text] of written) {
    if (!JOB_JSON.test(file)) continue;
    const address = addressOf(text);
    if (address) after.add(key(address));
  }
  const order = (a: JobAddress) => [a.region ?? '', a.namespace ?? '', a.id];
  const byAddress = (a: JobAddress, b: JobAddress) => {
    const [x, y] = [order(a), order(b)];
    const i = x.findIndex((v, n) => v !== y[n]);
    return i < 0 ? 0 : x[i] < y[i] ? -1 : 1;
  };
  return [...before].filter(([k]) => !after.has(k)).map(([, a]) => a).sort(byAddress).map(stopCommand);
}
