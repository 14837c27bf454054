import { InputError } from '../core/errors';
import { DEFAULT_MEAN_GAP_SD, DEFAULT_SAMPLE_SIZE, driftThresholds, DriftThresholds, MonitoringSpec } from '../core/monitoring-spec';
import { chiSquareHomogeneity } from './chi-square-test';
import { ksTwoSample } from './kolmogorov-smirnov';
import { populationStabilityIndex, psiNoise } from './population-stability';
import { binOf, quantileEdges } from './quantiles';
import type { DataFormat } from './row-reader';
import { profileWindow } from './window-profile';

/** PSI over ten reference quantile bins (deciles). */
export const PSI_BINS = 10;

export interface NumericDrift {
  readonly column: string;
  readonly psi: number;
  readonly ksStatistic: number;
  readonly ksPValue: number;
  /**
   * How large the PSI grows by chance between two windows of one distribution of these sizes
   * (99 %, `psiNoise`): a PSI past its threshold but within this is not drift.
   */
  readonly psiNoise: number;
  /** Inner bin edges, the reference's deciles. */
  readonly edges: readonly number[];
  readonly referenceValues: number;
  readonly currentValues: number;
  readonly referenceMissing: number;
  readonly currentMissing: number;
  /** False when a window outgrew the sample and quantiles/KS come from a sample. */
  readonly exact: boolean;
  readonly drifted: boolean;
}

export interface CategoricalDrift {
  readonly column: string;
  readonly chiSquare: number;
  readonly degreesOfFreedom: number;
  readonly pValue: number;
  readonly categories: number;
  /** Categories too rare for the test on their own (an expected count below 5), counted as one column. */
  readonly pooledCategories: number;
  /** Categories of the current window the reference never had. */
  readonly newCategories: readonly string[];
  /** Rows with an empty cell in each window: missing values, left out of the test. */
  readonly referenceMissing: number;
  readonly currentMissing: number;
  readonly drifted: boolean;
}

export interface MeanGapCheck {
  readonly label: string;
  readonly prediction: string;
  /** Mean label - mean prediction in the current window. */
  readonly gap: number;
  /**
   * `current`: labels of the current window (rows with both columns);
   * `reference`: no labels yet, so the reference's mean label against the
   * current mean prediction, seed 002's check.
   */
  readonly basis: 'current' | 'reference';
  /** The same gap in the reference window, for context. */
  readonly referenceGap: number;
  readonly threshold: number;
  readonly thresholdFrom: 'record' | 'default';
  /**
   * How far the gap moves by chance alone: 2.576 standard errors (two-sided 99 %, as the
   * p-value tests' 0.01). Paired gaps: sd / sqrt(n); against reference labels, Welch's
   * sqrt(var(labels)/n + var(predictions)/m). 0 when there are too few rows to tell.
   */
  readonly noise: number;
  /** Beyond the threshold and beyond the noise: a small window's gap is often chance. */
  readonly drifted: boolean;
}

/** Two-sided 99 %: the normal quantile 0.995. */
const Z_99 = 2.5758293035489004;

export interface DriftReport {
  readonly reference: { readonly file: string; readonly rows: number };
  readonly current: { readonly file: string; readonly rows: number };
  readonly thresholds: DriftThresholds;
  readonly sampleSize: number;
  readonly numeric: readonly NumericDrift[];
  readonly categorical: readonly CategoricalDrift[];
  readonly meanGap?: MeanGapCheck;
  readonly drifted: boolean;
}

export interface DriftInput {
  readonly file: string;
  readonly format: DataFormat;
}

/**
 * Reads the reference once (samples, bin edges, category counts, label and
 * prediction moments), then the current window once (the same, plus exact
 * counts in the reference's bins), and compares them.
 */
