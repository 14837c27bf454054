import { imageRuleViolations } from './model-image';
import type { ModelRecord } from './record';

export interface RuleViolation {
  /** Field path as the user sees it, e.g. `versions[2].stage`. */
  readonly path: string;
  readonly message: string;
}

/**
 * Rules across fields that a per-field schema cannot express. They hold for
 * every record on disk; the lifecycle re-checks them before each write, so a
 * bug cannot store, say, two production versions.
 */
export function recordRuleViolations(record: ModelRecord): RuleViolation[] {
  const out: RuleViolation[] = [];
  const seen = new Map<string, number>();
  record.versions.forEach((v, i) => {
    const first = seen.get(v.version);
    if (first !== undefined) {
      out.push({ path: `versions[${i}].version`, message: `${v.version} is listed twice (first at versions[${first}])` });
    } else {
      seen.set(v.version, i);
    }
  });

  out.push(...imageRuleViolations(record));

  const production = record.versions
    .map((v, i) => ({ v, i }))
    .filter(({ v }) => v.stage === 'production');
  if (production.length > 1) {
    out.push({
      path: `versions[${production[1].i}].stage`,
      message: `at most one version is in production; ${production.map(({ v }) => v.version).join(' and ')} both are`,
    });
  }

  if (record.deploy.strategy !== 'blue-green') {
    if (record.slots !== undefined) {
      out.push({ path: 'slots', message: 'slots are only for deploy.strategy blue-green' });
    }
    return out;
  }
  const slots = record.slots;
  if (!slots) {
    if (production.length > 0) out.push({ path: 'slots', message: 'a blue-green model with a production version needs slots' });
    return out;
  }
  for (const slot of ['blue', 'green'] as const) {
    const version = slots[slot];
    if (version === null) continue;
    const entry = record.versions.find((v) => v.version === version);
    if (!entry) {
      out.push({ path: `slots.${slot}`, message: `${version} is not in versions` });
    } else if (entry.stage === 'candidate' || entry.stage === 'rejected') {
      out.push({ path: `slots.${slot}`, message: `${version} is ${entry.stage}; a slot holds only validated, production or retired versions` });
    }
  }
  if (slots.blue !== null && slots.blue === slots.green) {
    out.push({ path: 'slots', message: `${slots.blue} is in both slots` });
  }
  const live = production[0]?.v.version;
  const active = slots[slots.active];
  if (live !== undefined && active !== live) {
    out.push({ path: `slots.${slots.active}`, message: `the active slot must hold the production version ${live}, not ${active ?? 'nothing'}` });
  }
  if (live === undefined && active !== null) {
    out.push({ path: `slots.${slots.active}`, message: `the active slot holds ${active}, but no version is in production` });
  }
  return out;
}
