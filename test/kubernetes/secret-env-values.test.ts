import { App, Chart } from 'cdk8s';
import type { ModelRecord } from '../../src/core/record';
import { ModelDeployment } from '../../src/kubernetes/model-deployment';
import { renderManifest } from '../../src/kubernetes/render-manifests';
import { byKindName, parseManifest, validateAll } from '../helpers/kube';
import { D1, record, version } from '../helpers/records';

const SERVING_SECRETS = {
  FEATURE_STORE_USER: { secret: 'fare-feature-store', key: 'user.name' },
  FEATURE_STORE_PASSWORD: { secret: 'fare-feature-store', key: 'password' },
  TOKEN: { secret: 'fare-token', key: 'token' },
};

const withSecrets = (extra: Partial<ModelRecord> = {}) => {
  const r = record({ versions: [version('1.4.0', 'production'), version('1.5.0', 'candidate')], ...extra });
  return { ...r, serving: { ...r.serving, env: { LOG_LEVEL: 'info' }, secretEnv: SERVING_SECRETS } };
};

describe('secretEnv on Kubernetes', () => {
  it('the server reads each variable from its Secret by name; the init container gets none; the objects pass the official schema', () => {
    const objects = parseManifest(renderManifest(withSecrets()));
    validateAll(objects);
    // No Secret object: its value would be in the manifests, and in git.
    expect(objects.map((o) => o.kind)).not.toContain('Secret');
    for (const name of ['taxi-fare', 'taxi-fare-candidate']) {
      const pod = byKindName(objects, 'Deployment', name).spec.template.spec;
      const env = pod.containers[0].env;
      expect(env.filter((e: { valueFrom?: unknown }) => e.valueFrom)).toEqual([
        { name: 'FEATURE_STORE_PASSWORD', valueFrom: { secretKeyRef: { name: 'fare-feature-store', key: 'password' } } },
        { name: 'FEATURE_STORE_USER', valueFrom: { secretKeyRef: { name: 'fare-feature-store', key: 'user.name' } } },
        { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'fare-token', key: 'token' } } },
      ]);
      expect(env).toContainEqual({ name: 'LOG_LEVEL', value: 'info' });
      expect(JSON.stringify(pod.initContainers)).not.toMatch(/secret/i);
    }
  });

  it('the retraining CronJob reads its credentials the same way', () => {
    const r = withSecrets({
      retraining: {
        schedule: '0 3 * * 1', image: 'registry.example.com/train/taxi-fare:2.0.0',
        secretEnv: { AWS_SECRET_ACCESS_KEY: { secret: 'train-aws', key: 'secret_access_key' } },
      },
    });
    const objects = parseManifest(renderManifest(r));
    validateAll(objects);
    const env = byKindName(objects, 'CronJob', 'taxi-fare-retrain').spec.jobTemplate.spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'train-aws', key: 'secret_access_key' } } });
    expect(env.map((e: { name: string }) => e.name)).toContain('MODELSHIP_NEXT_VERSION');
  });

  it('a program\'s ModelDeployment with a bad reference is refused at construction, naming the prop', () => {
    const build = (secretEnv: unknown) => () => new ModelDeployment(new Chart(new App(), 'c'), 'd', {
      modelName: 'churn',
      artifact: { image: 'registry.example.com/models/churn' },
      serving: { image: 'registry.example.com/apps/churn:1.0.0', resources: { cpu: '1', memory: '1Gi' }, env: { A: 'x' }, secretEnv: secretEnv as never },
      version: { version: '1.0.0', digest: D1, sizeBytes: 1024 },
    });
    expect(build({ B: { secret: 'churn-db', key: 'password' } })).not.toThrow();
    expect(build({ A: { secret: 'churn-db', key: 'password' } })).toThrow('serving.secretEnv.A is also set in serving.env; a variable comes from one place');
    expect(build({ B: { secret: 'Churn.DB', key: 'password' } })).toThrow('serving.secretEnv.B.secret must be a Secret (Kubernetes) and variable path (Nomad) name');
    expect(build({ MODEL_DIR: { secret: 'churn-db', key: 'password' } })).toThrow('serving.secretEnv.MODEL_DIR is set by modelship itself');
    expect(build({ MODELSHIP_X: { secret: 'churn-db', key: 'password' } })).toThrow('serving.secretEnv.MODELSHIP_X is set by modelship itself');
  });

  it('a RetrainingCronJob of a record a program builds checks its references too', () => {
    const r = record({ versions: [version('1.4.0', 'production')], retraining: {
      schedule: '0 3 * * 1', image: 'registry.example.com/train/x:1.0.0', secretEnv: { A: { secret: 'train-aws', key: '..data' } },
    } });
    expect(() => renderManifest(r)).toThrow('taxi-fare: retraining.secretEnv.A.key must be a key of letters, digits, -, _ and . (at most 253, not . and not starting with ..)');
  });
});
