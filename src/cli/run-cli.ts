import { InputError } from '../config/input-error.js';
import { commandHandlers } from './commands/index.js';
import { helpText, parseCommandLine } from './options.js';
import { packageVersion } from '../version.js';

/** Parses the command line once and dispatches; returns the exit status (2 for bad input). */
export async function runCli(argv: string[]): Promise<number> {
  try {
    const parsed = parseCommandLine(argv);
    if (parsed.values.help) {
      process.stdout.write(helpText() + '\n');
      return 0;
    }
    if (parsed.values.version) {
      process.stdout.write(packageVersion() + '\n');
      return 0;
    }
    return await commandHandlers[parsed.command](parsed);
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`gil-top: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
