export * from './blue-green-model';
export * from './labels';
export * from './model-chart';
export * from './model-deployment';
export * from './model-disruption-budget';
export * from './model-service';
export * from './render-manifests';
export * from './rolling-model';
