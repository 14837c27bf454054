import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../src/core/errors';
import { expire } from '../../src/core/expiry';
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
    // Valid semver, but the version becomes an image tag and a label value, which hold no `+`.
    expect(refuse(text.replace('version: 1.2.0-rc.1', 'version: 1.2.0-rc.1+build.7'))).toBe('models/taxi-fare.yaml: versions[3].version: "1.2.0-rc.1+build.7" carries build metadata (+...), which an image tag and a label value cannot hold');
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

  it('drops an expired entry from the middle and leaves the others as they were', () => {
    const dir = exampleModelsDir();
    const file = path.join(dir, 'taxi-fare.yaml');
    const before = fs.readFileSync(file, 'utf8');
    new ModelStore(dir).update('taxi-fare', (r) => expire(r, [{ version: '1.2.0-rc.0', details: {} }]));
    const after = fs.readFileSync(file, 'utf8');
    const entries = (t: string) => t.split('\n  - ').slice(1);
    expect(entries(after)).toEqual(entries(before).filter((e) => !e.startsWith('version: 1.2.0-rc.0\n')));
    expect(after.split('\nversions:')[0]).toBe(before.split('\nversions:')[0]);
  });

  it('checks candidateImage and a version\'s pinned image', () => {
    const withRc = text.replace('  image: registry.example.com/models/taxi-fare\n', '  image: registry.example.com/models/taxi-fare\n  candidateImage: registry.example.com/models-rc/taxi-fare\n');
    const pinned = (ref: string) => withRc.replace('  - version: 1.1.0\n    stage: production\n', `  - version: 1.1.0\n    stage: production\n    image: ${ref}\n`);
    const d = 'sha256:' + 'a'.repeat(64);
    expect(() => parseRecordText(pinned(`registry.example.com/models-rc/taxi-fare:1.1.0@${d}`), 'models/taxi-fare.yaml', 'taxi-fare')).not.toThrow();
    expect(refuse(withRc.replace('models-rc/taxi-fare', 'Models RC'))).toMatch(/^models\/taxi-fare\.yaml: artifact\.candidateImage: must be an image repository without a tag/);
    expect(refuse(pinned('registry.example.com/models/taxi-fare:1.1.0'))).toMatch(/versions\[1\]\.image: must be a pinned image reference, repository:version@sha256:<64 hex digits>, not "registry/);
    expect(refuse(pinned(`registry.example.com/models/taxi-fare:1.0.0@${d}`))).toBe('models/taxi-fare.yaml: versions[1].image: is tagged 1.0.0, not the version 1.1.0');
    expect(refuse(pinned(`registry.example.com/other/taxi-fare:1.1.0@${d}`))).toBe(
      'models/taxi-fare.yaml: versions[1].image: repository registry.example.com/other/taxi-fare is neither artifact.image nor artifact.candidateImage',
    );
  });
});
