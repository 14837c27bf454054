import { Command } from 'commander';
import type { CommandContext } from './cli-context';
import { DeploymentPlan, DeploymentRole, planDeployments, plannedDeployments } from '../core/deployment-plan';
import { InputError, isModelshipError } from '../core/errors';
import { provenanceKind } from '../core/provenance';
import { latencyGateOutcome } from '../core/gates';
import { ModelRecord, productionVersion, VersionEntry } from '../core/record';
import { compareVersions } from '../core/semver-rules';
import { deployedVersionsOf } from '../core/deployed-versions';
import { lastStand, liveByStand, standDeployment, standNames, standView } from '../core/stands';
import { CommonOptions, modelsDirFlag, storeOf } from './options';
import { abbreviateDigest } from './digest-display';
import { PLAIN, Style, styleFor, visibleLength } from './style';
import { renderTable } from './table';
import { terminalWidth } from './terminal-width';

interface StatusFlags extends CommonOptions {
  json?: boolean;
  wide?: boolean;
}

const MIB = 1024 * 1024;

/** One version worth a line in `status`: what runs, and what waits. */
export interface StatusRow {
  version: string;
  /** The deployment plan's role (live, preview, idle, candidate), or next: waiting, not deployed. */
  role: DeploymentRole | 'next';
  slot: string | null;
  stage: string;
  digest: string | null;
  sizeMiB: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
  /** measured by modelship or declared by a person; null when there is no p95. */
  latencyP95Source: 'measured' | 'declared' | null;
  /** The p95's 95% confidence interval, when the measurement had enough requests. */
  latencyP95Ci: [number, number] | null;
  /** Each figure against its gate: true within, false outside, null not measured. */
  withinGates: { size: boolean | null; latencyP95: boolean | null };
  /** The p95 against its gate as validate judges it (its interval included): null when not measured. */
  latencyP95Verdict: 'pass' | 'fail' | 'inconclusive' | null;
  /** When it went live (live rows). */
  since: string | null;
}

export interface ModelStatus {
  name: string;
  strategy: string;
  production: string | null;
  /** The blue-green preview, or the newest version not yet in production. */
  next: { version: string; stage: string; role: 'preview' | 'candidate' } | null;
  activeSlot: string | null;
  /** Figures of `next` if there is one, else of the production version; `version` says whose. */
  size: { version: string | null; mib: number | null; maxMiB: number };
  latencyP95: { version: string | null; ms: number | null; maxMs: number; source: 'measured' | 'declared' | null; ci95: [number, number] | null };
  versions: { version: string; stage: string }[];
  rows: StatusRow[];
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

function rowOf(r: ModelRecord, v: VersionEntry, role: StatusRow['role'], slot: string | null, since: string | null): StatusRow {
  const sizeMiB = v.sizeBytes !== undefined ? v.sizeBytes / MIB : null;
  const p95 = v.latencyP95Ms ?? null;
  const latency = p95 === null ? null : latencyGateOutcome(r.gates, v) as StatusRow['latencyP95Verdict'];
  return {
    version: v.version, role, slot, stage: v.stage, digest: v.digest ?? null, sizeMiB,
    latencyP50Ms: v.latencyP50Ms ?? null, latencyP95Ms: p95, latencyP99Ms: v.latencyP99Ms ?? null,
    latencyP95Source: p95 === null ? null : provenanceKind(v.provenance?.latency),
    latencyP95Ci: v.latencyP95LowMs !== undefined && v.latencyP95HighMs !== undefined ? [v.latencyP95LowMs, v.latencyP95HighMs] : null,
    // Within only when validate would pass it: a p95 under the gate with an interval across it is not.
    withinGates: { size: sizeMiB === null ? null : sizeMiB <= r.gates.maxSizeMiB, latencyP95: latency === null ? null : latency === 'pass' },
    latencyP95Verdict: latency,
    since,
  };
}

/** The deployed versions (live, preview, candidate) and, when not among them, the next one waiting. */
function rowsOf(r: ModelRecord, next: ModelStatus['next']): StatusRow[] {
  const entry = (version: string) => r.versions.find((v) => v.version === version) as VersionEntry;
  const rows = deployedVersionsOf(r).map((s) => rowOf(r, entry(s.version), s.role, s.slot, s.since ?? null));
  if (next && !rows.some((x) => x.version === next.version)) rows.push(rowOf(r, entry(next.version), 'next', null, null));
  return rows;
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
    size: { version: shown?.version ?? null, mib: shown?.sizeBytes !== undefined ? shown.sizeBytes / MIB : null, maxMiB: r.gates.maxSizeMiB },
    latencyP95: {
      version: shown?.version ?? null,
      ms: shown?.latencyP95Ms ?? null,
      maxMs: r.gates.maxLatencyP95Ms,
      source: shown?.latencyP95Ms !== undefined ? provenanceKind(shown.provenance?.latency) : null,
      ci95: shown?.latencyP95LowMs !== undefined && shown.latencyP95HighMs !== undefined ? [shown.latencyP95LowMs, shown.latencyP95HighMs] : null,
    },
    versions: r.versions.map((v) => ({ version: v.version, stage: v.stage })),
    rows: rowsOf(r, next),
    deployments: plannedDeployments(plan).map((p) => ({ role: p.role, version: p.version.version, ...(p.slot ? { slot: p.slot } : {}) })),
  };
}

