import { InputError, PolicyError, withModel } from './errors';
import { evaluateGates, GateResult, GateVerdict, verdictOf } from './gates';
import { beatProduction } from './champion';
import { splitPinned } from './model-image';
import { isDeclared } from './provenance';
import type { PendingEvent } from './history-event';
import {
  FigureProvenance, findVersion, ModelRecord, otherSlot, productionVersion, Provenance, SlotName, Slots, Stage, VersionEntry,
} from './record';
import { recordRuleViolations } from './record-rules';
import type { VersionOrigin } from './version-origin';
import { newestRetiredFirst } from './retired-order';
import { nextVersion, ReleaseType } from './semver-rules';
import { withoutStandPreviews } from './stands';
import { assertTransition, TransitionCause } from './stages';

/**
 * The result of a lifecycle step: the record to store, the events to append to
 * its history, and, for a recorded rejection, the refusal to report after the
 * record is stored (a rejection is an outcome worth keeping, yet exits 1).
 */
export interface Outcome {
  readonly record: ModelRecord;
  readonly events: readonly PendingEvent[];
  readonly refusal?: PolicyError;
  /** What the command prints on success. */
  readonly summary: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The version's entry, or bad input naming the versions there are. */
export function requireVersion(record: ModelRecord, version: string): VersionEntry {
  const entry = findVersion(record, version);
  if (!entry) {
    const known = record.versions.map((v) => v.version).join(', ') || 'none';
    throw new InputError(`${record.name}: no version ${version} (versions: ${known})`);
  }
  return entry;
}

function requireBlueGreen(record: ModelRecord, command: string): void {
  if (record.deploy.strategy !== 'blue-green') {
    throw new InputError(`${record.name}: ${command} is for blue-green models; deploy.strategy is ${record.deploy.strategy}`);
  }
}

/**
 * The gates again on the way to production, as they are now: the figures or
 * the gates may have changed since validate. A challenger (promote, switch)
 * must also still beat the version live now (`gates.beatProduction`), which may
 * not be the one it beat at validate; a rollback returns to a former champion
 * on purpose, so only its size, latency and quality gates apply.
 */
function requireGatesStillPass(record: ModelRecord, entry: VersionEntry, opts: { challenger: boolean }): void {
  const verdict = evaluateGates(record.gates, entry, { production: true });
  if (!verdict.passed) {
    throw new PolicyError(`${record.name} ${entry.version} cannot reach production: ${verdict.reason}`);
  }
  const live = productionVersion(record);
  const champion = opts.challenger && live && live.version !== entry.version ? live : undefined;
  const lost = beatProduction(record.gates, entry, champion, record.name).filter((r) => !r.passed);
  if (lost.length) {
    throw new PolicyError(`${record.name} ${entry.version} cannot reach production: ${lost.map((r) => r.message).join('; ')}`);
  }
  if (!entry.digest) {
    throw new PolicyError(
      `${record.name} ${entry.version} cannot reach production without a digest: run \`modelship measure ${record.name} ${entry.version} --artifact DIR\``,
    );
  }
}

class Draft {
  private readonly versions: Mutable<VersionEntry>[];
  private slots: Mutable<Slots> | undefined;
  readonly events: PendingEvent[] = [];

  constructor(private readonly base: ModelRecord, private readonly now: string) {
    this.versions = base.versions.map((v) => ({ ...v }));
    this.slots = base.slots ? { ...base.slots } : undefined;
  }

  get(version: string): Mutable<VersionEntry> {
    const v = this.versions.find((e) => e.version === version);
    if (!v) throw new Error(`internal: ${version} vanished from the draft`);
    return v;
  }

  add(entry: VersionEntry): void {
    this.versions.push({ ...entry });
  }

  move(version: string, to: Stage, cause: TransitionCause, action: string, details: Record<string, unknown> = {}): void {
    const v = this.get(version);
    assertTransition(version, v.stage, to, cause, this.base.name);
    const from = v.stage;
    v.stage = to;
    if (to === 'production') v.promotedAt = this.now;
    if (to === 'retired') v.retiredAt = this.now;
    this.events.push({ action, version, from, to, details });
  }

