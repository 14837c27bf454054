import { Command } from 'commander';
import { DeploymentPlan, DeploymentRole, planDeployments, plannedDeployments } from '../core/deployment-plan';
import { provenanceKind } from '../core/provenance';
import { ModelRecord, productionVersion, VersionEntry } from '../core/record';
import { compareVersions } from '../core/semver-rules';
import { lastStand, liveByStand, standDeployment, standNames, standView } from '../core/stands';
import { CommonOptions, MODELS_DIR_FLAG, storeOf } from './options';
import { green, red, dim } from './style';
import { renderTable } from './table';

interface StatusFlags extends CommonOptions {
  json?: boolean;
}

const MIB = 1024 * 1024;

export interface ModelStatus {
  name: string;
  strategy: string;
  production: string | null;
  /** The blue-green preview, or the newest version not yet in production. */
  next: { version: string; stage: string; role: 'preview' | 'candidate' } | null;
  activeSlot: string | null;
  size: { mib: number | null; maxMiB: number };
  latencyP95: { ms: number | null; maxMs: number; source: 'measured' | 'declared' | null; ci95: [number, number] | null };
  versions: { version: string; stage: string }[];
  /** What synth deploys, from the same plan both renderers use. */
  deployments: { role: DeploymentRole; version: string; slot?: string }[];
  /** The stand shown (`--stand`), and every declared stand's live version. */
  stand?: string;
  stands?: Record<string, string | null>;
}

/** The version a reviewer looks at next: the preview slot, else the candidate synth runs, else the newest not yet live. */
function nextVersionOf(r: ModelRecord, plan: DeploymentPlan): ModelStatus['next'] {
  if (plan.preview?.role === 'preview') return { version: plan.preview.version.version, stage: plan.preview.version.stage, role: 'preview' };
  if (plan.candidate) return { version: plan.candidate.version.version, stage: plan.candidate.version.stage, role: 'candidate' };
  const pending = r.versions
    .filter((v) => v.stage === 'candidate' || v.stage === 'validated')
    .sort((a, b) => compareVersions(b.version, a.version))[0];
  return pending ? { version: pending.version, stage: pending.stage, role: 'candidate' } : null;
}

/** A model's status in one stand (`production`, the last, by default): the stand's view, as synth deploys it. */
export function statusOf(record: ModelRecord, stand?: string): ModelStatus {
  // With stands, the default is the last stand as synth deploys it (no candidate there: it runs in the first).
  const r = stand === undefined && !record.stands ? record : standDeployment(record, stand ?? lastStand(record));
  if (!record.stands) return statusOfView(r);
  const shown = stand ?? lastStand(record);
  // Every version, with its stage as this stand sees it, not only those it deploys.
  const versions = standView(record, shown).versions.map((v) => ({ version: v.version, stage: v.stage }));
  return { ...statusOfView(r), versions, ...(stand !== undefined ? { stand } : {}), stands: liveByStand(record) };
}

function statusOfView(r: ModelRecord): ModelStatus {
  const live = productionVersion(r);
  const plan = planDeployments(r);
  const next = nextVersionOf(r, plan);
  // Figures shown are those of the version that matters most: the one in review, else the live one.
  const shown: VersionEntry | undefined = (next && r.versions.find((v) => v.version === next.version)) ?? live;
  return {
    name: r.name,
    strategy: r.deploy.strategy,
    production: live?.version ?? null,
    next,
    activeSlot: r.slots?.active ?? null,
    size: { mib: shown?.sizeBytes !== undefined ? shown.sizeBytes / MIB : null, maxMiB: r.gates.maxSizeMiB },
    latencyP95: {
      ms: shown?.latencyP95Ms ?? null,
      maxMs: r.gates.maxLatencyP95Ms,
      source: shown?.latencyP95Ms !== undefined ? provenanceKind(shown.provenance?.latency) : null,
      ci95: shown?.latencyP95LowMs !== undefined && shown.latencyP95HighMs !== undefined ? [shown.latencyP95LowMs, shown.latencyP95HighMs] : null,
    },
    versions: r.versions.map((v) => ({ version: v.version, stage: v.stage })),
    deployments: plannedDeployments(plan).map((p) => ({ role: p.role, version: p.version.version, ...(p.slot ? { slot: p.slot } : {}) })),
  };
}

function against(actual: number | null, limit: number, unit: string): string {
  if (actual === null) return dim(`- / ${limit} ${unit}`);
  const text = `${actual.toFixed(1)} / ${limit} ${unit}`;
  return actual <= limit ? green(text) : red(text);
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('where every model (or one) stands: production, preview or candidate, slots, figures against gates')
    .argument('[name]', 'one model')
    .option('--json', 'machine-readable output')
    .option('--stand <stand>', 'the stand to show (models that do not declare it are left out)')
    .option(...MODELS_DIR_FLAG)
    .action((name: string | undefined, opts: StatusFlags & { stand?: string }) => {
      const store = storeOf(opts);
      const loaded = name ? [store.load(name)] : store.loadAll();
      const records = opts.stand === undefined ? loaded : loaded.filter((r) => name !== undefined || standNames(r).includes(opts.stand as string));
      const rows = records.map((r) => statusOf(r, opts.stand));
      if (opts.json) {
        process.stdout.write(JSON.stringify(name ? rows[0] : rows, null, 2) + '\n');
        return;
      }
      process.stdout.write(renderTable(
        ['MODEL', 'STRATEGY', 'PRODUCTION', 'NEXT', 'ACTIVE', 'SIZE (MiB)', 'P95'],
        rows.map((s) => [
          s.name,
          s.strategy,
          s.production ?? dim('-'),
          s.next ? `${s.next.version} (${s.next.role === 'preview' ? 'preview' : s.next.stage})` : dim('-'),
          s.activeSlot ?? dim('-'),
          against(s.size.mib, s.size.maxMiB, 'MiB'),
          against(s.latencyP95.ms, s.latencyP95.maxMs, 'ms') + (s.latencyP95.source === 'declared' ? ' (declared)' : ''),
        ]),
      ));
    });
}