const num = (n: number) => (n >= 100 || Number.isInteger(n) ? n.toFixed(0) : n.toFixed(1));

/** `figure/gate` and a verdict symbol, coloured too on a terminal: ✔ within, ✘ outside. */
function against(st: Style, actual: number | null, limit: number, within: boolean | null, inconclusive = false): string {
  if (actual === null || within === null) return st.dim(`-/${num(limit)}`);
  // `?`: its interval spans the gate (or there are too few requests for one); validate would neither pass nor reject it.
  if (inconclusive) return st.yellow(`${num(actual)}/${num(limit)} ?`);
  const text = `${num(actual)}/${num(limit)} ${within ? '✔' : '✘'}`;
  return within ? st.green(text) : st.red(text);
}

const opt = (st: Style, n: number | null) => (n === null ? st.dim('-') : num(n));
const roleOf = (row: StatusRow) => (row.slot ? `${row.role} (${row.slot})` : row.role);

const DECLARED_MARK = ' *';
const DECLARED_NOTE = '* declared: typed or imported, not measured by modelship\n';
// As validate judges it: an interval across the gate, or too few requests for one. One line within 80 columns.
const INCONCLUSIVE_NOTE = '? inconclusive: validate neither passes nor rejects it (measure more requests)\n';

const NARROW = ['MODEL', 'VERSION', 'ROLE', 'SIZE MiB', 'P95 ms'];
const WIDE = ['MODEL', 'STRATEGY', 'VERSION', 'ROLE', 'STAGE', 'DIGEST', 'SIZE MiB', 'P50 ms', 'P95 ms', 'P95 95% CI', 'P99 ms', 'LIVE SINCE'];

function cellsOf(st: Style, s: ModelStatus, row: StatusRow, wide: boolean, first = true): string[] {
  const size = against(st, row.sizeMiB, s.size.maxMiB, row.withinGates.size);
  // A typed figure says so (a footnote explains the mark): it is weighed differently from a measured one.
  const p95 = against(st, row.latencyP95Ms, s.latencyP95.maxMs, row.withinGates.latencyP95, row.latencyP95Verdict === 'inconclusive')
    + (row.latencyP95Source === 'declared' ? DECLARED_MARK : '');
  const ci = row.latencyP95Ci ? `${num(row.latencyP95Ci[0])}-${num(row.latencyP95Ci[1])}` : st.dim('-');
  return wide
    ? [first ? s.strategy : '', row.version, roleOf(row), row.stage, row.digest ? abbreviateDigest(row.digest) : st.dim('-'), size, opt(st, row.latencyP50Ms), p95, ci, opt(st, row.latencyP99Ms), row.since ?? st.dim('-')]
    : [row.version, roleOf(row), size, p95];
}

/** How status lays its table out. */
export interface StatusLayout {
  /** Every column, whatever the width. */
  readonly wide: boolean;
  /** Columns to fit the narrow table into before stacking it. */
  readonly width: number;
  /** @default PLAIN */
  readonly style?: Style;
}

