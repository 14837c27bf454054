import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { cliProcessAsync, initModel, tempDir } from '../helpers/cli';

describe('concurrent commands on one record', () => {
  it('16 parallel `bump x patch` give 16 distinct versions, a record that parses and 16 history lines', async () => {
    const dir = path.join(tempDir(), 'models');
    await initModel(dir, 'x', 'rolling');
    const results = await Promise.all(Array.from({ length: 16 }, () => cliProcessAsync(['bump', 'x', 'patch', '--models-dir', dir])));
    for (const r of results) expect(r).toMatchObject({ code: 0, stderr: '' });
    const printed = results.map((r) => r.stdout.trim()).sort();
    expect(new Set(printed).size).toBe(16);
    const record = parse(fs.readFileSync(path.join(dir, 'x.yaml'), 'utf8'));
    const versions = record.versions.map((v: { version: string }) => v.version).sort();
    expect(versions).toEqual(printed);
    expect(versions).toEqual(Array.from({ length: 16 }, (_, i) => `0.0.${i + 1}`).sort());
    const bumps = fs.readFileSync(path.join(dir, 'x.history.jsonl'), 'utf8').split('\n').filter(Boolean)
      .map((l) => JSON.parse(l)).filter((e) => e.action === 'bump');
    expect(bumps).toHaveLength(16);
    expect(fs.readdirSync(dir).sort()).toEqual(['x.history.jsonl', 'x.yaml']);
  });

  it('8 commands racing to take over one dead owner\'s lock still serialize: 8 distinct versions', async () => {
    const dir = path.join(tempDir(), 'models');
    await initModel(dir, 'x', 'rolling');
    fs.writeFileSync(path.join(dir, 'x.yaml.lock'), JSON.stringify({ pid: 2 ** 22 + 99, host: require('node:os').hostname(), since: 'long ago' }));
    const results = await Promise.all(Array.from({ length: 8 }, () => cliProcessAsync(['bump', 'x', 'patch', '--models-dir', dir])));
    for (const r of results) expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(new Set(results.map((r) => r.stdout.trim())).size).toBe(8);
    const record = parse(fs.readFileSync(path.join(dir, 'x.yaml'), 'utf8'));
    expect(record.versions).toHaveLength(8);
    expect(fs.readdirSync(dir).sort()).toEqual(['x.history.jsonl', 'x.yaml']);
  });
});
