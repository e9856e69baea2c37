import { InputError, OutputError } from '../config/input-error.js';
import { oneLine } from '../config/read-input.js';
import { releaseSignals, signalExitCodes } from '../session/signal-hold.js';
import { commandHandlers } from './commands/index.js';
import { helpText, parseCommandLine } from './options.js';
import { packageVersion } from '../version.js';

/**
 * Parses the command line once and dispatches; returns the exit status: 0 done, 1 a replay that
 * does not verify or an output that could not be written, 2 bad input, 3 stopped by --max-wall.
 * gil-top's own errors end in one line on stderr (control characters shown as escapes).
 */
export async function runCli(argv: string[]): Promise<number> {
  let code: number;
  try {
    const parsed = parseCommandLine(argv);
    if (parsed.values.help) {
      process.stdout.write(helpText() + '\n');
      code = 0;
    } else if (parsed.values.version) {
      process.stdout.write(packageVersion() + '\n');
      code = 0;
    } else code = await commandHandlers[parsed.command](parsed);
  } catch (e) {
    if (e instanceof InputError || e instanceof OutputError) {
      process.stderr.write(`gil-top: ${oneLine(e.message)}\n`);
      code = e instanceof InputError ? 2 : 1;
    } else throw e;
  }
  // A signal held for a recording that never started ends the process as the signal would have.
  const held = releaseSignals();
  return held !== null ? (signalExitCodes[held] ?? 1) : code;
}