/**
 * One line per version that runs or waits, the model named on its first line.
 * When even that is wider than the terminal (long model names), each model
 * gets a heading line and its versions are indented under it.
 */
export function renderStatus(statuses: readonly ModelStatus[], opts: StatusLayout): string {
  const declared = statuses.some((s) => s.rows.some((r) => r.latencyP95Source === 'declared'));
  const inconclusive = statuses.some((s) => s.rows.some((r) => r.latencyP95Verdict === 'inconclusive'));
  return layout(statuses, opts) + (declared ? DECLARED_NOTE : '') + (inconclusive ? INCONCLUSIVE_NOTE : '');
}

function layout(statuses: readonly ModelStatus[], opts: StatusLayout): string {
  const st = opts.style ?? PLAIN;
  const header = opts.wide ? WIDE : NARROW;
  // A model with nothing deployed or waiting still gets its line, dashes for the rest.
  const nothing = (s: ModelStatus) => [s.name, ...(opts.wide ? [s.strategy] : []), ...header.slice(opts.wide ? 2 : 1).map(() => st.dim('-'))];
  const rows = statuses.flatMap((s) => (s.rows.length
    ? s.rows.map((row, i) => [i === 0 ? s.name : '', ...cellsOf(st, s, row, opts.wide, i === 0)])
    : [nothing(s)]));
  const table = renderTable(header, rows, st);
  if (opts.wide || Math.max(...table.split('\n').map(visibleLength)) <= opts.width) return table;
  const stacked = renderTable(header.slice(1), statuses.flatMap((s) => s.rows.map((row) => cellsOf(st, s, row, false))), st);
  const [head, ...lines] = stacked.trimEnd().split('\n');
  let at = 0;
  const out = [`  ${head}`];
  for (const s of statuses) {
    out.push(`${s.name} (${s.strategy})`);
    for (let i = 0; i < s.rows.length; i++) out.push(`  ${lines[at++]}`);
  }
  return out.join('\n') + '\n';
}

export function registerStatus(program: Command, ctx: CommandContext): void {
  program
    .command('status')
    .description('where every model (or one) stands: each deployed or waiting version with its figures against the gates')
    .argument('[name]', 'one model')
    .option('--json', 'machine-readable output')
    .option('--wide', 'every column (stage, digest, p50/p99, since), whatever the terminal width')
    .option('--stand <stand>', 'the stand to show (models that do not declare it are left out)')
    .option(...modelsDirFlag(ctx))
    .action((name: string | undefined, opts: StatusFlags & { stand?: string }) => {
      const store = storeOf(opts, ctx);
      const records: ModelRecord[] = [];
      const broken: Error[] = [];
      // One broken record must not hide the others: show them, then name it and exit 2.
      for (const n of name ? [name] : store.names()) {
        try {
          records.push(store.load(n));
        } catch (e) {
          if (!isModelshipError(e) || name) throw e;
          broken.push(e);
        }
      }
      const shown = opts.stand === undefined ? records : records.filter((r) => name !== undefined || standNames(r).includes(opts.stand as string));
      // A misspelt stand is bad input, as for synth and history: an empty table would read as "nothing deployed there".
      if (opts.stand !== undefined && !name && records.length && !shown.length && !broken.length) {
        const known = [...new Set(records.flatMap((r) => standNames(r)))];
        throw new InputError(`--stand ${opts.stand}: no model declares that stand (stands: ${known.join(', ')})`);
      }
      const statuses = shown.map((r) => statusOf(r, opts.stand));
      if (opts.json) ctx.stdout.write(JSON.stringify(name ? statuses[0] : statuses, null, 2) + '\n');
      else ctx.stdout.write(renderStatus(statuses, { wide: Boolean(opts.wide), width: terminalWidth(ctx.stdout, ctx.env), style: styleFor(ctx) }));
      if (broken.length) {
        for (const e of broken.slice(0, -1)) ctx.stderr.write(`modelship: ${e.message}\n`);
        throw broken[broken.length - 1];
      }
    });
}
