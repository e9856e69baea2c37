/**
 * What must happen before gil-top prints its last line and exits on an error or a signal: the
 * dashboard leaves the alternate screen and shows the cursor first, so that the line is seen.
 */
const cleanups = new Set<() => void>();

/** Registers `fn`; returns a function that removes it. */
export function addExitCleanup(fn: () => void): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Runs every registered cleanup once (errors in one do not stop the others). */
export function runExitCleanups(): void {
  for (const fn of [...cleanups]) {
    cleanups.delete(fn);
    try {
      fn();
    } catch {
      // The process is on its way out; the next cleanup still runs.
    }
  }
}
