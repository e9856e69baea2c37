/**
 * Holds Ctrl+C, SIGTERM and SIGHUP from the first line gil-top runs until a recording has its
 * file and its handlers (`installFinalizers` releases them): a signal in the first milliseconds
 * of `--record` then ends a file that exists with its header, instead of a process that never
 * wrote it. Imports nothing, so that the entry point can call it before loading the rest.
 */
const held: NodeJS.Signals[] = [];
const remember = (s: NodeJS.Signals) => {
  held.push(s);
};
const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let holding = false;

/** Starts holding the signals (each is remembered, none ends the process). */
export function holdSignals(): void {
  if (holding) return;
  holding = true;
  for (const s of signals) process.on(s, remember);
}

/** Stops holding; returns the first signal that came meanwhile, if any. */
export function releaseSignals(): NodeJS.Signals | null {
  if (!holding) return null;
  holding = false;
  for (const s of signals) process.off(s, remember);
  return held.shift() ?? null;
}

/** Exit status of a process ended by `signal` (128 + its number). */
export const signalExitCodes: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
