import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../src/core/errors';
import { bump } from '../../src/core/lifecycle';
import { ModelStore } from '../../src/registry/model-store';
import { parseRecordText } from '../../src/registry/record-document';
import { EXAMPLE_MODELS, exampleModelsDir } from '../helpers/cli';

const text = fs.readFileSync(path.join(EXAMPLE_MODELS, 'taxi-fare.yaml'), 'utf8');

function refuse(t: string): string {
  try {
    parseRecordText(t, 'models/taxi-fare.yaml', 'taxi-fare');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('accepted');
}

describe('record parsing', () => {
  it('loads the shipped examples', () => {
    const store = new ModelStore(EXAMPLE_MODELS);
    expect(store.names()).toEqual(['fraud-detector', 'taxi-fare']);
    for (const r of store.loadAll()) expect(r.versions.length).toBeGreaterThan(0);
  });

  it('names file, field path and rule', () => {
    expect(refuse(text.replace('version: 1.2.0-rc.1', 'version: 1.5'))).toBe('models/taxi-fare.yaml: versions[3].version: "1.5" is not a semver version');
    expect(refuse(text.replace('port: 8080', 'port: http'))).toBe('models/taxi-fare.yaml: serving.port: must be a number, not "http"');
    expect(refuse(text.replace('strategy: rolling', 'strategy: canary'))).toMatch(/deploy\.strategy: must be one of rolling, blue-green/);
    expect(refuse(text.replace('  image: registry.example.com/models/taxi-fare\n', ''))).toBe('models/taxi-fare.yaml: artifact.image: is required');
    expect(refuse(text.replace('gates:', 'gatez: 1\ngates:'))).toBe('models/taxi-fare.yaml: gatez: unknown field');
    expect(refuse(text.replace('name: taxi-fare', 'name: Bad_Name'))).toMatch(/name: "Bad_Name" is not a DNS-1123 label/);
    expect(refuse(text.replace('name: taxi-fare', 'name: other'))).toMatch(/name: "other" must equal the file name "taxi-fare"/);
    expect(refuse(text.replace('stage: retired', 'stage: production'))).toMatch(/at most one version is in production/);
  });

  it('refuses text that is not YAML, naming the line', () => {
    expect(refuse('name: [unclosed\nfoo: }')).toMatch(/^models\/taxi-fare\.yaml: line \d+, column \d+: not valid YAML/);
    expect(refuse('- a\n- b\n')).toMatch(/must be a mapping of fields, not a list/);
  });

  it('keeps comments, key order and untouched entries when the CLI writes', () => {
    const dir = exampleModelsDir();
    const file = path.join(dir, 'taxi-fare.yaml');
    const before = fs.readFileSync(file, 'utf8');
    new ModelStore(dir).update('taxi-fare', (r) => bump(r, 'patch', { now: '2026-11-03T00:00:00Z' }));
    const after = fs.readFileSync(file, 'utf8');
    expect(after.startsWith(before.split('\nversions:')[0])).toBe(true);
    expect(after).toContain('# The fare API loads the model from MODEL_DIR at start-up (team: pricing-ml).');
    expect(after).toContain('replicas: 3 # peak traffic needs three');
    expect(after).toContain(before.split('\nversions:')[1].trimEnd());
    expect(after.trimEnd().endsWith('- version: 1.2.0\n    stage: candidate\n    createdAt: 2026-11-03T00:00:00Z')).toBe(true);
  });
});
