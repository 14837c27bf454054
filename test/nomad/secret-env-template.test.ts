import { format } from '@cdktf/hcl-tools';
import type { ModelRecord } from '../../src/core/record';
import { renderJobHcl } from '../../src/nomad/job-hcl';
import { renderJobJson } from '../../src/nomad/job-json';
import { buildCandidateJob, buildModelJob } from '../../src/nomad/model-job';
import { buildRetrainingJob, renderRetrainingJobHcl, renderRetrainingJobJson } from '../../src/nomad/retraining-job';
import { secretEnvTemplates } from '../../src/nomad/secret-env-template';
import { hclProblems, Json, jsonProblems, parseHcl } from '../helpers/nomad-schema';
import { expectNomadValid, nomadParsed } from '../helpers/nomad-validate';
import { blueGreen, record, version } from '../helpers/records';

const SECRETS = {
  FEATURE_STORE_USER: { secret: 'fare-feature-store', key: 'user.name' },
  FEATURE_STORE_PASSWORD: { secret: 'fare-feature-store', key: 'password' },
};

const withSecrets = (r: ModelRecord): ModelRecord => ({ ...r, serving: { ...r.serving, env: { LOG_LEVEL: 'info' }, secretEnv: SECRETS } });

const TEMPLATE = '{{ with nomadVar "fare-feature-store" }}'
  + '{{ if not (index . "password").Key }}{{ executeTemplate "nomad variable fare-feature-store has no item password (for FEATURE_STORE_PASSWORD)" }}{{ end }}'
  + 'FEATURE_STORE_PASSWORD={{ index . "password" | toJSON }}{{ end }}\n'
  + '{{ with nomadVar "fare-feature-store" }}'
  + '{{ if not (index . "user.name").Key }}{{ executeTemplate "nomad variable fare-feature-store has no item user.name (for FEATURE_STORE_USER)" }}{{ end }}'
  + 'FEATURE_STORE_USER={{ index . "user.name" | toJSON }}{{ end }}\n';

