/**
 * Bad input from the user (a preset, a profile, a session file, a command-line value): its
 * message is one line saying what, where and why. The command line prints it and exits with 2.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
}
