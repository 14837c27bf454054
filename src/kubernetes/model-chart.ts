import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { ModelRecord } from '../core/record';
import { BlueGreenModel } from './blue-green-model';
import { RetrainingCronJob } from './retraining-cron-job';
import { RollingModel } from './rolling-model';

export interface ModelChartProps {
  /** The model record to render. */
  readonly record: ModelRecord;
}

/** One chart per model record, in the record's namespace. */
export class ModelChart extends Chart {
  constructor(scope: Construct, id: string, props: ModelChartProps) {
    super(scope, id, {
      namespace: props.record.deploy.kubernetes?.namespace,
      // Object names are the contract (`<name>`, `<name>-blue`, ...): no hash suffixes.
      disableResourceNameHashes: true,
    });
    if (props.record.deploy.strategy === 'blue-green') new BlueGreenModel(this, 'model', { record: props.record });
    else new RollingModel(this, 'model', { record: props.record });
    if (props.record.retraining) new RetrainingCronJob(this, 'retraining', { record: props.record });
  }
}
