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

/**
 * Deletes each expiring version's manifest in each repository, never one a kept
 * version or any other tag of the repository also points at (deleting by digest
 * removes every tag on it: `latest`, a tag another tool pushed), and notes per tag what became of it.
 */
async function deleteImages(client: RegistryClient, record: ModelRecord, plan: readonly Expiring[], results: Map<string, TagResult[]>): Promise<void> {
  const { parseRepository } = await import('../oci/image-reference');
  const { RegistryRefusal } = await import('../oci/registry-error');
  const expiring = new Set(plan.map((e) => e.version.version));
  const keptVersions = record.versions.filter((x) => !expiring.has(x.version));
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
      const ref = `${repository}:${e.version.version}`;
      const list = results.get(e.version.version) ?? [];
      results.set(e.version.version, list);
      const digest = await client.resolve(repo, e.version.version);
      if (!digest) {
        list.push({ ref, outcome: 'absent' });
      } else if (keptDigests.has(digest)) {
        list.push({ ref, outcome: 'shared', detail: `${digest} is ${keptDigests.get(digest)}; tag left in place` });
      } else {
        try {
          await client.deleteManifest(repo, digest);
          list.push({ ref, outcome: 'deleted', detail: digest });
        } catch (err) {
          if (!(err instanceof RegistryRefusal)) throw err;
          list.push({ ref, outcome: 'refused', detail: err.message });
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
      let plan: readonly Expiring[] = [];
      const results = new Map<string, TagResult[]>();
      // Decided and done under the record's lock: a rollback, promote or alias set of a version
      // being deleted waits for prune and then finds it gone, instead of pointing at a deleted image.
      await store.updateAsync(name, async (record) => {
        plan = planOf(record);
        if (plan.length === 0) return { record, events: [], summary: '' };
        printPlan(record, plan);
        await deleteImages(client, record, plan, results);
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
