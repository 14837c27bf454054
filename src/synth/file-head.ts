import * as fs from 'node:fs';

/**
 * The first `bytes` of a file as UTF-8, or undefined when it cannot be opened: a folder
 * of output may hold a thousand files whose header alone says what synth needs.
 */
export function readHead(file: string, bytes = 1024): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(bytes);
    return buf.subarray(0, fs.readSync(fd, buf, 0, bytes, 0)).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}
