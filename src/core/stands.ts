import { ModelRecord, otherSlot, productionVersion, VersionEntry } from './record';
import { compareVersions } from './semver-rules';

/** One running (or loaded) version of a model and the part it plays. */
export interface Stand {
  /** live: serves traffic; preview: the idle blue-green slot; candidate: the rolling test Deployment. */
  readonly role: 'live' | 'preview' | 'idle' | 'candidate';
  readonly slot: string | null;
  readonly version: string;
  readonly stage: string;
  readonly digest?: string;
  /** `<artifact.image>:<version>`, the image the init step copies from. */
  readonly image: string;
  /** When it went live (the live stand only). */
  readonly since?: string;
}

/**
 * Where versions stand now, as synth renders them: blue-green per slot, rolling
 * the production Deployment plus the newest validated version above it as the
 * one-replica candidate.
 */
export function standsOf(r: ModelRecord): Stand[] {
  const stand = (role: Stand['role'], slot: string | null, v: VersionEntry): Stand => ({
    role, slot, version: v.version, stage: v.stage, digest: v.digest, image: `${r.artifact.image}:${v.version}`,
    since: role === 'live' ? v.promotedAt : undefined,
  });
  const find = (version: string | null) => (version ? r.versions.find((v) => v.version === version) : undefined);
  if (r.deploy.strategy === 'blue-green' && r.slots) {
    const out: Stand[] = [];
    const active = find(r.slots[r.slots.active]);
    if (active) out.push(stand('live', r.slots.active, active));
    const idleSlot = otherSlot(r.slots.active);
    const idle = find(r.slots[idleSlot]);
    if (idle) out.push(stand(idle.stage === 'validated' ? 'preview' : 'idle', idleSlot, idle));
    return out;
  }
  const live = productionVersion(r);
  const next = r.versions
    .filter((v) => v.stage === 'validated' && (!live || compareVersions(v.version, live.version) > 0))
    .sort((a, b) => compareVersions(b.version, a.version))[0];
  return [...(live ? [stand('live', null, live)] : []), ...(next ? [stand('candidate', null, next)] : [])];
}
