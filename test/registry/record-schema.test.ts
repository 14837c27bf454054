import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../src/core/errors';
import { parseRecordText } from '../../src/registry/record-document';
import { EXAMPLE_MODELS } from '../helpers/cli';

const text = fs.readFileSync(path.join(EXAMPLE_MODELS, 'taxi-fare.yaml'), 'utf8');
const F = 'models/taxi-fare.yaml';

function refuse(t: string): string {
  try {
    parseRecordText(t, F, 'taxi-fare');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('accepted');
}

const withEnv = (env: string) => text.replace('  health:\n', () => `  env:\n${env}  health:\n`);

describe('record sanity, before any rendering', () => {
  it.each([
    ['zero cpu', 'cpu: 500m', 'cpu: "0"', 'serving.resources.cpu: "0" must be at least 1m'],
    ['zero millicores', 'cpu: 500m', 'cpu: 0m', 'serving.resources.cpu: "0m" must be at least 1m'],
    ['cpu too large for Nomad\'s MHz', 'cpu: 500m', 'cpu: "99999999999999999999"', 'serving.resources.cpu: "99999999999999999999" must be at most 4096 cores'],
    ['zero memory', 'memory: 1Gi', 'memory: 0Mi', 'serving.resources.memory: "0Mi" must be at least 10Mi (Nomad\'s minimum)'],
    ['memory too large', 'memory: 1Gi', 'memory: 999999Ti', 'serving.resources.memory: "999999Ti" must be at most 64Ti'],
    ['replicas beyond int32', 'replicas: 3 #', 'replicas: 3000000000 #', 'serving.replicas: must be at most 2147483647, not 3000000000'],
    ['an infinite gate', 'maxLatencyP95Ms: 50', 'maxLatencyP95Ms: .inf', 'gates.maxLatencyP95Ms: must be a finite number, not Infinity'],
    ['modelDir /', 'modelDir: /models', 'modelDir: /', 'serving.modelDir: "/" must be a directory of its own'],
    ['modelDir /tmp', 'modelDir: /models', 'modelDir: /tmp', 'serving.modelDir: "/tmp" must be a directory of its own'],
    ['modelDir under /tmp', 'modelDir: /models', 'modelDir: /tmp/models', 'serving.modelDir: "/tmp/models" must be a directory of its own'],
    ['a version longer than a label value', 'version: 1.2.0-rc.1', `version: 1.2.0-${'a'.repeat(60)}`, `versions[3].version: "1.2.0-${'a'.repeat(60)}" is longer than the 63 characters`],
    ['modelDir //tmp, which is /tmp', 'modelDir: /models', 'modelDir: //tmp', 'serving.modelDir: must be a plain absolute path, without //, . or .. segments'],
    ['modelDir /var/../tmp', 'modelDir: /models', 'modelDir: /var/../tmp', 'serving.modelDir: must be a plain absolute path, without //, . or .. segments'],
    ['modelDir /.', 'modelDir: /models', 'modelDir: /.', 'serving.modelDir: must be a plain absolute path, without //, . or .. segments'],
    ['an artifact path of /', '  path: /model\n', '  path: /\n', 'artifact.path: "/" must be the model\'s own directory in its image: not /'],
    ['an artifact path the init container mounts over', '  path: /model\n', '  path: /tmp/model\n', 'artifact.path: "/tmp/model" must be the model\'s own directory in its image'],
    ['an artifact path Nomad mounts over', '  path: /model\n', '  path: /local\n', 'artifact.path: "/local" must be the model\'s own directory in its image'],
    ['a health path Nomad would interpolate', 'path: /healthz', 'path: /v1/${NOMAD_ALLOC_ID}/ready', 'serving.health.path: must not contain ${ (Nomad\'s client would replace it in the check path; Kubernetes would not)'],
    ['a health path with a newline', 'path: /healthz', 'path: "/healthz\\nX-Injected: 1"', 'serving.health.path: must start with / and hold only visible ASCII (no spaces or newlines)'],
    ['a size beyond what a volume can be sized for', 'sizeBytes: 417333279', 'sizeBytes: 9007199254740991', 'versions[0].sizeBytes: must be at most 1125899906842624 (1 PiB)'],
  ])('refuses %s, naming the field and the rule', (_what, from, to, message) => {
    expect(text).toContain(from);
    expect(refuse(text.replace(from, to))).toContain(`${F}: ${message}`);
  });

  it.each(['MODEL_DIR', 'MODEL_VERSION', 'MODEL_DIGEST', 'MODELSHIP_SRC'])('refuses a user-set %s in serving.env instead of overriding it silently', (name) => {
    expect(refuse(withEnv(`    ${name}: /elsewhere\n`))).toBe(`${F}: serving.env.${name}: ${name} is set by modelship itself (MODEL_DIR, MODEL_VERSION, MODEL_DIGEST, MODELSHIP_*); remove it`);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the env key %s rather than dropping it', (key) => {
    expect(refuse(withEnv(`    ${key}: x\n    OK: y\n`))).toBe(`${F}: serving.env.${key}: "${key}" cannot be a name here (JavaScript objects reserve it, and it would be lost)`);
  });

  it('keeps every other env value as written, $ included', () => {
    const r = parseRecordText(withEnv('    DB_PASS: pa$$word\n    REF: $(MODEL_VERSION)\n'), F, 'taxi-fare').record;
    expect(r.serving.env).toEqual({ DB_PASS: 'pa$$word', REF: '$(MODEL_VERSION)' });
  });

  it('refuses a YAML alias bomb with one line instead of expanding it', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const message = refuse(`${bomb.join('\n')}\n`);
    expect(message).toMatch(/^models\/taxi-fare\.yaml: not usable YAML: .*alias/i);
    expect(message.split('\n')).toHaveLength(1);
  });
});

