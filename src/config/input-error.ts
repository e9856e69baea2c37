/**
 * Bad input from the user (a preset, a profile, a session file, a command-line value): its
 * message is one line saying what, where and why. The command line prints it and exits with 2.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/**
 * An output gil-top could not write (a full disk, a lost folder): one line saying which file and
 * why, and what was kept. The command line prints it and exits with status 1.
 */
export class OutputError extends Error {
  override readonly name = 'OutputError';
}
