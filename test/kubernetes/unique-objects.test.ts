import { Chart, Testing } from 'cdk8s';
import { BlueGreenModel } from '../../src/kubernetes/blue-green-model';
import { blueGreen, version } from '../helpers/records';

describe('one chart, one object per kind, namespace and name', () => {
  it('refuses at synth a second BlueGreenModel of one record in a chart, naming both construct paths', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'ml-serving' });
    const r = blueGreen({ versions: [version('1.0.0', 'production')], slots: { active: 'blue', blue: '1.0.0', green: null } });
    new BlueGreenModel(chart, 'fraud', { record: r });
    new BlueGreenModel(chart, 'fraud-again', { record: r });
    expect(() => app.synth()).toThrow(/two objects are Deployment ml-serving\/fraud-detector-blue \(c\/fraud\/blue\/deployment\/Resource and c\/fraud-again\/blue\/deployment\/Resource\)/);
  });

  it('takes the same name in two namespaces, and two models in one chart', () => {
    const app = Testing.app();
    const r = blueGreen({ versions: [version('1.0.0', 'production')], slots: { active: 'blue', blue: '1.0.0', green: null } });
    const inNamespace = (namespace: string) => ({ ...r, deploy: { ...r.deploy, kubernetes: { namespace } } });
    new BlueGreenModel(new Chart(app, 'a', { namespace: 'ml-a' }), 'fraud', { record: inNamespace('ml-a') });
    new BlueGreenModel(new Chart(app, 'b', { namespace: 'ml-b' }), 'fraud', { record: inNamespace('ml-b') });
    const both = new Chart(app, 'both', { namespace: 'ml-serving' });
    new BlueGreenModel(both, 'fraud', { record: r });
    new BlueGreenModel(both, 'other', { record: { ...r, name: 'other-model' } });
    expect(() => app.synthYaml()).not.toThrow();
  });
});
