import { TimedRing } from './ring.js';

/** How a thread looks on a timeline at an instant (Beazley's GIL plots, refined). */
export const ThreadView = {
  /** On a core, running Python (holding the GIL where there is one) or an actor's own work. */
  Run: 0,
  /** Runnable, waiting for a core. */
  Ready: 1,
  /** Asleep, waiting for the GIL. */
  Wait: 2,
  /** On a core in GIL code: trying to take it, or paying for a release (syscalls). */
  Spin: 3,
  /** Asleep in I/O or a sleep. */
  Io: 4,
  /** On a core inside an I/O system call. */
  Sys: 5,
  /** Not started. */
  New: 6,
  /** Finished. */
  Done: 7,
  /** Instant marker: woke up, failed to get the GIL, went back to sleep. */
  Vain: 8,
} as const;
export type ThreadView = (typeof ThreadView)[keyof typeof ThreadView];

/** Names of the views, for JSON and screens. */
export const threadViewNames = ['run', 'ready', 'wait', 'spin', 'io', 'sys', 'new', 'done', 'vain'] as const;
export type ThreadViewName = (typeof threadViewNames)[number];

/**
 * A bounded ring of (time, thread, view) changes, written by the engine when tracing is on: the
 * timeline strips and the Perfetto export read it. Old entries are overwritten, never grown.
 */
export class TraceBuffer extends TimedRing<ThreadView> {
  constructor(capacity: number) {
    // A byte per entry: every view fits.
    super(capacity, new Uint8Array(capacity) as { [i: number]: number } as { [i: number]: ThreadView });
  }
}
