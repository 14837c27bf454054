import { Command, InvalidArgumentError } from 'commander';
import type { CommandContext } from './cli-context';
import ms from 'ms';
import { PolicyError } from '../core/errors';
import { expire, Expiring, expiryPlan } from '../core/expiry';
import type { ModelRecord } from '../core/record';
import { retirementOrder } from '../core/retired-order';
import { lastStand } from '../core/stands';
import type { RegistryClient } from '../oci/registry-client';
import { splitPinned } from '../core/model-image';
import { historyForOrder } from './history-order';
import { CommonOptions, modelsDirFlag, parseWholeNumber, storeOf } from './options';
import { addRegistryOptions, registryClient, RegistryOptions } from './registry-options';

interface PruneFlags extends CommonOptions, RegistryOptions {
  keep: number;
  olderThan?: number;
  yes?: boolean;
}

function parseAge(value: string): number {
  // Units a person writes (30d, 12h, 90m); a bare number would be milliseconds to ms, which no one means.
  if (!/^\d+(\.\d+)?\s*[a-z]+$/i.test(value)) throw new InvalidArgumentError(`"${value}" is not an age such as 30d, 12h or 90m.`);
  const n = ms(value as ms.StringValue);
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new InvalidArgumentError(`"${value}" is not an age such as 30d, 12h or 90m.`);
  return n;
}

/** A tag to delete: the version's manifest in one repository, and what became of it. */
interface TagResult {
  readonly ref: string;
  readonly outcome: 'deleted' | 'absent' | 'shared' | 'refused';
  readonly detail?: string;
}

/** The repositories a version's image may be in: the candidate repository (when the record has one) and the model's. */
function repositoriesOf(record: ModelRecord): string[] {
  return [...new Set([record.artifact.candidateImage, record.artifact.image].filter((r): r is string => !!r))];
}

/** One expiring version's tag in one repository: its manifest, or why it must stay. */
interface DeleteTarget {
  readonly repository: string;
  readonly ref: string;
  readonly digest?: string;
  /** Why the manifest stays: another version or tag points at it. */
  shared?: string;
}

/**
 * Resolves, before the record's lock is taken (a registry may be slow, and a
 * repository may hold hundreds of tags), each expiring version's manifest in
 * each repository and whether a kept version or any other tag of the
 * repository points at it too (deleting by digest removes every tag on it:
 * `latest`, a tag another tool pushed).
 */
async function resolveTargets(client: RegistryClient, record: ModelRecord, plan: readonly Expiring[]): Promise<Map<string, DeleteTarget[]>> {
  const { parseRepository } = await import('../oci/image-reference');
  const expiring = new Set(plan.map((e) => e.version.version));
  const keptVersions = record.versions.filter((x) => !expiring.has(x.version));
  const targets = new Map<string, DeleteTarget[]>(plan.map((e) => [e.version.version, []]));
  for (const repository of repositoriesOf(record)) {
    const repo = parseRepository(repository);
    const keptDigests = new Map<string, string>();
    for (const v of keptVersions) {
      if (v.image) keptDigests.set(splitPinned(v.image).digest, `a kept version's image (${v.version})`);
      const d = await client.resolve(repo, v.version);
      if (d) keptDigests.set(d, `a kept version's image (${v.version})`);
    }
    for (const tag of await client.tags(repo)) {
      if (expiring.has(tag) || keptVersions.some((v) => v.version === tag)) continue;
      const d = await client.resolve(repo, tag);
      if (d && !keptDigests.has(d)) keptDigests.set(d, `also tagged ${tag}`);
    }
    for (const e of plan) {
      const digest = await client.resolve(repo, e.version.version);
      const shared = digest ? keptDigests.get(digest) : undefined;
      targets.get(e.version.version)!.push({ repository, ref: `${repository}:${e.version.version}`, digest, ...(shared ? { shared } : {}) });
    }
  }
  return targets;
}

/** Under the lock: versions the record gained since the targets were resolved keep their manifests too. */
async function protectAdded(client: RegistryClient, added: readonly ModelRecord['versions'][number][], targets: Map<string, DeleteTarget[]>): Promise<void> {
  if (!added.length) return;
  const { parseRepository } = await import('../oci/image-reference');
  for (const list of targets.values()) {
    for (const t of list) {
      if (!t.digest || t.shared) continue;
      for (const v of added) {
        const d = v.image ? splitPinned(v.image).digest : await client.resolve(parseRepository(t.repository), v.version);
        if (d === t.digest) t.shared = `a kept version's image (${v.version})`;
      }
    }
  }
}

