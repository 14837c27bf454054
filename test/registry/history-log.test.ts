import * as fs from 'node:fs';
import * as path from 'node:path';
import { appendHistory, readHistory } from '../../src/registry/history-log';
import { cli, exampleModelsDir, snapshotDir, tempDir } from '../helpers/cli';

const event = (version: string) => ({ at: '2026-11-05T00:00:00Z', actor: 't', action: 'bump', version, from: null, to: 'candidate' as const, details: {} });

describe('history log', () => {
  it('a partial last line (a crash mid-append, a hand edit) does not swallow the next event', () => {
    const file = path.join(tempDir(), 'x.history.jsonl');
    fs.writeFileSync(file, `${JSON.stringify(event('1.0.0'))}\n{"at":"2026-11-05T00:0`);
    appendHistory(file, [event('1.0.1')]);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(JSON.parse(lines[2])).toMatchObject({ version: '1.0.1' });
    // The cut line stays visible as what it is, named by its line number.
    expect(() => readHistory(file)).toThrow(/x\.history\.jsonl: line 2: not a JSON object/);
  });

  it('a history path that is a directory fails with exit 2 before the record changes', async () => {
    const dir = exampleModelsDir();
    const history = path.join(dir, 'taxi-fare.history.jsonl');
    fs.rmSync(history);
    fs.mkdirSync(history);
    const before = snapshotDir(dir);
    const r = await cli(['bump', 'taxi-fare', 'patch', '--models-dir', dir]);
    expect(r.stderr).toBe(`modelship: ${history}: history: must be a regular file, not a directory\n`);
    expect(r.code).toBe(2);
    expect(snapshotDir(dir)).toEqual(before);
    expect(fs.readdirSync(dir).sort()).toEqual(Object.keys(before).concat('taxi-fare.history.jsonl').sort());
  });

  it('reads a history line by line: lines across its 1 MiB reads and multi-byte characters come back whole', () => {
    const file = path.join(tempDir(), 'big.history.jsonl');
    const events = Array.from({ length: 9000 }, (_, i) => ({ at: `2026-11-0${1 + (i % 9)}T00:00:00Z`, actor: 'ci', action: 'note', version: null, from: null, to: null, details: { reason: `é€😀 ${'x'.repeat(i % 300)} ${i}` } }));
    fs.writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    expect(fs.statSync(file).size).toBeGreaterThan(2 * (1 << 20));
    expect(readHistory(file)).toEqual(events);
    // A last line without its newline (cut by a crash) is still read as a line, and refused when it is not JSON.
    fs.appendFileSync(file, '{"at": "2026');
    expect(() => readHistory(file)).toThrow(`line ${events.length + 1}: not a JSON object`);
  });
});
