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
export class TraceBuffer {
  private readonly times: Float64Array;
  private readonly threads: Int32Array;
  private readonly views: Uint8Array;
  /** Entries ever written (the next entry's sequence number). */
  written = 0;

  constructor(readonly capacity: number) {
    this.times = new Float64Array(capacity);
    this.threads = new Int32Array(capacity);
    this.views = new Uint8Array(capacity);
  }

  push(time: number, thread: number, view: ThreadView): void {
    const i = this.written % this.capacity;
    this.times[i] = time;
    this.threads[i] = thread;
    this.views[i] = view;
    this.written++;
  }

  /** Sequence number of the oldest entry still held. */
  get oldest(): number {
    return Math.max(0, this.written - this.capacity);
  }

  /** Calls `fn` for every entry from sequence number `since` (clamped to what is still held). */
  forEachSince(since: number, fn: (time: number, thread: number, view: ThreadView) => void): void {
    for (let s = Math.max(since, this.oldest); s < this.written; s++) {
      const i = s % this.capacity;
      fn(this.times[i], this.threads[i], this.views[i] as ThreadView);
    }
  }
}
