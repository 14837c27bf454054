import { Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import type { ModelRecord } from '../core/record';

/**
 * A record that names its namespace is not rendered into a chart of another: the
 * objects take the chart's, so they would deploy silently where its ApplySet, its
 * stands and `synth` do not look. A chart without a namespace leaves it to `kubectl -n`.
 */
export function requireRecordNamespace(scope: IConstruct, record: ModelRecord, construct: string): void {
  const wanted = record.deploy.kubernetes?.namespace;
  const chart = Chart.of(scope);
  if (wanted !== undefined && chart.namespace !== undefined && chart.namespace !== wanted) {
    throw new Error(`${record.name}: deploy.kubernetes.namespace is ${wanted}, but ${construct} ${scope.node.path} is in chart ${chart.node.path}, whose namespace is ${chart.namespace}; use a ModelChart, or a Chart with namespace ${wanted}`);
  }
}