describe('secretEnv on Nomad', () => {
  it('one env template per task, JSON-quoted values, in the secrets directory, read at start (noop on change)', () => {
    expect(secretEnvTemplates('x: serving.secretEnv', SECRETS, { LOG_LEVEL: 'info' })).toEqual([{
      EmbeddedTmpl: TEMPLATE, DestPath: 'secrets/modelship-secret.env', Envvars: true, ChangeMode: 'noop', Perms: '600', ErrMissingKey: false, Splay: 5_000_000_000,
    }]);
    expect(secretEnvTemplates('x: serving.secretEnv', undefined, undefined)).toEqual([]);
    expect(secretEnvTemplates('x: serving.secretEnv', {}, undefined)).toEqual([]);
  });

  it.each([
    ['rolling with a candidate', withSecrets(record({ versions: [version('1.4.0', 'production'), version('1.5.0', 'candidate')] }))],
    ['blue-green', withSecrets(blueGreen({ versions: [version('1.4.0', 'production')], slots: { active: 'blue', blue: '1.4.0', green: null } }))],
  ])('%s: every server task has it, no init task does; HCL and JSON pass Nomad\'s parser and validation and parse to the same job', async (_n, r) => {
    const jobs = [buildModelJob({ record: r })!, ...(r.deploy.strategy === 'rolling' ? [buildCandidateJob({ record: r })!] : [])];
    for (const j of jobs) {
      const json: Json = JSON.parse(renderJobJson(j)).Job;
      for (const g of json.TaskGroups) {
        const [init, server] = g.Tasks;
        expect(init.Templates).toBeUndefined();
        expect(server.Templates).toEqual(secretEnvTemplates('x', SECRETS, undefined));
        expect(server.Env.LOG_LEVEL).toBe('info');
        expect(server.Env).not.toHaveProperty('FEATURE_STORE_PASSWORD');
      }
      const hcl = renderJobHcl(j);
      expect(hclProblems(await parseHcl(hcl))).toEqual([]);
      expect(jsonProblems(JSON.parse(renderJobJson(j)))).toEqual([]);
      expect(await format(hcl)).toBe(hcl);
      expectNomadValid({ 'job.nomad.hcl': hcl, 'job.nomad.json': renderJobJson(j) });
      const parsed = nomadParsed({ 'job.nomad.hcl': hcl, 'job.nomad.json': renderJobJson(j) });
      if (parsed) {
        expect(parsed['job.nomad.hcl']).toEqual(parsed['job.nomad.json']);
        // What Nomad will hand the client, byte for byte: the template text survives HCL's quoting.
        expect(parsed['job.nomad.hcl'].TaskGroups[0].Tasks[1].Templates[0]).toMatchObject({ EmbeddedTmpl: TEMPLATE, Envvars: true, ChangeMode: 'noop', Perms: '600' });
      }
    }
  });

  it('the retraining job gets its own', async () => {
    const r = record({
      versions: [version('1.4.0', 'production')],
      retraining: {
        schedule: '0 3 * * 1', image: 'registry.example.com/train/taxi-fare:2.0.0',
        secretEnv: { AWS_SECRET_ACCESS_KEY: { secret: 'train-aws', key: 'secret_access_key' } },
      },
    });
    const j = buildRetrainingJob({ record: r })!;
    expect(j.TaskGroups[0].Tasks[0].Templates?.[0].EmbeddedTmpl).toBe('{{ with nomadVar "train-aws" }}'
      + '{{ if not (index . "secret_access_key").Key }}{{ executeTemplate "nomad variable train-aws has no item secret_access_key (for AWS_SECRET_ACCESS_KEY)" }}{{ end }}'
      + 'AWS_SECRET_ACCESS_KEY={{ index . "secret_access_key" | toJSON }}{{ end }}\n');
    const hcl = renderRetrainingJobHcl(j);
    const json = renderRetrainingJobJson(j);
    expect(hclProblems(await parseHcl(hcl))).toEqual([]);
    expect(jsonProblems(JSON.parse(json))).toEqual([]);
    expectNomadValid({ 'retrain.nomad.hcl': hcl, 'retrain.nomad.json': json });
    const parsed = nomadParsed({ 'retrain.nomad.hcl': hcl, 'retrain.nomad.json': json });
    if (parsed) expect(parsed['retrain.nomad.hcl'].TaskGroups[0].Tasks[0].Templates).toEqual(parsed['retrain.nomad.json'].TaskGroups[0].Tasks[0].Templates);
  });

  it('a record a program builds is checked too: a key cannot end the template string and inject an action', () => {
    const injected = { PW: { secret: 'db', key: 'password" | toJSON }}\nX={{ env "NOMAD_TOKEN" }}{{ with nomadVar "db" }}{{ index . "x' } };
    const r = withSecrets(record({ versions: [version('1.4.0', 'production')] }));
    expect(() => buildModelJob({ record: { ...r, serving: { ...r.serving, secretEnv: injected } } }))
      .toThrow('taxi-fare: serving.secretEnv.PW.key must be a key of letters, digits, -, _ and .');
    const retraining = { schedule: '0 3 * * 1', image: 'registry.example.com/train/x:1.0.0', secretEnv: { A: { secret: 'nomad', key: 'k' } } };
    expect(() => buildRetrainingJob({ record: { ...r, retraining } }))
      .toThrow('taxi-fare: retraining.secretEnv.A.secret must be a Secret (Kubernetes) and variable path (Nomad) name');
    // A name in env and secretEnv both: which one a task sees would differ between the targets.
    expect(() => buildModelJob({ record: { ...r, serving: { ...r.serving, secretEnv: { LOG_LEVEL: { secret: 'db', key: 'k' } } } } }))
      .toThrow('taxi-fare: serving.secretEnv.LOG_LEVEL is also set in taxi-fare: serving.env; a variable comes from one place');
  });
});
