/**
 * The record's `monitoring` block: which columns of a prediction log
 * `modelship drift` compares, and when a difference counts as drift.
 */
export interface MonitoringSpec {
  readonly features: {
    /** Columns compared by PSI and the two-sample KS test. @default [] */
    readonly numeric?: readonly string[];
    /** Columns compared by a chi-square test of their category counts. @default [] */
    readonly categorical?: readonly string[];
  };
  /** Column holding the model's prediction (numeric). @default - no mean-gap check */
  readonly prediction?: string;
  /** Column holding the observed label (numeric; empty while not yet known). @default - no mean-gap check */
  readonly label?: string;
  /** When a figure counts as drift. @default DEFAULT_DRIFT_THRESHOLDS */
  readonly drift?: Partial<DriftThresholds>;
}

export interface DriftThresholds {
  /** A numeric feature drifted when its population stability index reaches this. */
  readonly psi: number;
  /** A numeric feature drifted when its KS p-value falls below this. */
  readonly ksPValue: number;
  /** A categorical feature drifted when its chi-square p-value falls below this. */
  readonly chiSquarePValue: number;
  /**
   * Largest tolerated |mean label - mean prediction| in the current window, in
   * the label's unit. Unset: a tenth of the reference labels' standard deviation.
   */
  readonly meanGap?: number;
}

/**
 * PSI 0.2 is the usual "significant shift" line (0.1 to 0.25 is "watch it");
 * 0.01 keeps a same-distribution false alarm per test at 1 in 100.
 */
export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = { psi: 0.2, ksPValue: 0.01, chiSquarePValue: 0.01 };

/** How much of the reference labels' standard deviation the default mean gap allows. */
export const DEFAULT_MEAN_GAP_SD = 0.1;

/**
 * Values kept per numeric column and window. Below this a column's quantiles
 * and KS test are exact; above, they come from a uniform sample of this size:
 * 1.6 MB per column and window, whatever the file size.
 */
export const DEFAULT_SAMPLE_SIZE = 200_000;

export function driftThresholds(spec: MonitoringSpec | undefined): DriftThresholds {
  return { ...DEFAULT_DRIFT_THRESHOLDS, ...(spec?.drift ?? {}) };
}
