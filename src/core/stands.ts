import { InputError, PolicyError } from './errors';
import type { PendingEvent } from './history-event';
import type { Outcome } from './lifecycle';
import { findVersion, ModelRecord, otherSlot, StandSpec, StandState, StandVersion, VersionEntry } from './record';
import type { RuleViolation } from './record-rules';
import { retrainingEnvironment } from './retraining-contract';

/**
 * Stands: the environments a version passes through, first to last. The last
 * stand is production and keeps its state where a record without stands keeps
 * it (`versions[].stage`, `slots`), so existing records mean what they meant.
 * Every other stand keeps its own live version and slots in `standStates`.
 *
 * The lifecycle (promote, switch, rollback) and the deployment plan run
 * unchanged on a stand's *view*: the record as that stand sees it, with the
 * stand's stages and slots in place of production's.
 */

/** The name a record without `stands` gives its one stand, for `--stand` and the implicit alias. */
export const IMPLICIT_STAND = 'production';

export function standsOf(record: ModelRecord): readonly StandSpec[] {
  return record.stands ?? [{ name: IMPLICIT_STAND }];
}

export function standNames(record: ModelRecord): string[] {
  return standsOf(record).map((s) => s.name);
}

export function lastStand(record: ModelRecord): string {
  const names = standNames(record);
  return names[names.length - 1];
}

/** The stand's spec, or bad input naming the stands there are. */
export function requireStand(record: ModelRecord, stand: string): StandSpec {
  const spec = standsOf(record).find((s) => s.name === stand);
  if (!spec) {
    throw new InputError(`${record.name}: no stand ${stand} (stands: ${standNames(record).join(', ')}${record.stands ? '' : '; the record declares no `stands`'})`);
  }
  return spec;
}

function isLast(record: ModelRecord, stand: string): boolean {
  return stand === lastStand(record);
}

function stateOf(record: ModelRecord, stand: string): StandState {
  return record.standStates?.[stand] ?? { versions: [] };
}

/**
 * The record as one stand sees it, for the lifecycle. The last stand sees the
 * record itself. Another stand sees its own production and retired versions;
 * versions that are live or retired in production only are, there, merely
 * validated. Declared figures are accepted before production: the last stand
 * keeps every gate, `gates.acceptDeclared` included.
 */
export function standView(record: ModelRecord, stand: string): ModelRecord {
  requireStand(record, stand);
  if (isLast(record, stand)) return record;
  const state = stateOf(record, stand);
  const versions = record.versions.map((v): VersionEntry => {
    const here = state.versions.find((s) => s.version === v.version);
    const { promotedAt: _p, retiredAt: _r, ...rest } = v;
    if (here) return { ...rest, ...here };
    if (v.stage === 'production' || v.stage === 'retired') return { ...rest, stage: 'validated' };
    return v;
  });
  const { slots: _slots, ...base } = record;
  // The champion is production's (the last stand's): validate and the promotion into the last
  // stand compare with it. A stand's own live version is no champion to beat.
  const { beatProduction: _beat, ...gates } = record.gates;
  return {
    ...base,
    gates: { ...gates, acceptDeclared: true },
    versions,
    ...(state.slots ? { slots: state.slots } : {}),
  };
}

/**
 * What a stand deploys: its view, narrowed to what runs there, with its
 * overrides applied. Only the first stand runs the candidate test deployment
 * (when there are several stands): later stands run what was promoted to them.
 * The retraining job runs in the last stand only.
 * A record without stands comes back unchanged, so it renders exactly as before.
 */
export function standDeployment(record: ModelRecord, stand: string): ModelRecord {
  if (!record.stands) {
    requireStand(record, stand);
    return record;
  }
  const spec = requireStand(record, stand);
  const view = standView(record, stand);
  const first = standNames(record)[0] === stand;
  const inSlot = (v: string) => view.slots !== undefined && (view.slots.blue === v || view.slots.green === v);
  const versions = first
    ? view.versions
    : view.versions.filter((v) => v.stage === 'production' || v.stage === 'retired' || inSlot(v.version));
  const k8s = { ...record.deploy.kubernetes, ...spec.kubernetes };
  const nomad = { ...record.deploy.nomad, ...spec.nomad };
  // Retraining learns from production's data and cuts one new version: it runs in the last stand only.
  const { retraining, ...rest } = view;
  return {
    ...rest,
    // Its contract from the whole record: the stand's versions below leave out the candidates cut since.
    ...(isLast(record, stand) && retraining ? { retraining: { ...retraining, contract: retrainingEnvironment(record) } } : {}),
    // The real gates: a stand's view relaxes acceptDeclared only before the last stand.
    gates: isLast(record, stand) ? record.gates : view.gates,
    versions,
    serving: {
      ...record.serving,
      ...(spec.replicas !== undefined ? { replicas: spec.replicas } : {}),
      ...(spec.resources ? { resources: spec.resources } : {}),
      ...(spec.autoscaling ? { autoscaling: spec.autoscaling } : {}),
    },
    deploy: {
      ...record.deploy,
      ...(Object.keys(k8s).length ? { kubernetes: k8s } : {}),
      ...(Object.keys(nomad).length ? { nomad } : {}),
    },
  };
}

