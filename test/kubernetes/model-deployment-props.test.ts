import { App, Chart } from 'cdk8s';
import { PolicyError } from '../../src/core/errors';
import { ModelDeployment, ModelDeploymentProps } from '../../src/kubernetes/model-deployment';
import { D1 } from '../helpers/records';

const minimal: ModelDeploymentProps = {
  modelName: 'churn',
  artifact: { image: 'registry.example.com:5000/models/churn' },
  serving: { image: 'registry.example.com/apps/churn-api:1.0.0', resources: { cpu: '1', memory: '2Gi' } },
  version: { version: '1.0.0', digest: D1, sizeBytes: 10 * 1024 * 1024 },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
const build = (props: Loose) => () => new ModelDeployment(new Chart(new App(), 'c'), 'd', props as ModelDeploymentProps);
const withServing = (serving: Loose) => ({ ...minimal, serving: { ...minimal.serving, ...serving } });
const withVersion = (version: Loose) => ({ ...minimal, version: { ...minimal.version, ...version } });

describe('ModelDeployment props a program gets wrong: a plain Error naming the prop and the rule, at construction', () => {
  const cases: [string, Loose, string][] = [
    ['an empty model name', { ...minimal, modelName: '' }, 'modelName must not be empty'],
    ['a model name with capitals', { ...minimal, modelName: 'Churn_Model' }, 'modelName "Churn_Model" is not a DNS-1123 label'],
    ['a deployment name that is no label', { ...minimal, deploymentName: 'churn.v2' }, 'deploymentName must be a DNS-1123 label of at most 63 characters, not "churn.v2"'],
    ['a model image with a tag', { ...minimal, artifact: { image: 'reg/x:latest' } }, 'artifact.image must be an image repository without a tag or digest (the version is the tag), not "reg/x:latest"'],
    ['a relative artifact path', { ...minimal, artifact: { image: 'reg/x', path: 'model' } }, 'artifact.path must be a plain absolute path other than /, not "model"'],
    ['a version that is not semver', withVersion({ version: 'latest' }), 'version.version must be a semantic version without build metadata (an image tag and a label value), not "latest"'],
    ['a version with build metadata', withVersion({ version: '1.0.0+abc' }), 'version.version must be a semantic version without build metadata'],
    ['a placeholder digest', withVersion({ digest: 'sha256:...' }), 'version.digest must be the artifact\'s tree digest, sha256: and 64 lower-case hex digits (modelship measure --artifact prints it), not "sha256:..."'],
    ['a size that is not a number', withVersion({ sizeBytes: Number.NaN }), 'version.sizeBytes must be a whole number of bytes >= 0, not NaN'],
    ['a port out of range', withServing({ port: 70000 }), 'serving.port must be a whole number 1..65535, not 70000'],
    ['a port as a string', withServing({ port: '8080' }), 'serving.port must be a whole number 1..65535, not "8080"'],
    ['a model dir of /tmp', withServing({ modelDir: '/tmp' }), 'serving.modelDir must be a plain absolute path other than / and outside /tmp'],
    ['a relative health path', withServing({ health: { path: 'healthz' } }), 'serving.health.path must be an HTTP path starting with /, not "healthz"'],
    ['a CPU that is no quantity', withServing({ resources: { cpu: 'lots', memory: '1Gi' } }), 'serving.resources.cpu must be a positive CPU quantity (e.g. 500m or 2), not "lots"'],
    ['a memory of 0', withServing({ resources: { cpu: '1', memory: '0' } }), 'serving.resources.memory must be a positive memory quantity (e.g. 512Mi or 2Gi), not "0"'],
    ['a memory in GB', withServing({ resources: { cpu: '1', memory: '2GB' } }), 'serving.resources.memory must be a positive memory quantity (e.g. 512Mi or 2Gi), not "2GB"'],
    ['half a GPU', withServing({ resources: { cpu: '1', memory: '1Gi', gpu: { count: 1.5 } } }), 'serving.resources.gpu.count must be a whole number >= 1, not 1.5'],
    ['an unknown GPU vendor', withServing({ resources: { cpu: '1', memory: '1Gi', gpu: { count: 1, vendor: 'bogus' } } }), 'serving.resources.gpu.vendor must be one of nvidia, amd, intel, not "bogus"'],
    ['an env var the deployment sets', withServing({ env: { MODEL_DIR: '/x' } }), 'serving.env.MODEL_DIR is set by the deployment itself (the verified model); choose another name'],
    ['init resources that are no quantity', { ...minimal, initResources: { cpu: 'x', memory: '1Gi' } }, 'initResources.cpu must be a positive CPU quantity'],
    ['a probe timeout of half a second', { ...minimal, probes: { readiness: { timeoutSeconds: 0.5 } } }, 'probes.readiness.timeoutSeconds must be a whole number >= 1, not 0.5'],
    ['a negative probe period', { ...minimal, probes: { liveness: { periodSeconds: -3 } } }, 'probes.liveness.periodSeconds must be a whole number >= 1, not -3'],
    ['an autoscaler from 0', { ...minimal, autoscaling: { min: 0, max: 3, targetCpuPercent: 70 } }, 'autoscaling.min must be a whole number >= 1, not 0'],
    ['an autoscaler max below min', { ...minimal, autoscaling: { min: 4, max: 3, targetCpuPercent: 70 } }, 'autoscaling.max must be a whole number >= autoscaling.min, not 3'],
    ['a CPU target of 0', { ...minimal, autoscaling: { min: 1, max: 3, targetCpuPercent: 0 } }, 'autoscaling.targetCpuPercent must be a whole number 1..100, not 0'],
    ['no serving at all (from JavaScript)', { ...minimal, serving: undefined }, 'serving.image must be an image reference, not undefined'],
  ];

  it.each(cases)('%s', (_what, props, message) => {
    expect(build(props)).toThrow(message);
    try {
      build(props)();
    } catch (e) {
      expect(e).not.toBeInstanceOf(PolicyError);
      expect((e as Error).message.startsWith(`${props.deploymentName ?? props.modelName}: `)).toBe(true);
    }
  });

  it('lists every problem at once', () => {
    expect(build({ ...withServing({ port: 0 }), version: { version: 'x', digest: 'y', sizeBytes: -1 } }))
      .toThrow(/^churn: version\.version .*; version\.digest .*; version\.sizeBytes .*; serving\.port must be a whole number 1\.\.65535, not 0$/);
  });

  it('takes what is valid: a registry with a port, a GPU, probes, autoscaling, extra env', () => {
    expect(build({
      ...withServing({ port: 9000, modelDir: '/srv/models', health: { path: '/ready' }, env: { LOG_LEVEL: 'info' }, resources: { cpu: '500m', memory: '512Mi', gpu: { count: 1, vendor: 'amd' } } }),
      probes: { startup: { failureThreshold: 240 } }, autoscaling: { min: 1, max: 3, targetCpuPercent: 70 }, initResources: { cpu: '2', memory: '1Gi' },
    })).not.toThrow();
  });
});
