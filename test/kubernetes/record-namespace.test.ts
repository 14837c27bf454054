import { Chart, Testing } from 'cdk8s';
import { BlueGreenModel } from '../../src/kubernetes/blue-green-model';
import { ModelDeployment } from '../../src/kubernetes/model-deployment';
import { blueGreen, version } from '../helpers/records';

describe('a record rendered into a chart of another namespace', () => {
  it('is refused at construction, naming both namespaces; a chart without one leaves it to kubectl -n', () => {
    const r = blueGreen({ versions: [version('1.0.0', 'production')], slots: { active: 'blue', blue: '1.0.0', green: null } });
    const app = Testing.app();
    expect(() => new BlueGreenModel(new Chart(app, 'c', { namespace: 'ml' }), 'fraud', { record: r }))
      .toThrow('fraud-detector: deploy.kubernetes.namespace is ml-serving, but BlueGreenModel c/fraud is in chart c, whose namespace is ml; use a ModelChart, or a Chart with namespace ml-serving');
    expect(() => new BlueGreenModel(new Chart(app, 'open'), 'fraud', { record: r })).not.toThrow();
    // One version of it, or its candidate, likewise.
    expect(() => ModelDeployment.fromRecord(new Chart(app, 'other', { namespace: 'other' }), 'd', r, r.versions[0]))
      .toThrow('fraud-detector: deploy.kubernetes.namespace is ml-serving, but ModelDeployment.fromRecord in other is in chart other, whose namespace is other');
  });
});
