import { InputError, PolicyError } from './errors';
import { JS_RESERVED_NAMES } from './names';
import type { HistoryEvent } from './history-event';
import type { Outcome } from './lifecycle';
import { findVersion, ModelRecord } from './record';
import type { RuleViolation } from './record-rules';
import { liveByStand, standNames } from './stands';

/**
 * Aliases: named pointers to versions (`champion`, `challenger`), with
 * MLflow's naming rules, unique per model, every change in the history. Each
 * stand's live version is an implicit alias named after the stand.
 */

const ALIAS = /^[A-Za-z0-9_-]{1,255}$/;
// MLflow reserves `latest` and `v<digits>`: a name that reads as a version would be read as one.
const VERSION_LIKE = /^v\d+$/i;

/** Why `alias` cannot be set by hand on this record, or undefined when it can. */
export function aliasNameProblem(record: ModelRecord, alias: string): string | undefined {
  if (!ALIAS.test(alias)) return `"${alias}" must be 1 to 255 letters, digits, _ or -`;
  // A record keeps aliases as a mapping: the alias would be lost.
  if (JS_RESERVED_NAMES.has(alias)) return `"${alias}" is reserved (JavaScript objects keep it for themselves)`;
  if (alias.toLowerCase() === 'latest') return `"${alias}" is reserved (it always means the newest version)`;
  if (VERSION_LIKE.test(alias)) return `"${alias}" looks like a version number; choose a name such as champion`;
  if (standNames(record).includes(alias)) return `"${alias}" is a stand: it always points at the version live there`;
  return undefined;
}

export function aliasRuleViolations(record: ModelRecord): RuleViolation[] {
  return Object.entries(record.aliases ?? {}).flatMap(([alias, version]): RuleViolation[] => {
    const problem = aliasNameProblem(record, alias);
    if (problem) return [{ path: `aliases.${alias}`, message: problem }];
    if (!findVersion(record, version)) return [{ path: `aliases.${alias}`, message: `${version} is not in versions` }];
    return [];
  });
}

/** Points `alias` at `version`, moving it if it pointed elsewhere. */
export function setAlias(record: ModelRecord, alias: string, version: string): Outcome {
  const problem = aliasNameProblem(record, alias);
  if (problem) throw new InputError(`alias: ${problem}`);
  const entry = findVersion(record, version);
  if (!entry) throw new InputError(`${record.name}: no version ${version} (versions: ${record.versions.map((v) => v.version).join(', ') || 'none'})`);
  if (entry.stage === 'rejected') throw new PolicyError(`${record.name} ${version} is rejected; an alias never points at a rejected version`);
  const previous = record.aliases?.[alias] ?? null;
  // Idempotent, as MLflow's alias set: a re-run CI step must not fail, and nothing moved, so nothing is recorded.
  if (previous === version) {
    return { record, events: [], summary: `${record.name}: ${alias} already points at ${version}` };
  }
  return {
    record: { ...record, aliases: { ...record.aliases, [alias]: version } },
    events: [{ action: 'alias-set', version, from: null, to: null, details: { alias, previous } }],
    summary: `${record.name}@${alias} -> ${version}${previous ? ` (was ${previous})` : ''}`,
  };
}

export function removeAlias(record: ModelRecord, alias: string): Outcome {
  const previous = record.aliases?.[alias];
  if (previous === undefined) {
    const known = Object.keys(record.aliases ?? {});
    // A stand's alias is implicit: it moves with promote, switch and rollback, never by hand.
    if (standNames(record).includes(alias)) {
      throw new InputError(`${record.name}: ${alias} is a stand, not an alias that can be removed: it always points at the version live there (aliases: ${known.join(', ') || 'none'})`);
    }
    throw new InputError(`${record.name}: no alias ${alias} (aliases: ${known.join(', ') || 'none'})`);
  }
  const { [alias]: _gone, ...rest } = record.aliases ?? {};
  const { aliases: _a, ...base } = record;
  return {
    record: Object.keys(rest).length ? { ...base, aliases: rest } : base,
    events: [{ action: 'alias-rm', version: previous, from: null, to: null, details: { alias } }],
    summary: `${record.name}@${alias} removed (was ${previous})`,
  };
}

export interface AliasRow {
  readonly alias: string;
  readonly version: string | null;
  /** `stand`: the implicit alias of a stand's live version. */
  readonly kind: 'alias' | 'stand';
}

/** Every alias, the stands' implicit ones first (in stand order), then the named ones by name. */
export function listAliases(record: ModelRecord): AliasRow[] {
  const stands = Object.entries(liveByStand(record)).map(([alias, version]): AliasRow => ({ alias, version, kind: 'stand' }));
  const named = Object.entries(record.aliases ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([alias, version]): AliasRow => ({ alias, version, kind: 'alias' }));
  return [...stands, ...named];
}

/** One period during which an alias pointed at a version. */
export interface AliasPeriod {
  readonly version: string | null;
  readonly from: string;
  /** @default - still current */
  readonly until?: string;
  readonly actor: string;
  readonly action: string;
}

/**
 * What `alias` pointed at and when, from the history: for a named alias its
 * set and rm events; for a stand every event that changed the version live
 * there. `null` is a period it pointed at nothing.
 */
export function aliasTimeline(record: ModelRecord, events: readonly HistoryEvent[], alias: string): AliasPeriod[] {
  const stands = standNames(record);
  const isStand = stands.includes(alias);
  const last = stands[stands.length - 1];
  const changes: { at: string; actor: string; action: string; version: string | null }[] = [];
  for (const e of events) {
    if (isStand) {
      // Events without a stand are the last stand's: records without stands, or before stands were declared.
      const stand = e.stand ?? last;
      if (stand !== alias) continue;
      // A stand loses its live version only to another one (retire always comes with a promote, switch or rollback).
      // Production to production (a measurement of the live version) moves nothing.
      if (e.to === 'production' && e.from !== 'production') changes.push({ at: e.at, actor: e.actor, action: e.action, version: e.version });
    } else if (e.details?.alias === alias && (e.action === 'alias-set' || e.action === 'alias-rm')) {
      changes.push({ at: e.at, actor: e.actor, action: e.action, version: e.action === 'alias-set' ? e.version : null });
    }
  }
  if (!isStand && !changes.length && record.aliases?.[alias] === undefined) {
    const known = [...Object.keys(record.aliases ?? {}), ...stands];
    throw new InputError(`${record.name}: no alias ${alias}, now or in its history (${known.length ? `aliases and stands: ${known.join(', ')}` : 'it has none'})`);
  }
  return changes.map((c, i) => ({
    version: c.version, from: c.at, actor: c.actor, action: c.action,
    ...(changes[i + 1] ? { until: changes[i + 1].at } : {}),
  }));
}

/** The version `alias` pointed at at `time` (ISO-8601; a date alone is the end of that day, UTC), or null. */
export function aliasAt(timeline: readonly AliasPeriod[], time: string): string | null {
  // A date alone asks for that day's version: the one it pointed at when the day (UTC) ended.
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(time.trim());
  const t = Date.parse(time) + (dayOnly ? 86_400_000 - 1 : 0);
  if (Number.isNaN(t)) throw new InputError(`--at: "${time}" is not a time (use ISO-8601, e.g. 2026-10-01 or 2026-10-01T12:00:00Z)`);
  let current: string | null = null;
  for (const p of timeline) {
    if (Date.parse(p.from) <= t) current = p.version;
  }
  return current;
}
