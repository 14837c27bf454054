import * as fs from 'node:fs';
import * as path from 'node:path';
import { StagedWrite, writeFilesAtomicConcurrently } from '../../src/registry/staged-write';
import { tempDir } from '../helpers/cli';

describe('writeFilesAtomicConcurrently', () => {
  it('writes every file in full, whatever the concurrency', async () => {
    const dir = tempDir();
    for (const concurrency of [1, 3, 64]) {
      const files = new Map(Array.from({ length: 50 }, (_, i) => [path.join(dir, `f${i}.txt`), `${concurrency}:${'x'.repeat(i * 1000)}`]));
      await writeFilesAtomicConcurrently(files, concurrency);
      for (const [file, text] of files) expect(fs.readFileSync(file, 'utf8')).toBe(text);
      expect(fs.readdirSync(dir)).toHaveLength(50);
    }
  });

  it('on a failed write changes no file and leaves no temp file', async () => {
    const dir = tempDir();
    const files = new Map(Array.from({ length: 40 }, (_, i) => [path.join(dir, `f${i}.txt`), `new ${i}`]));
    for (const file of files.keys()) fs.writeFileSync(file, 'old');
    // A file in a folder that does not exist: its temp file cannot be created, mid-way through the set.
    files.set(path.join(dir, 'missing', 'g.txt'), 'new');
    for (let i = 40; i < 80; i++) files.set(path.join(dir, `f${i}.txt`), `new ${i}`);
    await expect(writeFilesAtomicConcurrently(files, 4)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(fs.readdirSync(dir).sort()).toEqual([...Array.from({ length: 40 }, (_, i) => `f${i}.txt`)].sort());
    for (let i = 0; i < 40; i++) expect(fs.readFileSync(path.join(dir, `f${i}.txt`), 'utf8')).toBe('old');
  });
});

describe('StagedWrite', () => {
  /** Every entry under `dir`, temp files and folders included. */
  const entries = (dir: string) => fs.readdirSync(dir, { recursive: true }).map(String).sort();

  it('stages files as they come, changes nothing a reader sees until commit, then makes exactly the committed set visible', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'a.txt'), 'old a');
    const staged = new StagedWrite({ concurrency: 3, createFolders: true });
    const files = new Map<string, string>();
    for (let i = 0; i < 30; i++) {
      const file = path.join(dir, i % 2 ? 'odd' : 'even', `f${i}.txt`);
      files.set(file, `f${i}`);
      staged.stage(file, `f${i}`);
      // Files keep arriving while earlier ones are in flight, as synth's threads hand them over.
      if (i % 7 === 0) await new Promise((r) => setImmediate(r));
    }
    staged.stage(path.join(dir, 'a.txt'), 'new a');
    staged.stage(path.join(dir, 'dropped.txt'), 'not committed');
    await new Promise((r) => setTimeout(r, 20));
    // Only temp files so far: the old a.txt is untouched and no staged name exists yet.
    expect(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8')).toBe('old a');
    expect(entries(dir).filter((e) => !/(^|\/)\.[^/]*\.tmp-/.test(e))).toEqual(['a.txt', 'even', 'odd']);
    files.set(path.join(dir, 'a.txt'), 'new a');
    files.set(path.join(dir, 'late.txt'), 'committed without being staged');
    await staged.commit(files);
    for (const [file, text] of files) expect(fs.readFileSync(file, 'utf8')).toBe(text);
    expect(entries(dir)).toEqual(['a.txt', 'even', 'late.txt', 'odd', ...[...files.keys()].filter((f) => /\/(even|odd)\//.test(f)).map((f) => path.relative(dir, f))].sort());
  });

  it('abort removes every temp file and the folders it had to create, and keeps folders that were there', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'kept'));
    fs.writeFileSync(path.join(dir, 'kept', 'x.txt'), 'old');
    const staged = new StagedWrite({ createFolders: true });
    staged.stage(path.join(dir, 'kept', 'x.txt'), 'new');
    for (let i = 0; i < 20; i++) staged.stage(path.join(dir, 'out', 'kubernetes', `m${i}.k8s.yaml`), `m${i}`);
    staged.stage(path.join(dir, 'out', 'nomad', 'm.nomad.hcl'), 'job');
    await staged.abort();
    expect(entries(dir)).toEqual(['kept', path.join('kept', 'x.txt')]);
    expect(fs.readFileSync(path.join(dir, 'kept', 'x.txt'), 'utf8')).toBe('old');
  });

  it('a write that fails while staging fails the commit, which leaves every file as it was and no temp file', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'a.txt'), 'old');
    const staged = new StagedWrite({ concurrency: 2 });
    const files = new Map([[path.join(dir, 'a.txt'), 'new'], [path.join(dir, 'missing', 'b.txt'), 'b'], [path.join(dir, 'c.txt'), 'c']]);
    for (const [file, text] of files) staged.stage(file, text);
    await expect(staged.commit(files)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(entries(dir)).toEqual(['a.txt']);
    expect(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8')).toBe('old');
  });

  it('refuses to commit bytes other than those it staged', async () => {
    const dir = tempDir();
    const staged = new StagedWrite();
    staged.stage(path.join(dir, 'a.txt'), 'staged');
    await expect(staged.commit(new Map([[path.join(dir, 'a.txt'), 'other']]))).rejects.toThrow('staged');
    expect(entries(dir)).toEqual([]);
  });
});
