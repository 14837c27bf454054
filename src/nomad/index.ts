// Rendering only: the cdktf construct is imported from ./nomad-model-stack on its own.
export * from './hcl-writer';
export * from './job-hcl';
export * from './job-json';
export * from './job-model';
export * from './model-job';
export * from './render-jobs';
export * from './retraining-job';
