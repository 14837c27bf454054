import { Command, Option } from 'commander';
import type { CommandContext } from './cli-context';
import { InputError } from '../core/errors';
import { DEFAULT_SAMPLE_SIZE } from '../core/monitoring-spec';
import { productionVersion } from '../core/record';
import type { DriftReport } from '../monitoring/drift-check';
import { CommonOptions, modelsDirFlag, parsePositiveInt, storeOf } from './options';
import { Style, styleFor } from './style';
import { renderTable } from './table';

const FORMATS = ['csv', 'jsonl'] as const;

interface DriftFlags extends CommonOptions {
  reference: string;
  current: string;
  format?: (typeof FORMATS)[number];
  sampleSize?: number;
  json?: boolean;
}

/** Four significant digits: enough to compare runs, short enough for a terminal. */
const fig = (x: number): string => (Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x));
/** A p-value below double precision's reach of 1 - cdf prints as a bound, not as an impossible 0. */
const pv = (p: number): string => (p === 0 ? '< 1e-16' : fig(p));

function renderReport(name: string, version: string | null, r: DriftReport, style: Style): string {
  const verdict = (drifted: boolean) => (drifted ? style.red('DRIFT') : style.green('ok'));
  const rows: string[][] = [];
  for (const n of r.numeric) {
    const sampled = n.exact ? '' : ' (sampled)';
    rows.push(['psi', n.column, fig(n.psi), `>= ${r.thresholds.psi} and > ${fig(n.psiNoise)} (noise)`, verdict(n.psi >= r.thresholds.psi && n.psi > n.psiNoise)]);
    rows.push(['ks', n.column, `D ${fig(n.ksStatistic)}, p ${pv(n.ksPValue)}${sampled}`, `p < ${r.thresholds.ksPValue}`, verdict(n.ksPValue < r.thresholds.ksPValue)]);
  }
  for (const c of r.categorical) {
    const added = c.newCategories.length ? `, new: ${c.newCategories.slice(0, 3).join(', ')}${c.newCategories.length > 3 ? ', ...' : ''}` : '';
    const pooled = c.pooledCategories ? `, ${c.pooledCategories} rare pooled` : '';
    rows.push(['chi-square', c.column, `${fig(c.chiSquare)} (${c.degreesOfFreedom} df), p ${pv(c.pValue)}${pooled}${added}`, `p < ${r.thresholds.chiSquarePValue}`, verdict(c.drifted)]);
  }
  if (r.meanGap) {
    const g = r.meanGap;
    const basis = g.basis === 'current' ? '' : ' vs reference labels';
    rows.push(['mean gap', `${g.label} - ${g.prediction}`, `${fig(g.gap)}${basis} (reference ${fig(g.referenceGap)})`,
      `|gap| > ${fig(g.threshold)}${g.thresholdFrom === 'default' ? ' (0.1 sd)' : ''} and > ${fig(g.noise)} (noise)`, verdict(g.drifted)]);
  }
  const head = `${name}${version ? ` ${version}` : ''}: ${r.reference.file} (${r.reference.rows} rows) -> ${r.current.file} (${r.current.rows} rows)\n`;
  const drifted = [...r.numeric, ...r.categorical].filter((x) => x.drifted).map((x) => x.column);
  if (r.meanGap?.drifted) drifted.push('mean gap');
  const tail = drifted.length ? `drift: ${drifted.join(', ')}\n` : 'no drift\n';
  return head + renderTable(['CHECK', 'COLUMN', 'FIGURE', 'DRIFT WHEN', 'RESULT'], rows, style) + tail;
}

export function registerDrift(program: Command, ctx: CommandContext): void {
  program
    .command('drift')
    .description('compare a current window of inputs and predictions with a reference one: exit 0 no drift, 1 drift')
    .argument('<name>', 'model name')
    .requiredOption('--reference <file>', 'reference window: training or validation data (CSV or JSON Lines)')
    .requiredOption('--current <file>', 'current window: recent production inputs and predictions')
    .addOption(new Option('--format <f>', 'file format (default: from the extension)').choices(FORMATS))
    .option('--sample-size <n>', 'values kept per numeric column; past it quantiles and KS use a uniform sample', parsePositiveInt, DEFAULT_SAMPLE_SIZE)
    .option('--json', 'machine-readable output')
    .option(...modelsDirFlag(ctx))
    .action(async (name: string, opts: DriftFlags) => {
      const store = storeOf(opts, ctx);
      const record = store.load(name);
      const spec = record.monitoring;
      const file = store.recordFile(name);
      if (!spec) throw new InputError(`${file}: monitoring: is required for drift (features, prediction, label)`);
      if (!spec.features.numeric?.length && !spec.features.categorical?.length && !spec.label) {
        throw new InputError(`${file}: monitoring: names no feature and no label; nothing to compare`);
      }
      // Loaded here: the statistics libraries cost other commands nothing.
      const { checkDrift } = await import('../monitoring/drift-check');
      const { formatOf } = await import('../monitoring/row-reader');
      const report = await checkDrift(
        spec,
        { file: opts.reference, format: formatOf(opts.reference, opts.format) },
        { file: opts.current, format: formatOf(opts.current, opts.format) },
        opts.sampleSize,
      );
      // The figures are only meaningful against the model that made the predictions.
      const version = productionVersion(record)?.version ?? null;
      const event = store.appendEvent(name, {
        action: 'drift', version, from: null, to: null,
        details: {
          drifted: report.drifted, reference: report.reference.file, current: report.current.file,
          referenceRows: report.reference.rows, currentRows: report.current.rows, thresholds: report.thresholds, sampleSize: report.sampleSize,
          // The reference's decile edges stay out: eleven numbers a column in every history line, and the reference file has them.
          numeric: report.numeric.map(({ edges: _edges, ...rest }) => rest),
          categorical: report.categorical, meanGap: report.meanGap,
        },
      });
      if (opts.json) ctx.stdout.write(JSON.stringify({ model: name, version, at: event.at, ...report }, null, 2) + '\n');
      else ctx.stdout.write(renderReport(name, version, report, styleFor(ctx)));
      if (report.drifted) ctx.setExitCode(1);
    });
}
