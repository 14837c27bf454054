import { InputError } from '../../src/core/errors';
import { parseRecord } from '../../src/registry/record-schema';
import { blueGreen, record } from '../helpers/records';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = any;
const base = (): Data => JSON.parse(JSON.stringify(record()));
const parse = (data: Data) => parseRecord(data, 'models/taxi-fare.yaml', 'taxi-fare');

function refusal(mutate: (d: Data) => void, from: Data = base()): string {
  mutate(from);
  try {
    parse(from);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('accepted');
}

describe('record: cluster-fit fields', () => {
  it('accepts a record with every new field', () => {
    const d = base();
    d.serving.resources.gpu = { count: 1, vendor: 'nvidia' };
    d.serving.command = ['python'];
    d.serving.args = ['-m', 'serve'];
    d.serving.servicePort = 8080;
    d.serving.autoscaling = { min: 2, max: 5, targetCpuPercent: 70 };
    d.deploy.kubernetes = {
      namespace: 'ml', imagePullSecrets: ['creds'], nodeSelector: { 'node.example.com/pool': 'gpu' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }, { operator: 'Exists' }],
      affinity: { required: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }], preferred: [{ key: 'zone', operator: 'Exists', weight: 10 }] },
      priorityClassName: 'high', labels: { team: 'ml' }, annotations: { 'example.com/x': 'any text: $(NOT_EXPANDED)' },
    };
    d.deploy.nomad = {
      constraints: [{ attribute: '${attr.kernel.name}', value: 'linux' }, { operator: 'distinct_hosts' }],
      affinities: [{ attribute: '${node.class}', value: 'gpu', weight: -20 }],
    };
    expect(parse(d).serving.autoscaling).toEqual({ min: 2, max: 5, targetCpuPercent: 70 });
  });

  it.each<[string, (d: Data) => void, string]>([
    ['gpu count', (d) => { d.serving.resources.gpu = { count: 0 }; }, 'serving.resources.gpu.count: must be at least 1, not 0'],
    ['gpu vendor', (d) => { d.serving.resources.gpu = { count: 1, vendor: 'ati' }; }, 'serving.resources.gpu.vendor: must be one of nvidia, amd, intel, not "ati"'],
    ['empty command', (d) => { d.serving.command = []; }, 'serving.command: must name a program'],
    ['numeric arg', (d) => { d.serving.args = [8080]; }, 'serving.args[0]: must be a string (quote numbers and booleans), not 8080'],
    ['service port', (d) => { d.serving.servicePort = 70000; }, 'serving.servicePort: must be 1..65535, not 70000'],
    ['autoscaling min > max', (d) => { d.serving.autoscaling = { min: 5, max: 2, targetCpuPercent: 50 }; }, 'serving.autoscaling.max: 2 is below min 5'],
    ['autoscaling target', (d) => { d.serving.autoscaling = { min: 1, max: 2, targetCpuPercent: 150 }; }, 'serving.autoscaling.targetCpuPercent: must be 1..100, not 150'],
    ['pull secret name', (d) => { d.deploy.kubernetes.imagePullSecrets = ['Creds']; }, 'deploy.kubernetes.imagePullSecrets[0]: must be a DNS-1123 subdomain, not "Creds"'],
    ['node selector value', (d) => { d.deploy.kubernetes.nodeSelector = { pool: 'a b' }; }, 'deploy.kubernetes.nodeSelector.pool: must be a label value'],
    ['toleration effect', (d) => { d.deploy.kubernetes.tolerations = [{ key: 'k', effect: 'Never' }]; }, 'deploy.kubernetes.tolerations[0].effect: must be one of NoSchedule, PreferNoSchedule, NoExecute, not "Never"'],
    ['toleration Exists with value', (d) => { d.deploy.kubernetes.tolerations = [{ key: 'k', operator: 'Exists', value: 'v' }]; }, 'deploy.kubernetes.tolerations[0].value: must be empty with operator Exists'],
    ['affinity In without values', (d) => { d.deploy.kubernetes.affinity = { required: [{ key: 'k', operator: 'In' }] }; }, 'deploy.kubernetes.affinity.required[0].values: must list at least one value for operator In'],
    ['affinity weight', (d) => { d.deploy.kubernetes.affinity = { preferred: [{ key: 'k', operator: 'Exists', weight: 0 }] }; }, 'deploy.kubernetes.affinity.preferred[0].weight: must be 1..100, not 0'],
    ['reserved label', (d) => { d.deploy.kubernetes.labels = { 'app.kubernetes.io/name': 'x' }; }, "deploy.kubernetes.labels.app.kubernetes.io/name: the app.kubernetes.io/ prefix is modelship's and kubectl's own"],
    ['priority class', (d) => { d.deploy.kubernetes.priorityClassName = 'High!'; }, 'deploy.kubernetes.priorityClassName: must be a DNS-1123 subdomain, not "High!"'],
    ['nomad constraint operator', (d) => { d.deploy.nomad = { constraints: [{ attribute: 'a', operator: '~', value: 'b' }] }; }, 'deploy.nomad.constraints[0].operator: must be one of'],
    ['nomad constraint value', (d) => { d.deploy.nomad = { constraints: [{ attribute: '${attr.kernel.name}' }] }; }, 'deploy.nomad.constraints[0].value: is required for operator ='],
    ['nomad affinity weight', (d) => { d.deploy.nomad = { affinities: [{ attribute: 'a', value: 'b', weight: 0 }] }; }, 'deploy.nomad.affinities[0].weight: must not be 0'],
    ['blueGreen on rolling', (d) => { d.deploy.blueGreen = { idleReplicas: 1 }; }, 'deploy.blueGreen: is only for deploy.strategy blue-green'],
    // What the Nomad server refuses at submission, refused before any file is written.
    ['a version constraint that is not one', (d) => { d.deploy.nomad = { constraints: [{ attribute: '${attr.kernel.version}', operator: 'version', value: 'not a version' }] }; },
      'deploy.nomad.constraints[0].value: "not a version" is not a version constraint such as ">= 1.2, < 2.0" (operator version; "not a version" is not one)'],
    ['a semver constraint with one bad part', (d) => { d.deploy.nomad = { constraints: [{ attribute: '${attr.os.version}', operator: 'semver', value: '>= 1.2.0, < two' }] }; },
      'deploy.nomad.constraints[0].value: ">= 1.2.0, < two" is not a version constraint'],
    ['a regexp that does not compile', (d) => { d.deploy.nomad = { constraints: [{ attribute: '${attr.x}', operator: 'regexp', value: '(' }] }; },
      'deploy.nomad.constraints[0].value: "(" is not a regular expression (operator regexp: Unterminated group)'],
    ['a regexp affinity that does not compile', (d) => { d.deploy.nomad = { affinities: [{ attribute: '${attr.x}', operator: 'regexp', value: 'a**' }] }; },
      'deploy.nomad.affinities[0].value: "a**" is not a regular expression'],
    ['an empty constraint value', (d) => { d.deploy.nomad = { constraints: [{ attribute: '${attr.kernel.name}', value: '' }] }; },
      'deploy.nomad.constraints[0].value: must not be empty for operator = (Nomad requires a value)'],
    ['an empty affinity value', (d) => { d.deploy.nomad = { affinities: [{ attribute: '${node.class}', operator: 'set_contains_any', value: '' }] }; },
      'deploy.nomad.affinities[0].value: must not be empty for operator set_contains_any (Nomad requires a value)'],
    ['an attribute that is a shell variable', (d) => { d.deploy.nomad = { constraints: [{ attribute: '$HOME', value: 'x' }] }; },
      'deploy.nomad.constraints[0].attribute: "$HOME" is not a node value Nomad knows: use ${attr.<name>}, ${meta.<name>} or ${node.unique.id|unique.name|datacenter|class|pool}, or a literal without $'],
    ['an attribute Nomad has no value for', (d) => { d.deploy.nomad = { affinities: [{ attribute: '${env.HOME}', value: 'x' }] }; },
      'deploy.nomad.affinities[0].attribute: "${env.HOME}" is not a node value Nomad knows'],
    ['a distinct_property count that is not one', (d) => { d.deploy.nomad = { constraints: [{ attribute: '${meta.rack}', operator: 'distinct_property', value: '0' }] }; },
      'deploy.nomad.constraints[0].value: must be a whole number of at least 1 for operator distinct_property (how many allocations may share the property), not "0"'],
    ['a nomad namespace Nomad would refuse', (d) => { d.deploy.nomad = { namespace: 'Dev NS!' }; }, 'deploy.nomad.namespace: must be a Nomad namespace name (letters, digits and -, at most 128), not "Dev NS!"'],
    ['an empty datacenter list', (d) => { d.deploy.nomad = { datacenters: [] }; }, 'deploy.nomad.datacenters: must list at least one datacenter, not an empty list'],
    ['a list where the nomad mapping belongs', (d) => { d.deploy.nomad = ['dc1']; }, 'deploy.nomad: must be a mapping, not a list'],
    // A stand's settings are merged over deploy's, so they keep deploy's rules where they are written.
    ['a stand constraint without an attribute', (d) => { d.stands = [{ name: 'dev', nomad: { constraints: [{ value: 'linux' }] } }]; }, 'stands[0].nomad.constraints[0].attribute: is required for operator ='],
    ['a stand constraint without a value', (d) => { d.stands = [{ name: 'dev', nomad: { constraints: [{ attribute: 'x' }] } }]; }, 'stands[0].nomad.constraints[0].value: is required for operator ='],
    ['a stand distinct_hosts with a value', (d) => { d.stands = [{ name: 'dev', nomad: { constraints: [{ operator: 'distinct_hosts', value: '1' }] } }]; }, 'stands[0].nomad.constraints[0].value: must be empty for operator distinct_hosts'],
    ['a stand toleration Exists with value', (d) => { d.stands = [{ name: 'dev', kubernetes: { tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] } }]; }, 'stands[0].kubernetes.tolerations[0].value: must be empty with operator Exists'],
    ['a stand reserved label', (d) => { d.stands = [{ name: 'dev', kubernetes: { labels: { 'modelship.io/x': 'y' } } }]; }, "stands[0].kubernetes.labels.modelship.io/x: the modelship.io/ prefix is modelship's and kubectl's own"],
    ['a stand autoscaling min > max', (d) => { d.stands = [{ name: 'dev', autoscaling: { min: 5, max: 2, targetCpuPercent: 50 } }]; }, 'stands[0].autoscaling.max: 2 is below min 5'],
  ])('refuses %s with the file, the field and the rule', (_what, mutate, message) => {
    expect(refusal(mutate)).toContain(`models/taxi-fare.yaml: ${message}`);
  });

  it('accepts the constraint values Nomad reads: version ranges, RE2 patterns with inline flags and POSIX classes, interpolated values', () => {
    const d = base();
    d.deploy.nomad = {
      constraints: [
        { attribute: '${attr.kernel.version}', operator: 'version', value: '>= 3.19, < 6.0' },
        { attribute: '${attr.os.version}', operator: 'semver', value: '~> 1.2.3-beta.1+build.5' },
        { attribute: '${attr.kernel.name}', operator: 'regexp', value: '(?i)^LINUX[[:digit:]]*$' },
        { attribute: '${attr.unique.hostname}', operator: 'regexp', value: '^(?P<pool>gpu|cpu)-[0-9]+$' },
        { attribute: '${attr.kernel.version}', operator: 'version', value: '${meta.min_kernel}' },
        { attribute: '${node.class}', operator: 'regexp', value: '^\\Q(gpu\\E[0-9]*$' },
        // An empty pattern compiles (nomadvalidate takes it), unlike an empty value for =.
        { attribute: '${meta.rack}', operator: 'regexp', value: '' },
      ],
      affinities: [{ attribute: '${meta.rack}', operator: 'regexp', value: '' }],
    };
    expect(parse(d).deploy.nomad?.constraints).toHaveLength(7);
  });

  it('idleReplicas: a whole number, 0 allowed, on a blue-green model', () => {
    const d = JSON.parse(JSON.stringify(blueGreen({ name: 'taxi-fare' })));
    d.deploy.blueGreen = { idleReplicas: 0 };
    expect(parse(d).deploy.blueGreen).toEqual({ idleReplicas: 0 });
    d.deploy.blueGreen = { idleReplicas: 1.5 };
    expect(refusal(() => undefined, d)).toContain('deploy.blueGreen.idleReplicas: must be a whole number, not 1.5');
  });
});
