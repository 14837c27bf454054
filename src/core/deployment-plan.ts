import { evaluateGates } from './gates';
import { findVersion, ModelRecord, otherSlot, productionVersion, SlotName, VersionEntry } from './record';
import { compareVersions } from './semver-rules';

/**
 * What a running copy of a version is for: `live` takes the model's traffic,
 * `preview` is a blue-green model's other slot holding a version waiting to be
 * switched to, `idle` that slot holding the retired version a rollback returns
 * to, `candidate` a one-instance test deployment of a version still being
 * measured or awaiting promotion.
 */
export type DeploymentRole = 'live' | 'preview' | 'idle' | 'candidate';

export interface PlannedDeployment {
  readonly role: DeploymentRole;
  readonly version: VersionEntry;
  /** The blue-green slot it runs in; undefined for rolling models and candidates. */
  readonly slot?: SlotName;
}

export interface DeploymentPlan {
  readonly live?: PlannedDeployment;
  /** The blue-green slot that is not live: role `preview`, or `idle` when it holds a retired version. */
  readonly preview?: PlannedDeployment;
  readonly candidate?: PlannedDeployment;
  /** Why a version that could run as the candidate does not, one line each, for synth's stderr. */
  readonly notes: readonly string[];
}

/** Versions a team may still want to try: never rejected, not yet live, not held by a slot. */
function mayBeCandidate(record: ModelRecord, v: VersionEntry, live: VersionEntry | undefined): boolean {
  const inSlot = record.slots !== undefined && (record.slots.blue === v.version || record.slots.green === v.version);
  if (inSlot) return false;
  if (v.stage === 'candidate') return true;
  // A validated version waiting for promote keeps its test deployment until it moves on.
  return v.stage === 'validated' && (!live || compareVersions(v.version, live.version) > 0);
}

/** Why a version cannot run as the candidate, or undefined when it can. */
function candidateProblem(record: ModelRecord, v: VersionEntry): string | undefined {
  if (!v.digest) return 'it has no digest for the init task to verify (run modelship measure --artifact)';
  if (v.sizeBytes === undefined) return 'it has no measured size to size its volume (run modelship measure --artifact)';
  const size = evaluateGates(record.gates, v).results.find((r) => r.gate === 'maxSizeMiB');
  if (size && !size.passed) return size.message;
  return undefined;
}

/** The stage a version must be in to run in each role. */
const STAGE_FOR_ROLE: Record<DeploymentRole, readonly VersionEntry['stage'][]> = {
  live: ['production'],
  preview: ['validated'],
  idle: ['retired'],
  candidate: ['candidate', 'validated'],
};

/**
 * Why a planned version may not run in its role, or undefined when it may:
 * the one rule both targets apply. Live and preview must be within every gate;
 * an idle (retired) version passed them when it went live, and gates tightened
 * since do not take away the version a rollback returns to; a candidate needs
 * only the figures that size and verify it.
 */
export function roleRefusal(record: ModelRecord, planned: PlannedDeployment): string | undefined {
  const v = planned.version;
  const at = `${record.name} ${v.version}`;
  if (!STAGE_FOR_ROLE[planned.role].includes(v.stage)) return `${at} is ${v.stage} and cannot run as ${planned.role}`;
  if (planned.role === 'candidate') {
    const problem = candidateProblem(record, v);
    return problem && `${at} cannot run as candidate: ${problem}`;
  }
  if (!v.digest) return `${at} has no digest; the init task cannot verify it (run modelship measure --artifact)`;
  if (v.sizeBytes === undefined) return `${at} has no sizeBytes; its volume cannot be sized (run modelship measure --artifact)`;
  if (planned.role === 'idle') return undefined;
  // Live is production: declared figures count there only when the record opts in.
  const verdict = evaluateGates(record.gates, v, { production: planned.role === 'live' });
  return verdict.passed ? undefined : `${at} cannot be deployed as ${planned.role === 'live' ? 'production' : planned.role}: ${verdict.reason}`;
}

/**
 * Why the record's running versions (live, and a blue-green model's other slot) cannot be
 * deployed as planned, the first in slot order as the renderers check them; undefined when
 * they can. A candidate is planned only when it may run, so it is never the reason.
 */
export function runningVersionRefusal(record: ModelRecord): string | undefined {
  const plan = planDeployments(record);
  const running = [plan.live, plan.preview]
    .filter((p): p is PlannedDeployment => p !== undefined)
    .sort((a, b) => (a.slot ?? '').localeCompare(b.slot ?? ''));
  for (const p of running) {
    const refusal = roleRefusal(record, p);
    if (refusal) return refusal;
  }
  return undefined;
}

/** Every planned deployment, live first. */
export function plannedDeployments(plan: DeploymentPlan): PlannedDeployment[] {
  return [plan.live, plan.preview, plan.candidate].filter((p): p is PlannedDeployment => p !== undefined);
}

/**
 * Which version runs in which role. Rolling: the production version is live.
 * Blue-green: the active slot is live, the other slot the preview. Either way
 * the newest version that may be a candidate and has a digest and a size
 * within its size gate runs as the candidate (latency is what it is deployed
 * to measure, so that gate is not asked of it); newer ones that cannot are
 * named in `notes`.
 */
export function planDeployments(record: ModelRecord): DeploymentPlan {
  const prod = productionVersion(record);
  let live: PlannedDeployment | undefined;
  let preview: PlannedDeployment | undefined;
  if (record.deploy.strategy === 'blue-green') {
    const slots = record.slots;
    if (slots) {
      const at = (slot: SlotName) => (slots[slot] === null ? undefined : findVersion(record, slots[slot] as string));
      const active = at(slots.active);
      const idle = at(otherSlot(slots.active));
      if (active) live = { role: 'live', version: active, slot: slots.active };
      if (idle) preview = { role: idle.stage === 'retired' ? 'idle' : 'preview', version: idle, slot: otherSlot(slots.active) };
    }
  } else if (prod) {
    live = { role: 'live', version: prod };
  }

  const notes: string[] = [];
  let candidate: PlannedDeployment | undefined;
  const newestFirst = record.versions
    .filter((v) => mayBeCandidate(record, v, prod))
    .sort((a, b) => compareVersions(b.version, a.version));
  for (const v of newestFirst) {
    const problem = candidateProblem(record, v);
    if (problem === undefined) {
      candidate = { role: 'candidate', version: v };
      break;
    }
    notes.push(`${record.name} ${v.version} is not deployed as the candidate: ${problem}`);
  }
  return { live, preview, candidate, notes };
}
