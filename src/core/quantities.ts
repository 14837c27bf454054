/**
 * The record states resources as Kubernetes quantities; Nomad wants MHz and MB.
 * One conversion serves both targets so they never disagree on a model's size.
 */
const MIB = 1024 * 1024;

/** `500m` -> 500, `2` -> 2000. */
export function cpuMillis(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Math.round(Number(q) * 1000);
}

const MEMORY_UNITS: Record<string, number> = {
  Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024, k: 1e3 / MIB, M: 1e6 / MIB, G: 1e9 / MIB, T: 1e12 / MIB, '': 1 / MIB,
};

/** `1Gi` -> 1024, `512Mi` -> 512, rounded up to whole MiB. */
export function memoryMiB(q: string): number {
  const m = /^([0-9.]+)([A-Za-z]*)$/.exec(q);
  if (!m || !(m[2] in MEMORY_UNITS)) throw new Error(`not a memory quantity: ${q}`);
  return Math.ceil(Number(m[1]) * MEMORY_UNITS[m[2]]);
}

/** Room for the artifact plus file system overhead and a leftover temp copy. */
export function modelVolumeMiB(sizeBytes: number): number {
  return Math.ceil((sizeBytes * 11) / 10 / MIB) + 64;
}
