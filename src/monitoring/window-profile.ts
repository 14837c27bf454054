import { InputError } from '../core/errors';
import type { MonitoringSpec } from '../core/monitoring-spec';
import { binOf } from './quantiles';
import { ReservoirSample } from './reservoir-sample';
import { Cell, CellError, DataFormat, forEachRow } from './row-reader';
import { RunningMoments } from './running-moments';

/** Past this many distinct values a "category" is an identifier or a number, and counting it is unbounded memory. */
export const MAX_CATEGORIES = 10_000;

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

export interface NumericColumn {
  /** Uniform sample for the quantiles and the KS test; the whole column while it fits. */
  readonly sample: ReservoirSample;
  /** Rows with an empty cell (null in JSON): not counted anywhere else. */
  missing: number;
  /** Exact counts per bin of the reference's edges, over every row (current window only). */
  readonly binCounts?: number[];
}

export interface WindowProfile {
  readonly file: string;
  readonly rows: number;
  readonly numeric: ReadonlyMap<string, NumericColumn>;
  readonly categorical: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Per categorical column, rows with an empty cell: not a category. */
  readonly categoricalMissing: ReadonlyMap<string, number>;
  /** Every non-empty label, every non-empty prediction, and label - prediction where a row has both. */
  readonly label: RunningMoments;
  readonly prediction: RunningMoments;
  readonly pairedGap: RunningMoments;
}

export interface ProfileOptions {
  readonly format: DataFormat;
  /** Values kept per numeric column. */
  readonly sampleSize: number;
  /** Bin edges per numeric column, from the reference; given for the current window. */
  readonly edges?: ReadonlyMap<string, readonly number[]>;
}

/** A number, null for an empty cell, or undefined for anything else (the caller names it). */
function numberOf(cell: Cell): number | null | undefined {
  if (cell === null || cell === '') return null;
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : undefined;
  // `1e999` is a number to the pattern and Infinity to Number(): no bin or quantile holds it.
  if (typeof cell === 'string' && NUMBER.test(cell)) return Number.isFinite(Number(cell)) ? Number(cell) : undefined;
  return undefined;
}

/** A category, or null for an empty cell (a missing value, as in a numeric column). */
function categoryOf(cell: Cell): string | null {
  if (cell === null || cell === undefined || cell === '') return null;
  return typeof cell === 'string' ? cell : JSON.stringify(cell);
}

/** Reads one window (a file) once, keeping fixed-size summaries of the monitored columns. */
export async function profileWindow(file: string, spec: MonitoringSpec, opts: ProfileOptions): Promise<WindowProfile> {
  const numericNames = spec.features.numeric ?? [];
  const categoricalNames = spec.features.categorical ?? [];
  const columns = [...numericNames, ...categoricalNames, ...(spec.label ? [spec.label, spec.prediction as string] : [])];
  const numeric = new Map<string, NumericColumn>(numericNames.map((c) => [c, {
    sample: new ReservoirSample(opts.sampleSize),
    missing: 0,
    binCounts: opts.edges ? new Array((opts.edges.get(c) ?? []).length + 1).fill(0) : undefined,
  }]));
  const numericList = numericNames.map((c) => [numeric.get(c) as NumericColumn, opts.edges?.get(c)] as const);
  const categorical = new Map<string, Map<string, number>>(categoricalNames.map((c) => [c, new Map()]));
  const categoricalList = categoricalNames.map((c) => categorical.get(c) as Map<string, number>);
  const categoricalMissing = categoricalNames.map(() => 0);
  const label = new RunningMoments();
  const prediction = new RunningMoments();
  const pairedGap = new RunningMoments();
  const nNum = numericNames.length;
  const nCat = categoricalNames.length;

  const numericCell = (cell: Cell, k: number): number | null => {
    const x = numberOf(cell);
    // JSON's 1e999 parses to Infinity, which JSON.stringify would show as null.
    if (x === undefined) throw new CellError(`column "${columns[k]}": ${typeof cell === 'number' ? String(cell) : JSON.stringify(cell)} is not a ${typeof cell === 'number' ? 'finite ' : ''}number`);
    return x;
  };

  const rows = await forEachRow(file, opts.format, columns, (cells) => {
    for (let k = 0; k < nNum; k++) {
      const x = numericCell(cells[k], k);
      const [col, edges] = numericList[k];
      if (x === null) {
        col.missing++;
        continue;
      }
      col.sample.add(x);
      if (col.binCounts) col.binCounts[binOf(edges as readonly number[], x)]++;
    }
    for (let k = 0; k < nCat; k++) {
      const counts = categoricalList[k];
      const c = categoryOf(cells[nNum + k]);
      if (c === null) {
        categoricalMissing[k]++;
        continue;
      }
      const n = counts.get(c);
      if (n === undefined && counts.size >= MAX_CATEGORIES) {
        throw new CellError(`column "${categoricalNames[k]}" has more than ${MAX_CATEGORIES} distinct values; monitor it as numeric or bucket it`);
      }
      counts.set(c, (n ?? 0) + 1);
    }
    if (spec.label) {
      const y = numericCell(cells[nNum + nCat], nNum + nCat);
      const p = numericCell(cells[nNum + nCat + 1], nNum + nCat + 1);
      if (y !== null) label.add(y);
      if (p !== null) prediction.add(p);
      if (y !== null && p !== null) pairedGap.add(y - p);
    }
  // Labels often arrive late: a window may lack the label column altogether, as if every label were empty.
  }, new Set(spec.label ? [spec.label] : []));
  for (const [name, counts] of categorical) {
    if (counts.size === 0) throw new InputError(`${file}: column "${name}": no values in ${rows} rows (all empty)`);
  }
  for (const [name, col] of numeric) {
    if (col.sample.count === 0) throw new InputError(`${file}: column "${name}": no numeric values in ${rows} rows (all empty)`);
  }
  return { file, rows, numeric, categorical, categoricalMissing: new Map(categoricalNames.map((c, k) => [c, categoricalMissing[k]])), label, prediction, pairedGap };
}
