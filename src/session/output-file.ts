import { closeSync, constants, fstatSync, lstatSync, openSync, statSync, type Stats } from 'node:fs';
import { InputError } from '../config/input-error.js';
import { ioReason } from '../config/read-input.js';

/** What a path that gil-top will not write over is, for a message. */
function kindOf(s: Stats): string | null {
  if (s.isSymbolicLink()) return 'a symbolic link';
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return s.isFile() ? null : 'not a regular file';
}

/**
 * Checks that `file` may be written: it does not exist, or (with `force`) it is a regular file
 * that is none of `inputs` (the files the command reads). A symbolic link, a FIFO, a device or a
 * folder is never replaced, --force or not. Returns whether it exists. Throws one line.
 */
export function checkOutputPath(file: string, force: boolean, inputs: readonly string[] = []): boolean {
  let s: Stats;
  try {
    s = lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new InputError(`${file}: cannot be written (${ioReason(e)})`);
  }
  const kind = kindOf(s);
  if (kind === 'a folder') throw new InputError(`${file}: is a folder; give the name of a file to write`);
  if (kind !== null) throw new InputError(`${file}: is ${kind}; gil-top writes over regular files only`);
  if (!force) throw new InputError(`${file}: already exists (use --force to overwrite it)`);
  for (const input of inputs) {
    try {
      const i = statSync(input);
      if (i.ino === s.ino && i.dev === s.dev) throw new InputError(`${file}: is also an input of this command; write to another file`);
    } catch (e) {
      if (e instanceof InputError) throw e;
    }
  }
  return true;
}

/**
 * Opens `file` for writing under the rules of `checkOutputPath`: created new (never following a
 * symbolic link), or truncated with `force` if it is a regular file. Returns the descriptor.
 */
export function openOutputFile(file: string, force: boolean, inputs: readonly string[] = []): number {
  const exists = checkOutputPath(file, force, inputs);
  const base = constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK;
  let fd: number;
  try {
    fd = openSync(file, exists ? base | constants.O_TRUNC : base | constants.O_EXCL, 0o644);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new InputError(`${file}: already exists (use --force to overwrite it)`);
    if (code === 'ELOOP') throw new InputError(`${file}: is a symbolic link; gil-top writes over regular files only`);
    if (code === 'ENOENT') throw new InputError(`${file}: cannot be written (no such folder)`);
    throw new InputError(`${file}: cannot be written (${ioReason(e)})`);
  }
  // Something else may have appeared there between the check and the open.
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new InputError(`${file}: is not a regular file; gil-top writes over regular files only`);
  }
  return fd;
}