/** Whether the version is, or has been, live in the stand. */
export function hasBeenLive(record: ModelRecord, stand: string, version: string): boolean {
  if (isLast(record, stand)) {
    const v = findVersion(record, version);
    return v !== undefined && (v.stage === 'production' || (v.stage === 'retired' && v.promotedAt !== undefined));
  }
  return stateOf(record, stand).versions.some((s) => s.version === version);
}

/** The version live in the stand, if any. */
export function liveIn(record: ModelRecord, stand: string): string | undefined {
  return standView(record, stand).versions.find((v) => v.stage === 'production')?.version;
}

/** Every stand's live version, first stand first: the implicit aliases. */
export function liveByStand(record: ModelRecord): Record<string, string | null> {
  return Object.fromEntries(standNames(record).map((s) => [s, liveIn(record, s) ?? null]));
}

/**
 * Seed 000's promoter: a version reaches a stand only after it has been live
 * in the stand before it.
 */
export function requirePromotionOrder(record: ModelRecord, stand: string, version: string): void {
  const names = standNames(record);
  const i = names.indexOf(stand);
  if (i <= 0) return;
  const previous = names[i - 1];
  if (!hasBeenLive(record, previous, version)) {
    throw new PolicyError(
      `${record.name} ${version} cannot reach stand ${stand}: it has not been live in ${previous} yet (promote it there first: \`modelship promote ${record.name} ${version} --stand ${previous}\`)`,
    );
  }
}

/**
 * Runs a lifecycle step in one stand: on the stand's view, then writes the
 * stand's new state back (production's into `versions`/`slots`, another
 * stand's into `standStates`) and tags every event with the stand.
 */
export function inStand(record: ModelRecord, stand: string, step: (view: ModelRecord) => Outcome): Outcome {
  const outcome = step(standView(record, stand));
  const tag = (e: PendingEvent): PendingEvent => (record.stands ? { ...e, stand } : e);
  if (isLast(record, stand)) {
    return { ...outcome, events: outcome.events.map(tag), summary: withStand(record, stand, outcome.summary) };
  }
  const state: StandState = {
    versions: outcome.record.versions
      .filter((v) => v.stage === 'production' || v.stage === 'retired')
      .map((v): StandVersion => ({
        version: v.version,
        stage: v.stage as StandVersion['stage'],
        ...(v.promotedAt ? { promotedAt: v.promotedAt } : {}),
        ...(v.retiredAt ? { retiredAt: v.retiredAt } : {}),
      })),
    ...(outcome.record.slots ? { slots: outcome.record.slots } : {}),
  };
  return {
    ...outcome,
    record: { ...record, standStates: { ...record.standStates, [stand]: state } },
    events: outcome.events.map(tag),
    summary: withStand(record, stand, outcome.summary),
  };
}

function withStand(record: ModelRecord, stand: string, summary: string): string {
  if (!record.stands) return summary;
  // The lifecycle speaks of "production"; in a stand before the last that means live in that stand.
  // And the commands it suggests act on the last stand unless told otherwise.
  const text = isLast(record, stand) ? summary : summary.replace(/\bin production\b/g, `live in ${stand}`)
    .replace(/`modelship (switch|rollback) ([^`\s]+)`/g, (_m, command: string, name: string) => `\`modelship ${command} ${name} --stand ${stand}\``);
  return `[${stand}] ${text}`;
}

/**
 * Rules on stands a per-field schema cannot express. `viewRules` are the
 * record's own rules, which each stand's view must obey too (passed in, as
 * record-rules.ts is the caller).
 */
