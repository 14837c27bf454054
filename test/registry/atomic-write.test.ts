import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFilesAtomicConcurrently } from '../../src/registry/atomic-write';
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
