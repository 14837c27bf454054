import * as fs from 'node:fs';
import { types } from 'node:util';
import { InputError, IoError } from '../core/errors';

/**
 * An Error from any realm: node's own fs errors are not `instanceof` the
 * Error of a vm context (jest runs the CLI in one), yet they are the same errors.
 */
function isError(e: unknown): e is Error {
  return e instanceof Error || types.isNativeError(e);
}

const WHY: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a parent of it is not a directory',
  EROFS: 'the file system is read-only',
  ENOENT: 'does not exist',
  ELOOP: 'too many levels of symlinks',
  ENAMETOOLONG: 'the name is too long',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  EMFILE: 'too many open files',
};

/** Codes that mean the machine failed, not the user's input: exit 74, not 2. */
const IO_FAILURES = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EFBIG', 'EMFILE', 'ENFILE']);

/** An error from a system call (it carries `code` and `syscall`), or one of ours shaped like it. */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  if (!isError(e)) return false;
  const { code, syscall } = e as NodeJS.ErrnoException;
  return typeof code === 'string' && (typeof syscall === 'string' || IO_FAILURES.has(code));
}

/**
 * Turns a failed system call into the one-line error the CLI prints:
 * `<file>: <what>: cannot <syscall>: <why> (<CODE>)`. Permissions, read-only
 * and wrong-kind paths are the user's to fix (exit 2); a full disk or an I/O
 * error is the machine's (exit 74).
 */
export function fileProblem(e: unknown, file?: string, what?: string): Error {
  if (!isError(e) || typeof (e as NodeJS.ErrnoException).code !== 'string') return e as Error;
  const err = e as NodeJS.ErrnoException;
  const code = err.code as string;
  const where = file ?? err.path ?? '(unknown file)';
  // ENOTDIR is a parent that is a file, or the path itself when it was to be read as a directory.
  const why = code === 'ENOTDIR' && isFileItself(err.path ?? file) ? 'it is a file, not a directory'
    : WHY[code] ?? err.message.replace(/^[A-Z]+: /, '').split(',')[0];
  const message = `${where}: ${what ? `${what}: ` : ''}cannot ${err.syscall ?? 'write'}: ${why} (${code})`;
  return IO_FAILURES.has(code) ? new IoError(message) : new InputError(message);
}

function isFileItself(p: string | undefined): boolean {
  try {
    return p !== undefined && !fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