export function standRuleViolations(record: ModelRecord, viewRules: (record: ModelRecord) => RuleViolation[]): RuleViolation[] {
  const out: RuleViolation[] = [];
  if (!record.stands) {
    if (record.standStates !== undefined) out.push({ path: 'standStates', message: 'is only for a record that declares stands' });
    return out;
  }
  const names = record.stands.map((s) => s.name);
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) out.push({ path: `stands[${i}].name`, message: `${n} is listed twice` });
  });
  const kubeNs = new Map<string, string>();
  const nomadNs = new Map<string, string>();
  record.stands.forEach((s, i) => {
    // Object names are the same in every stand, so two stands in one namespace would overwrite each other.
    const k = s.kubernetes?.namespace ?? record.deploy.kubernetes?.namespace ?? 'default';
    const other = kubeNs.get(k);
    if (other !== undefined) out.push({ path: `stands[${i}].kubernetes.namespace`, message: `stands ${other} and ${s.name} share the Kubernetes namespace ${k}; give each stand its own` });
    else kubeNs.set(k, s.name);
    const nomad = { ...record.deploy.nomad, ...s.nomad };
    const n = `${nomad.region ?? 'global'}/${nomad.namespace ?? 'default'}`;
    const otherNomad = nomadNs.get(n);
    if (otherNomad !== undefined) out.push({ path: `stands[${i}].nomad.namespace`, message: `stands ${otherNomad} and ${s.name} share the Nomad region/namespace ${n}; give each stand its own` });
    else nomadNs.set(n, s.name);
    const scaling = s.autoscaling;
    if (scaling && scaling.max < scaling.min) out.push({ path: `stands[${i}].autoscaling.max`, message: `${scaling.max} is below min ${scaling.min}` });
  });
  const last = names[names.length - 1];
  for (const [stand, state] of Object.entries(record.standStates ?? {})) {
    const at = `standStates.${stand}`;
    if (!names.includes(stand)) {
      out.push({ path: at, message: `${stand} is not one of the stands (${names.join(', ')})` });
      continue;
    }
    if (stand === last) {
      out.push({ path: at, message: `${stand} is the last stand; its state is versions[].stage and slots` });
      continue;
    }
    state.versions.forEach((s, i) => {
      if (!findVersion(record, s.version)) out.push({ path: `${at}.versions[${i}].version`, message: `${s.version} is not in versions` });
    });
    if (out.length) continue;
    // The view must hold every rule production does: one live version, slots agreeing with it.
    const { stands: _s, standStates: _st, ...view } = standView(record, stand);
    for (const v of viewRules(view)) out.push({ path: `${at}.${v.path}`, message: v.message });
  }
  return out;
}

/**
 * The records to render for one stand, as that stand deploys them: those
 * declaring it (a record without stands has one, `production`). Without a
 * stand, every record at its last stand, production, and records without
 * stands exactly as they are. The cdk8s app and the cdktf stack take the
 * stand from `MODELSHIP_STAND`.
 */
export function deploymentsForStand(records: readonly ModelRecord[], stand?: string): ModelRecord[] {
  if (stand === undefined) return records.map((r) => standDeployment(r, lastStand(r)));
  return records.filter((r) => standNames(r).includes(stand)).map((r) => standDeployment(r, stand));
}

/**
 * The record with `version` out of every stand's preview slot: a version that
 * fails re-validation leaves the slots where it waited, as it leaves production's.
 */
export function withoutStandPreviews(record: ModelRecord, version: string): ModelRecord {
  if (!record.standStates) return record;
  const states = Object.fromEntries(Object.entries(record.standStates).map(([stand, state]) => {
    const slots = state.slots;
    const idle = slots && otherSlot(slots.active);
    if (!slots || !idle || slots[idle] !== version) return [stand, state];
    return [stand, { ...state, slots: { ...slots, [idle]: null } }];
  }));
  return { ...record, standStates: states };
}

/** Versions a stand before the last still runs: live there, or in one of its slots. Expiry leaves them alone. */
export function versionsRunningInStands(record: ModelRecord): Set<string> {
  const out = new Set<string>();
  for (const state of Object.values(record.standStates ?? {})) {
    for (const v of state.versions) if (v.stage === 'production') out.add(v.version);
    if (state.slots?.blue) out.add(state.slots.blue);
    if (state.slots?.green) out.add(state.slots.green);
  }
  return out;
}

/** The stands' state without `gone` versions (they were retired there; their history stays in the history file). */
export function forgetInStands(record: ModelRecord, gone: ReadonlySet<string>): ModelRecord {
  if (!record.standStates) return record;
  const states = Object.fromEntries(Object.entries(record.standStates).map(([stand, state]) =>
    [stand, { ...state, versions: state.versions.filter((v) => !gone.has(v.version)) }]));
  return { ...record, standStates: states };
}
