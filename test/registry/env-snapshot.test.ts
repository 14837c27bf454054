import { parseDocument } from 'yaml';
import { withEnvSnapshot } from '../../src/registry/env-snapshot';

describe('withEnvSnapshot', () => {
  const real = process.env;
  afterEach(() => {
    process.env = real;
    delete process.env.MODELSHIP_SNAPSHOT_TEST;
  });

  it('stands in a plain copy with the same variables, and puts the real environment back', () => {
    process.env.MODELSHIP_SNAPSHOT_TEST = 'a $(b) ${c}';
    const seen = withEnvSnapshot(() => ({ env: process.env, value: process.env.MODELSHIP_SNAPSHOT_TEST, keys: Object.keys(process.env).sort() }));
    expect(seen.env).not.toBe(real);
    // A plain object: reading it does not cross into the C environment.
    expect(Object.getPrototypeOf(seen.env)).toBe(Object.prototype);
    expect(seen.value).toBe('a $(b) ${c}');
    expect(seen.keys).toEqual(Object.keys(real).sort());
    expect(process.env).toBe(real);
  });

  it('puts the real environment back when the read throws', () => {
    expect(() => withEnvSnapshot(() => {
      throw new Error('broken record');
    })).toThrow('broken record');
    expect(process.env).toBe(real);
  });

  it('yaml parses the same document inside it', () => {
    const text = 'name: churn\nversions: [{ version: 1.0.0, stage: production }]\nport: 0o17\n';
    expect(withEnvSnapshot(() => parseDocument(text, { uniqueKeys: true }).toJS())).toEqual(parseDocument(text, { uniqueKeys: true }).toJS());
  });
});
