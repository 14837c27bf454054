// Rendering only: the cdktf constructs are the separate entry point modelship/nomad/stack.
export * from './hcl-writer';
export * from './job-hcl';
export * from './job-json';
export * from './job-model';
export * from './model-job';
export * from './render-jobs';
export * from './retraining-job';