/** Deletes what may go and notes per tag what became of it. */
async function deleteTargets(client: RegistryClient, plan: readonly Expiring[], targets: Map<string, DeleteTarget[]>, results: Map<string, TagResult[]>): Promise<void> {
  const { parseRepository } = await import('../oci/image-reference');
  const { RegistryRefusal } = await import('../oci/registry-error');
  for (const e of plan) {
    const list: TagResult[] = [];
    results.set(e.version.version, list);
    for (const t of targets.get(e.version.version) ?? []) {
      if (!t.digest) {
        list.push({ ref: t.ref, outcome: 'absent' });
      } else if (t.shared) {
        list.push({ ref: t.ref, outcome: 'shared', detail: `${t.digest} is ${t.shared}; tag left in place` });
      } else {
        try {
          await client.deleteManifest(parseRepository(t.repository), t.digest);
          list.push({ ref: t.ref, outcome: 'deleted', detail: t.digest });
        } catch (err) {
          if (!(err instanceof RegistryRefusal)) throw err;
          list.push({ ref: t.ref, outcome: 'refused', detail: err.message });
        }
      }
    }
  }
}

export function registerPrune(program: Command, ctx: CommandContext): void {
  const command = program
    .command('prune')
    .description('expire rejected versions, retired ones beyond the newest --keep, and (with --older-than) stale candidates: '
      + 'prints the plan; with --yes deletes their images from the registry and their entries from the record')
    .argument('<name>', 'model name')
    .option('--keep <n>', 'retired versions to keep, newest first', parseWholeNumber, 3)
    .option('--older-than <age>', 'only versions at least this old (30d, 12h); candidates expire only with it', parseAge)
    .option('--yes', 'do it (without: print the plan and change nothing)')
    .option(...modelsDirFlag(ctx));
  addRegistryOptions(command)
    .action(async (name: string, opts: PruneFlags) => {
      const store = storeOf(opts, ctx);
      // The newest retirements are the history's last ones (see rollback), read before the record's lock is taken.
      const events = historyForOrder(store, name, ctx);
      const planOf = (record: ModelRecord) => expiryPlan(record, {
        keep: opts.keep, olderThanMs: opts.olderThan, now: ctx.now(), retirements: events && retirementOrder(events, lastStand(record), lastStand(record)),
      });
      const printPlan = (record: ModelRecord, plan: readonly Expiring[]): void => {
        for (const e of plan) ctx.stdout.write(`${e.version.version}\t${e.reason}\t${repositoriesOf(record).map((r) => `${r}:${e.version.version}`).join(' ')}\n`);
      };
      if (!opts.yes) {
        const record = store.load(name);
        const plan = planOf(record);
        if (plan.length === 0) {
          ctx.stdout.write(`${name}: nothing expires\n`);
          return;
        }
        printPlan(record, plan);
        ctx.stdout.write(`dry run: ${plan.length} version(s) would expire; nothing changed (--yes to expire them)\n`);
        return;
      }

      const client = await registryClient(opts, ctx.env);
      // The registry's answers first, without the lock: other commands are not kept waiting on the network.
      const before = store.load(name);
      const planned = planOf(before);
      const targets = planned.length ? await resolveTargets(client, before, planned) : new Map<string, DeleteTarget[]>();
      let plan: readonly Expiring[] = [];
      const results = new Map<string, TagResult[]>();
      // Decided and deleted under the record's lock: a rollback, promote or alias set of a version being deleted
      // waits for prune and then finds it gone, instead of pointing at a deleted image. Only what expired both
      // before and now goes; what the record gained meanwhile keeps its manifest.
      await store.updateAsync(name, async (record) => {
        const still = new Set(planOf(record).map((e) => e.version.version));
        plan = planned.filter((e) => still.has(e.version.version));
        if (plan.length === 0) return { record, events: [], summary: '' };
        printPlan(record, plan);
        const known = new Set(before.versions.map((v) => v.version));
        await protectAdded(client, record.versions.filter((v) => !known.has(v.version)), targets);
        await deleteTargets(client, plan, targets, results);
        const refused = new Set(plan.filter((e) => results.get(e.version.version)?.some((t) => t.outcome === 'refused')).map((e) => e.version.version));
        return expire(record, plan.filter((e) => !refused.has(e.version.version)).map((e) => ({
          version: e.version.version,
          details: { reason: e.reason, tags: (results.get(e.version.version) ?? []).map((t) => ({ ref: t.ref, outcome: t.outcome, ...(t.detail ? { detail: t.detail } : {}) })) },
        })));
      });
      if (plan.length === 0) {
        ctx.stdout.write(`${name}: nothing expires\n`);
        return;
      }
      for (const e of plan) {
        for (const t of results.get(e.version.version) ?? []) {
          ctx.stdout.write(`${t.ref}: ${t.outcome}${t.detail && t.outcome !== 'refused' ? ` (${t.detail})` : ''}\n`);
        }
      }
      const refused = plan.filter((e) => results.get(e.version.version)?.some((t) => t.outcome === 'refused'));
      const done = plan.filter((e) => !refused.includes(e));
      if (done.length) ctx.stdout.write(`${name}: expired ${done.map((e) => e.version.version).join(', ')}\n`);
      if (refused.length) {
        const first = results.get(refused[0].version.version)?.find((t) => t.outcome === 'refused');
        throw new PolicyError(`${name}: the registry refused to delete ${refused.map((e) => e.version.version).join(', ')}; they stay in the record: ${first?.detail ?? ''}`);
      }
    });
}