describe('a misspelt field name', () => {
  it('of a required field is one problem, named by the key as written, with the field it resembles', () => {
    expect(refuse(text.replace('maxSizeMiB:', 'maxSizeMib:'))).toBe(`${F}: gates.maxSizeMib: unknown field (did you mean maxSizeMiB? it is required)`);
    expect(refuse(text.replace(/^(\s+)port:/m, '$1prot:'))).toBe(`${F}: serving.prot: unknown field (did you mean port? it is required)`);
  });

  it('comes first, before the other problems, and suggests nothing unlike the missing field', () => {
    const lines = refuse(text.replace('maxSizeMiB:', 'sizeLimit:').replace(/replicas: \d+/, 'replicas: many')).split('\n');
    expect(lines[0]).toBe(`${F}: gates.sizeLimit: unknown field`);
    expect(lines).toContain(`${F}: gates.maxSizeMiB: is required`);
    expect(lines.some((l) => l.includes('serving.replicas'))).toBe(true);
  });
});

describe('parseRecord from the package root, for records a program builds', () => {
  it('throws every problem of an object, one per line, named after the source given', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parseRecord: fromRoot } = require('../../src/index') as typeof import('../../src/index');
    expect(() => fromRoot({ name: 'churn', serving: { port: 70000 } }, 'my-app.ts', 'churn')).toThrow(/^my-app\.ts: artifact: is required\n/);
  });
});

describe('secretEnv in the record', () => {
  const withSecretEnv = (lines: string) => text.replace('  health:\n', () => `  env:\n    LOG_LEVEL: info\n  secretEnv:\n${lines}  health:\n`);

  it('reads serving.secretEnv as { secret, key } per variable', () => {
    const r = parseRecordText(withSecretEnv('    DB_PASSWORD: { secret: fare-db, key: password }\n'), F, 'taxi-fare').record;
    expect(r.serving.secretEnv).toEqual({ DB_PASSWORD: { secret: 'fare-db', key: 'password' } });
  });

  it.each([
    ['a secret name with a dot', '    X: { secret: fare.db, key: k }\n', `${F}: serving.secretEnv.X.secret: must be a Secret (Kubernetes) and variable path (Nomad) name`],
    ['a key with a quote', '    X: { secret: db, key: \'a"b\' }\n', `${F}: serving.secretEnv.X.key: must be a key of letters, digits, -, _ and . (at most 253, not . and not starting with ..), as a Kubernetes Secret key, not "a\\"b"`],
    ['a reserved name', '    MODEL_DIGEST: { secret: db, key: k }\n', `${F}: serving.secretEnv.MODEL_DIGEST: MODEL_DIGEST is set by modelship itself`],
    ['an unknown field', '    X: { secret: db, key: k, optional: true }\n', `${F}: serving.secretEnv.X.optional: unknown field`],
    ['a name also in env', '    LOG_LEVEL: { secret: db, key: k }\n', `${F}: serving.secretEnv.LOG_LEVEL: is also set in serving.env; a variable comes from one place`],
  ])('refuses %s, naming the field and the rule', (_what, lines, message) => {
    expect(refuse(withSecretEnv(lines))).toContain(message);
  });

  it('refuses a contract name in retraining.secretEnv, whose value is modelship\'s', () => {
    const t = `${text.replace(/\nversions:/, '\nretraining:\n  schedule: "0 3 * * 1"\n  image: registry.example.com/train/x:1.0.0\n  secretEnv:\n    MODELSHIP_NEXT_VERSION: { secret: db, key: k }\nversions:')}`;
    expect(refuse(t)).toContain(`${F}: retraining.secretEnv.MODELSHIP_NEXT_VERSION: MODELSHIP_NEXT_VERSION is set by modelship itself (the environment contract MODELSHIP_*, TMPDIR); choose another name`);
    // TMPDIR points at the pod's writable scratch: its root file system is read-only.
    expect(refuse(t.replace('MODELSHIP_NEXT_VERSION:', 'TMPDIR:'))).toContain(`${F}: retraining.secretEnv.TMPDIR: TMPDIR is set by modelship itself`);
    expect(refuse(withSecretEnv('    TMPDIR: { secret: db, key: k }\n'))).toContain(`${F}: serving.secretEnv.TMPDIR: TMPDIR is set by modelship itself`);
  });
});

describe('a version\'s origin', () => {
  it('is refused when edited by hand into something bump would not write, naming the version', () => {
    const t = text.replace(/(  - version: 1\.0\.0\n)/, '$1    origin: { Commit: abc }\n');
    expect(t).not.toBe(text);
    expect(refuse(t)).toContain(`${F}: versions[0].origin: "Commit" must start with a lower-case letter`);
  });
});

describe('ServiceAccount names', () => {
  it('are DNS-1123 subdomains', () => {
    const t = text.replace('    namespace: ml-serving\n', '    namespace: ml-serving\n    serviceAccountName: Fare_API\n');
    expect(t).not.toBe(text);
    expect(refuse(t)).toContain(`${F}: deploy.kubernetes.serviceAccountName: must be a DNS-1123 subdomain, not "Fare_API"`);
  });
});
