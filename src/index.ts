/**
 * The library behind the `modelship` CLI: the domain (records, semver rules,
 * stages, gates, tree digest, init script), the file store, and the renderers.
 * The cdk8s constructs and the cdktf stack are exported from their own entry
 * points so that importing the domain never loads cdk8s or cdktf:
 *   modelship/lib/src/kubernetes  (ModelChart, ModelDeployment, ...)
 *   modelship/lib/src/nomad       (buildModelJob, renderJobHcl, renderJobJson, ...)
 *   modelship/lib/src/nomad/nomad-model-stack  (NomadModelStack, needs cdktf)
 */
export * from './core/errors';
export * from './core/gates';
export * from './core/history-event';
export * from './core/init-script';
export * from './core/lifecycle';
export * from './core/names';
export * from './core/record';
export * from './core/monitoring-spec';
export * from './core/retraining-contract';
export * from './core/retraining-spec';
export * from './core/semver-rules';
export * from './core/stages';
export * from './core/tree-digest';
export { ModelStore } from './registry/model-store';
