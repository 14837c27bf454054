/** Label and annotation keys modelship writes; tools select on these, so they are API. */
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_VERSION = 'app.kubernetes.io/version';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_STAGE = 'modelship.io/stage';
export const LABEL_SLOT = 'modelship.io/slot';
/** Rolling models: `stable` for production, `candidate` for the test deployment. */
export const LABEL_TRACK = 'modelship.io/track';

export const ANNOTATION_DIGEST = 'modelship.io/digest';
export const ANNOTATION_SIZE_BYTES = 'modelship.io/size-bytes';
export const ANNOTATION_LATENCY_P95 = 'modelship.io/latency-p95-ms';
/** `measured` or `declared`: how the figure beside it was obtained. */
export const ANNOTATION_SIZE_SOURCE = 'modelship.io/size-source';
export const ANNOTATION_LATENCY_SOURCE = 'modelship.io/latency-p95-source';
/** The 95% confidence interval of a measured p95, `low-high` in ms. */
export const ANNOTATION_LATENCY_P95_CI = 'modelship.io/latency-p95-ci-ms';
export const ANNOTATION_GATE_SIZE = 'modelship.io/gate-max-size-mib';
export const ANNOTATION_GATE_LATENCY = 'modelship.io/gate-max-latency-p95-ms';
/** What a Deployment or Service of a model is for: `live`, `preview`, `idle` (a retired slot kept for rollback) or `candidate`. */
export const LABEL_ROLE = 'modelship.io/role';
/** On a retraining CronJob: a drift exit 1 also starts it (`retraining.onDrift`), for the tool that runs `drift`. */
export const ANNOTATION_RETRAIN_ON_DRIFT = 'modelship.io/retrain-on-drift';
