/**
 * `modelship`: the domain behind the CLI (records, semver rules, stages, gates,
 * the deployment plan, stands and aliases, tree digest, init script) and the file store. The
 * renderers have entry points of their own, so importing the domain never
 * loads cdk8s or cdktf:
 *   modelship/kubernetes   (ModelChart, ModelDeployment, BlueGreenModel, ...; needs cdk8s)
 *   modelship/nomad        (buildModelJob, renderJobHcl, renderJobJson, ...; plain objects)
 *   modelship/nomad/stack  (NomadModelJob, NomadModelStack; needs cdktf)
 */
export * from './core/aliases';
export * from './core/champion';
export * from './core/deployment-plan';
export * from './core/errors';
export * from './core/gates';
export * from './core/history-event';
export * from './core/init-script';
export * from './core/lifecycle';
export * from './core/names';
export * from './core/p95-interval';
export * from './core/provenance';
export * from './core/record';
export * from './core/monitoring-spec';
export * from './core/retraining-contract';
export * from './core/retraining-spec';
export * from './core/semver-rules';
export * from './core/stand-lifecycle';
export * from './core/stands';
export * from './core/stages';
export * from './core/tree-digest';
export { ModelStore } from './registry/model-store';
export { parseRecord } from './registry/record-schema';