  setSlots(slots: Slots): void {
    this.slots = { ...slots };
  }

  currentSlots(): Slots {
    return this.slots ?? { active: 'blue', blue: null, green: null };
  }

  finish(summary: string, refusal?: PolicyError): Outcome {
    const record: ModelRecord = { ...this.base, versions: this.versions, ...(this.slots ? { slots: this.slots } : {}) };
    const broken = recordRuleViolations(record);
    if (broken.length) {
      throw new Error(`internal: the lifecycle produced a record that breaks its rules: ${broken.map((b) => `${b.path}: ${b.message}`).join('; ')}`);
    }
    return { record, events: this.events, refusal, summary };
  }
}

export interface BumpOptions {
  readonly preid?: string;
  readonly digest?: string;
  /** Where the version came from (a commit, a training run). @default - not said */
  readonly origin?: VersionOrigin;
  readonly now: string;
}

/** Adds the next version as a candidate. */
export function bump(record: ModelRecord, release: ReleaseType, opts: BumpOptions): Outcome {
  const version = withModel(record.name, () => nextVersion(record.versions.map((v) => v.version), release, opts.preid));
  const draft = new Draft(record, opts.now);
  const origin = opts.origin && Object.keys(opts.origin).length ? { origin: { ...opts.origin } } : {};
  draft.add({ version, stage: 'candidate', createdAt: opts.now, ...(opts.digest ? { digest: opts.digest } : {}), ...origin });
  draft.events.push({ action: 'bump', version, from: null, to: 'candidate', details: { release, ...(opts.preid ? { preid: opts.preid } : {}), ...origin } });
  return draft.finish(version);
}

export type Figures = Partial<Pick<VersionEntry,
  'sizeBytes' | 'digest' | 'latencyP50Ms' | 'latencyP95Ms' | 'latencyP99Ms' | 'latencyRequests' | 'latencyErrors'
  | 'latencyP95LowMs' | 'latencyP95HighMs' | 'metrics' | 'datasetDigest'>>;

/** Which group of figures a measurement replaces, as a whole: no stale p99 beside a new p95. */
export type FigureGroup = keyof FigureProvenance;

const GROUP_FIELDS: Record<FigureGroup, readonly (keyof Figures)[]> = {
  size: ['sizeBytes', 'digest'],
  latency: ['latencyP50Ms', 'latencyP95Ms', 'latencyP99Ms', 'latencyRequests', 'latencyErrors', 'latencyP95LowMs', 'latencyP95HighMs'],
  metrics: ['metrics', 'datasetDigest'],
};

export interface Measurement {
  readonly group: FigureGroup;
  readonly figures: Figures;
  readonly provenance: Provenance;
}

/**
 * Records one measurement (or declaration) on a version without changing its
 * stage: the group's figures are replaced together with their provenance, and
 * the history gets them all, so every measurement is kept. A declared figure
 * never replaces a measured one.
 */
export function recordFigures(record: ModelRecord, version: string, m: Measurement, now: string): Outcome {
  const entry = requireVersion(record, version);
  const figures = m.figures;
  if (figures.digest && entry.digest && entry.digest !== figures.digest && entry.stage !== 'candidate') {
    throw new PolicyError(
      `${record.name} ${version} is ${entry.stage} with digest ${entry.digest}; a different artifact (${figures.digest}) needs a new version`,
    );
  }
  const current = entry.provenance?.[m.group];
  if (m.provenance.kind === 'declared' && current?.kind === 'measured') {
    throw new PolicyError(
      `${record.name} ${version}: its ${m.group} was measured (${current.command ?? 'modelship measure'}, ${current.at}); a declared figure cannot replace a measured one`,
    );
  }
  const draft = new Draft(record, now);
  const v = draft.get(version) as Record<string, unknown> & Mutable<VersionEntry>;
  // Latency and metrics belong to the artifact they were measured on: a new tree voids them.
  const newArtifact = m.group === 'size' && entry.digest !== undefined && figures.digest !== undefined && figures.digest !== entry.digest;
  const voided: FigureGroup[] = newArtifact ? ['latency', 'metrics'] : [];
  for (const group of [m.group, ...voided]) for (const key of GROUP_FIELDS[group]) delete v[key];
  Object.assign(v, figures);
  const kept = Object.fromEntries(Object.entries(entry.provenance ?? {}).filter(([g]) => !voided.includes(g as FigureGroup)));
  v.provenance = { ...kept, [m.group]: m.provenance };
  draft.events.push({
    action: m.provenance.kind === 'measured' ? 'measure' : 'declare', version, from: entry.stage, to: entry.stage,
    details: { ...figures, provenance: m.provenance },
  });
  const outside = outsideItsGatesInProduction(record, entry, v, m);
  if (outside) {
    // The figures it went live on stay in the record (synth goes on deploying it, and every other model);
    // this measurement is kept in the history, which is what monitoring reads.
    const kept = new Draft(record, now);
    kept.events.push({
      action: 'measure', version, from: entry.stage, to: entry.stage,
      details: { ...figures, provenance: m.provenance, recorded: false, outsideGates: outside.reason },
    });
    return kept.finish('', new PolicyError(
      `${record.name} ${version} is in production, and ${outside.reason}. ` +
      'It is in the history, not in the record, which keeps the figures the version went live on so that synth goes on ' +
      `deploying it and every other model; ${outside.advice}`,
    ));
  }
  const replaced = newArtifact ? `; replaces digest ${entry.digest}, a different tree${voided.some((g) => GROUP_FIELDS[g].some((k) => entry[k] !== undefined)) ? ', so the latency and metrics measured on it are dropped' : ''}` : '';
  return draft.finish(`${record.name} ${version}: recorded ${Object.keys(figures).join(', ')}${replaced}`);
}

/**
 * A latency measurement of the production version that fails a gate its figures passed:
 * monitoring (`measure --endpoint` against the live Service), not a reason to stop every
 * deploy, as replacing the figures would (synth re-checks the gates). Only a failed gate:
 * an inconclusive run (too few requests) is no verdict. Metrics stay recorded, since the
 * champion must be measured on a refreshed holdout for a challenger to be compared with it;
 * a preview's or a stand's measurement is its test before it goes further.
 */
function outsideItsGatesInProduction(record: ModelRecord, entry: VersionEntry, measured: VersionEntry, m: Measurement): { reason: string; advice: string } | undefined {
  if (m.group !== 'latency' || m.provenance.kind !== 'measured' || entry.stage !== 'production') return undefined;
  if (!evaluateGates(record.gates, entry, { production: true }).passed) return undefined;
  const results = evaluateGates(record.gates, measured, { production: true }).results;
  const failed = results.filter((r) => r.outcome === 'fail');
  if (failed.length) {
    return { reason: `this latency measurement fails its gate: ${failed.map((r) => r.message).join('; ')}`, advice: 'roll back, or fix what changed and measure again' };
  }
  // Too few requests to judge: no verdict either way, and no reason to replace the figures it passed on.
  const open = results.filter((r) => r.outcome === 'inconclusive');
  return open.length ? { reason: `this latency measurement is inconclusive: ${open.map((r) => r.message).join('; ')}`, advice: 'measure again as it says' } : undefined;
}

/**
 * Pins a version to the manifest its tag resolved to (`measure --image`). Once
 * a version is past candidate its pin is part of what was validated: a
 * different manifest needs a new version, the same one stays where it is (a
 * promoted version lives in production storage).
 */
export function pinImage(record: ModelRecord, version: string, image: string, now: string): Outcome {
  const entry = requireVersion(record, version);
  let pinned = image;
  if (entry.image && entry.stage !== 'candidate') {
    if (splitPinned(image).digest !== splitPinned(entry.image).digest) {
      throw new PolicyError(`${record.name} ${version} is ${entry.stage} pinned to ${entry.image}; a different image (${image}) needs a new version`);
    }
    pinned = entry.image;
  }
  const draft = new Draft(record, now);
  draft.get(version).image = pinned;
  draft.events.push({ action: 'measure', version, from: entry.stage, to: entry.stage, details: { image: pinned } });
  return draft.finish(`${record.name} ${version}: pinned to ${pinned}`);
}

export interface ValidateOptions {
  readonly now: string;
}

/** Each gate's verdict on its own line, for the summary and the refusal. */
function verdictLines(results: readonly GateResult[]): string {
  return results.map((r) => `  ${r.gate}: ${r.outcome}: ${r.message}`).join('\n');
}

/**
 * Applies every gate to the version's recorded figures: size, latency (with
 * its confidence interval), quality metrics and champion/challenger against
 * the production version. A definite failure records `rejected` and refuses;
 * a missing figure, metrics not comparable with production's, or an
 * inconclusive latency refuse and leave the stage as it was; otherwise the
 * version is `validated`. Every gate's verdict is named.
 */
export function validate(record: ModelRecord, version: string, opts: ValidateOptions): Outcome & { verdict: GateVerdict } {
  const entry = requireVersion(record, version);
  if (entry.stage !== 'candidate' && entry.stage !== 'validated') {
    assertTransition(version, entry.stage, 'validated', 'validate', record.name);
  }
  const live = productionVersion(record);
  const champion = live && live.version !== version ? live : undefined;
  const verdict = verdictOf([
    ...evaluateGates(record.gates, entry).results,
    ...beatProduction(record.gates, entry, champion, record.name),
  ]);
  const lines = verdictLines(verdict.results);
  const has = (o: GateResult['outcome']) => verdict.results.filter((r) => r.outcome === o);
  const unsettled = [...has('missing'), ...has('not-comparable')];
  if (unsettled.length) {
    throw new PolicyError(`${record.name} ${version} cannot be validated: ${unsettled.map((r) => r.message).join('; ')}; stage unchanged (${entry.stage})\n${lines}`);
  }
  // A rejected version leaves the preview slots of the stands before production too.
  const draft = new Draft(has('fail').length ? withoutStandPreviews(record, version) : record, opts.now);
  const v = draft.get(version);
  const details = {
    gates: { ...record.gates },
    verdicts: Object.fromEntries(verdict.results.map((r) => [r.gate, r.outcome])),
    sizeBytes: entry.sizeBytes, latencyP95Ms: entry.latencyP95Ms,
    ...(entry.latencyP95HighMs !== undefined ? { latencyP95CiMs: [entry.latencyP95LowMs, entry.latencyP95HighMs] } : {}),
    ...(entry.metrics ? { metrics: entry.metrics } : {}),
    ...(champion ? { champion: champion.version } : {}),
  };
  if (has('fail').length) {
    const reason = has('fail').map((r) => r.message).join('; ');
    v.reason = reason;
    draft.move(version, 'rejected', 'reject', 'reject', { ...details, reason });
    // A preview that fails re-validation leaves its slot: a slot never holds a rejected version.
    const slots = record.slots;
    const slot = slots && (['blue', 'green'] as const).find((s) => slots[s] === version);
    if (slots && slot) draft.setSlots({ ...slots, [slot]: null });
    const refusal = new PolicyError(`${record.name} ${version} rejected: ${reason}\n${lines}`);
    return { ...draft.finish(`${record.name} ${version} rejected`, refusal), verdict };
  }
  if (has('inconclusive').length) {
    throw new PolicyError(`${record.name} ${version} is inconclusive: ${has('inconclusive').map((r) => r.message).join('; ')}; stage unchanged (${entry.stage})\n${lines}`);
  }
  delete v.reason;
  draft.move(version, 'validated', 'validate', 'validate', details);
  const declaredNote = !record.gates.acceptDeclared && hasDeclared(entry)
    ? `\n  note: it has declared figures; production refuses them unless gates.acceptDeclared is true` : '';
  return { ...draft.finish(`${record.name} ${version} validated\n${lines}${declaredNote}`), verdict };
}

function hasDeclared(v: VersionEntry): boolean {
  return (v.sizeBytes !== undefined && isDeclared(v.provenance?.size))
    || (v.latencyP95Ms !== undefined && isDeclared(v.provenance?.latency))
    || (v.metrics !== undefined && isDeclared(v.provenance?.metrics));
}

/**
 * Rolling: the version goes live and the old production retires.
 * Blue-green: the version becomes the preview in the idle slot (still
 * `validated`), or, for a model with nothing in production, goes live in the
 * active slot at once.
 */
export function promote(record: ModelRecord, version: string, now: string): Outcome {
  const entry = requireVersion(record, version);
  assertTransition(version, entry.stage, 'production', 'promote', record.name);
  requireGatesStillPass(record, entry, { challenger: true });
  const draft = new Draft(record, now);
  const live = productionVersion(record);

  if (record.deploy.strategy === 'rolling') {
    if (live) draft.move(live.version, 'retired', 'retire', 'retire', { replacedBy: version });
    draft.move(version, 'production', 'promote', 'promote', { replaces: live?.version ?? null });
    return draft.finish(`${record.name} ${version} is in production${live ? `; ${live.version} retired` : ''}`);
  }

  const slots = draft.currentSlots();
  if (!live) {
    draft.setSlots({ ...slots, [slots.active]: version });
    draft.move(version, 'production', 'promote', 'promote', { slot: slots.active });
    return draft.finish(`${record.name} ${version} is in production in slot ${slots.active}`);
  }
  const idle = otherSlot(slots.active);
  if (slots[idle] === version) {
    throw new PolicyError(`${record.name} ${version} is already the preview in slot ${idle}; run \`modelship switch ${record.name}\` to make it live`);
  }
  const displaced = slots[idle];
  draft.setSlots({ ...slots, [idle]: version });
  draft.events.push({ action: 'preview', version, from: entry.stage, to: entry.stage, details: { slot: idle, displaced } });
  return draft.finish(`${record.name} ${version} is the preview in slot ${idle}; \`modelship switch ${record.name}\` makes it live`);
}

/** Blue-green: the preview goes live; the old production retires but keeps running idle. */
export function switchSlots(record: ModelRecord, now: string): Outcome {
  requireBlueGreen(record, 'switch');
  const slots = record.slots;
  const idle: SlotName = slots ? otherSlot(slots.active) : 'green';
  const preview = slots?.[idle] ?? null;
  if (!slots || preview === null) {
    throw new PolicyError(`${record.name}: slot ${idle} is empty, nothing to switch to; promote a validated version first`);
  }
  const entry = requireVersion(record, preview);
  if (entry.stage === 'retired') {
    throw new PolicyError(`${record.name}: slot ${idle} holds ${preview}, which is retired; going back to it is \`modelship rollback ${record.name}\``);
  }
  assertTransition(preview, entry.stage, 'production', 'switch', record.name);
  requireGatesStillPass(record, entry, { challenger: true });
  const draft = new Draft(record, now);
  const live = productionVersion(record);
  if (live) draft.move(live.version, 'retired', 'retire', 'retire', { replacedBy: preview, slot: slots.active });
  draft.setSlots({ ...slots, active: idle });
  draft.move(preview, 'production', 'switch', 'switch', { slot: idle, from: slots.active });
  return draft.finish(`${record.name}: slot ${idle} (${preview}) is live${live ? `; ${live.version} retired, ${idleSlotState(record, slots.active)}` : ''}`);
}

/** Where a retired version stays after a switch: in its slot, shrunk to `idleReplicas` if the record says so. */
function idleSlotState(record: ModelRecord, slot: SlotName): string {
  const idle = record.deploy.blueGreen?.idleReplicas;
  if (idle === undefined) return `still running in slot ${slot}`;
  return idle === 0 ? `kept in slot ${slot} at 0 replicas (deploy.blueGreen.idleReplicas)` : `still running in slot ${slot} at ${idle} ${idle === 1 ? 'replica' : 'replicas'} (deploy.blueGreen.idleReplicas)`;
}

/**
 * A rollback into the idle slot moves the live traffic there at the next
 * deploy: the selectors (service tags on Nomad) move at once, while that slot
 * may not be ready to carry it: shrunk by `idleReplicas`, empty, or about to
 * replace a preview's pods. Says which, so the slot is readied first.
 */
function idleSlotWarning(record: ModelRecord, slot: SlotName, held: string | null, version: string): string {
  const full = record.serving.autoscaling?.min ?? record.serving.replicas;
  const how = `deploy that slot alone first and wait until it is ready (README: "Rolling back into the idle slot")`;
  if (held === null) return `. Slot ${slot} was empty: its ${full} replicas start while the live traffic moves there; ${how}`;
  if (held !== version) return `. Slot ${slot} held the preview ${held}: its pods are replaced by ${version}'s while the live traffic moves there; ${how}`;
  const idle = record.deploy.blueGreen?.idleReplicas;
  if (idle === undefined || idle >= full) return '';
  return `. Slot ${slot} runs ${idle} of its ${full} replicas (deploy.blueGreen.idleReplicas) and takes the live traffic at the next deploy: ${how.replace('deploy that slot alone', `scale it to ${full}`).replace('until it is ready', 'until they are ready')}`;
}

export interface RollbackOptions {
  /**
   * Versions in the order the history recorded their retirement, oldest first
   * (retirementOrder): which was retired last, whatever the clocks said.
   * @default - by each version's retiredAt
   */
  readonly retirements?: readonly string[];
}

/**
 * Undoes the last production change: the most recently retired version goes
 * back to production (so a second rollback undoes the first, as with
 * `helm rollback`). Blue-green switches back to the slot holding it, first
 * loading it into the idle slot if a newer preview took its place.
 */
export function rollback(record: ModelRecord, now: string, opts: RollbackOptions = {}): Outcome {
  const live = productionVersion(record);
  const previous = newestRetiredFirst(record.versions, opts.retirements)[0];
  if (!previous) {
    throw new PolicyError(`${record.name}: no retired version to roll back to`);
  }
  // Synth refuses a live version outside today's gates: a rollback into one would leave nothing deployable.
  requireGatesStillPass(record, previous, { challenger: false });
  const draft = new Draft(record, now);
  if (record.deploy.strategy === 'blue-green') {
    const slots = draft.currentSlots();
    const idle = otherSlot(slots.active);
    const target: SlotName = slots[slots.active] === previous.version ? slots.active : idle;
    if (live) draft.move(live.version, 'retired', 'retire', 'retire', { rolledBackTo: previous.version });
    draft.setSlots({ ...slots, [target]: previous.version, active: target });
    draft.move(previous.version, 'production', 'rollback', 'rollback', { slot: target, from: live?.version ?? null, displaced: target === idle && slots[idle] !== previous.version ? slots[idle] : null });
    const warning = target === idle ? idleSlotWarning(record, target, slots[idle], previous.version) : '';
    return draft.finish(`${record.name}: rolled back to ${previous.version} in slot ${target}${live ? `; ${live.version} retired` : ''}${warning}`);
  }
  if (live) draft.move(live.version, 'retired', 'retire', 'retire', { rolledBackTo: previous.version });
  draft.move(previous.version, 'production', 'rollback', 'rollback', { from: live?.version ?? null });
  return draft.finish(`${record.name}: rolled back to ${previous.version}${live ? `; ${live.version} retired` : ''}`);
}
