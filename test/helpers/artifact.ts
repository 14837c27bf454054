import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A small but real artifact tree: weights, a nested config, names with spaces. */
export function makeArtifact(root: string, seed = 'a'): string {
  fs.mkdirSync(path.join(root, 'weights'), { recursive: true });
  fs.mkdirSync(path.join(root, 'conf dir', 'nested'), { recursive: true });
  fs.writeFileSync(path.join(root, 'weights', 'model.bin'), crypto.createHash('sha512').update(seed).digest().toString('hex').repeat(3000));
  fs.writeFileSync(path.join(root, 'conf dir', 'nested', 'config file.json'), JSON.stringify({ seed, threshold: 0.5 }));
  fs.writeFileSync(path.join(root, 'README'), `model ${seed}\n`);
  fs.writeFileSync(path.join(root, 'Zeta'), 'upper case sorts first in C locale\n');
  return root;
}

/** The digest as DESIGN.md defines it, computed by the shell tools themselves. */
export function shellTreeDigest(root: string): string {
  const out = execFileSync('sh', ['-c', 'cd "$1" && find . -type f | LC_ALL=C sort | while IFS= read -r f; do sha256sum "$f"; done | sha256sum', 'sh', root], { encoding: 'utf8' });
  return `sha256:${out.split(' ')[0]}`;
}