export async function checkDrift(
  spec: MonitoringSpec, reference: DriftInput, current: DriftInput, sampleSize = DEFAULT_SAMPLE_SIZE,
): Promise<DriftReport> {
  const thresholds = driftThresholds(spec);
  const ref = await profileWindow(reference.file, spec, { format: reference.format, sampleSize });
  const refSorted = new Map([...ref.numeric].map(([c, col]) => [c, col.sample.sorted()]));
  const edges = new Map([...refSorted].map(([c, sorted]) => [c, quantileEdges(sorted, PSI_BINS)]));
  const cur = await profileWindow(current.file, spec, { format: current.format, sampleSize, edges });

  const numeric = [...ref.numeric].map(([column, refCol]): NumericDrift => {
    const curCol = cur.numeric.get(column)!;
    const sorted = refSorted.get(column)!;
    const columnEdges = edges.get(column)!;
    const refCounts = new Array<number>(PSI_BINS).fill(0);
    for (const x of sorted) refCounts[binOf(columnEdges, x)]++;
    const psi = populationStabilityIndex(refCounts, curCol.binCounts!);
    const noise = psiNoise(PSI_BINS, sorted.length, curCol.binCounts!.reduce((a, b) => a + b, 0));
    const ks = ksTwoSample(sorted, curCol.sample.sorted());
    return {
      column, psi, psiNoise: noise, ksStatistic: ks.statistic, ksPValue: ks.pValue, edges: columnEdges,
      referenceValues: refCol.sample.count, currentValues: curCol.sample.count,
      referenceMissing: refCol.missing, currentMissing: curCol.missing,
      exact: refCol.sample.exact && curCol.sample.exact,
      drifted: (psi >= thresholds.psi && psi > noise) || ks.pValue < thresholds.ksPValue,
    };
  });

  const categorical = [...ref.categorical].map(([column, refCounts]): CategoricalDrift => {
    const curCounts = cur.categorical.get(column)!;
    const test = chiSquareHomogeneity(refCounts, curCounts);
    return {
      column, chiSquare: test.statistic, degreesOfFreedom: test.degreesOfFreedom, pValue: test.pValue,
      categories: test.categories, pooledCategories: test.pooled,
      newCategories: [...curCounts.keys()].filter((c) => !refCounts.has(c)).sort(),
      referenceMissing: ref.categoricalMissing.get(column) ?? 0, currentMissing: cur.categoricalMissing.get(column) ?? 0,
      drifted: test.pValue < thresholds.chiSquarePValue,
    };
  });

  let meanGap: MeanGapCheck | undefined;
  if (spec.label && spec.prediction) {
    if (ref.pairedGap.count === 0) {
      throw new InputError(`${reference.file}: columns "${spec.label}" and "${spec.prediction}": no row has both; the reference needs labels for the mean-gap check`);
    }
    if (cur.prediction.count === 0) throw new InputError(`${current.file}: column "${spec.prediction}": no predictions (all empty)`);
    const basis = cur.pairedGap.count > 0 ? 'current' : 'reference';
    const gap = basis === 'current' ? cur.pairedGap.mean : ref.label.mean - cur.prediction.mean;
    const fromRecord = thresholds.meanGap !== undefined;
    const threshold = fromRecord ? thresholds.meanGap as number : DEFAULT_MEAN_GAP_SD * ref.label.sd;
    if (!(threshold > 0)) {
      throw new InputError(`${reference.file}: column "${spec.label}": the labels do not vary, so there is no default mean gap; set monitoring.drift.meanGap`);
    }
    const se = basis === 'current'
      ? cur.pairedGap.sd / Math.sqrt(cur.pairedGap.count)
      : Math.sqrt(ref.label.sd ** 2 / ref.label.count + cur.prediction.sd ** 2 / cur.prediction.count);
    // One row has no spread to measure: no noise bound, the threshold alone decides (as before).
    const noise = Number.isFinite(se) ? Z_99 * se : 0;
    meanGap = {
      label: spec.label, prediction: spec.prediction, gap, basis, referenceGap: ref.pairedGap.mean,
      threshold, thresholdFrom: fromRecord ? 'record' : 'default', noise,
      drifted: Math.abs(gap) > threshold && Math.abs(gap) > noise,
    };
  }

  return {
    reference: { file: reference.file, rows: ref.rows },
    current: { file: current.file, rows: cur.rows },
    thresholds, sampleSize, numeric, categorical, meanGap,
    drifted: numeric.some((n) => n.drifted) || categorical.some((c) => c.drifted) || Boolean(meanGap?.drifted),
  };
}
