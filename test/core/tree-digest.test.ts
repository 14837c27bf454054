import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../src/core/errors';
import { treeDigest } from '../../src/core/tree-digest';
import { makeArtifact, shellTreeDigest } from '../helpers/artifact';
import { tempDir } from '../helpers/cli';

describe('tree digest', () => {
  it('equals find | sort | sha256sum | sha256sum on the same tree', async () => {
    const root = makeArtifact(tempDir());
    const result = await treeDigest(root);
    expect(result.digest).toBe(shellTreeDigest(root));
    expect(result.files).toBe(4);
    const size = ['weights/model.bin', 'conf dir/nested/config file.json', 'README', 'Zeta']
      .reduce((n, f) => n + fs.statSync(path.join(root, f)).size, 0);
    expect(result.sizeBytes).toBe(size);
  });

  it('changes when one byte changes', async () => {
    const root = makeArtifact(tempDir());
    const before = (await treeDigest(root)).digest;
    const f = path.join(root, 'weights', 'model.bin');
    const buf = fs.readFileSync(f);
    buf[100] ^= 1;
    fs.writeFileSync(f, buf);
    expect((await treeDigest(root)).digest).not.toBe(before);
  });

  it.each([
    ['inside the tree (it could be retargeted after measuring)', 'weights/model.bin', 'latest.bin'],
    ['out of the tree', '/etc/passwd', 'escape'],
    ['to the root', '/', 'rootfs'],
  ])('refuses a symlink %s, as the init script does', async (_where, target, name) => {
    const root = makeArtifact(tempDir());
    fs.symlinkSync(target, path.join(root, name));
    await expect(treeDigest(root)).rejects.toThrow(new RegExp(`^--artifact: \\./${name} is a symlink \\(to ${target.replace(/\//g, '\\/')}\\)`));
  });

  it('leaves empty directories out, as find -type f does', async () => {
    const root = makeArtifact(tempDir());
    const before = (await treeDigest(root)).digest;
    fs.mkdirSync(path.join(root, 'empty', 'deeper'), { recursive: true });
    expect((await treeDigest(root)).digest).toBe(before);
    expect(shellTreeDigest(root)).toBe(before);
  });

  it('refuses a file name that is not valid UTF-8, as bad input', async () => {
    const root = makeArtifact(tempDir());
    fs.writeFileSync(Buffer.concat([Buffer.from(`${root}/bad-`), Buffer.from([0xff, 0xfe]), Buffer.from('.bin')]), 'x');
    await expect(treeDigest(root)).rejects.toThrow(InputError);
    await expect(treeDigest(root)).rejects.toThrow(/^--artifact: \.\/bad-.*\.bin: file name is not valid UTF-8; rename it$/);
  });

  it('refuses special files', async () => {
    const root = makeArtifact(tempDir());
    execFileSync('mkfifo', [path.join(root, 'pipe')]);
    await expect(treeDigest(root)).rejects.toThrow(/pipe is a special file/);
  });

  it('refuses a missing directory as bad input', async () => {
    await expect(treeDigest('/nonexistent/artifact')).rejects.toThrow(InputError);
  });

  it('reports progress up to the total', async () => {
    const root = makeArtifact(tempDir());
    const seen: number[] = [];
    const r = await treeDigest(root, { onProgress: (done) => seen.push(done) });
    expect(seen[seen.length - 1]).toBe(r.sizeBytes);
  });

  it('the size is the bytes hashed, one pass: a file that grows after the listing is counted as hashed', async () => {
    const root = path.join(tempDir(), 'art');
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, 'a.bin'), Buffer.alloc(1000, 1));
    fs.writeFileSync(path.join(root, 'b.bin'), Buffer.alloc(1000, 2));
    let grown = false;
    const r = await treeDigest(root, {
      onProgress: () => {
        // a.bin is being hashed; b.bin, listed at 1000 bytes, grows before its turn.
        if (!grown) fs.appendFileSync(path.join(root, 'b.bin'), Buffer.alloc(500, 3));
        grown = true;
      },
    });
    expect(r.sizeBytes).toBe(2500);
    expect(r.digest).toBe(shellTreeDigest(root));
  });
});
