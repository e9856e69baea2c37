/**
 * The model's narration: a bounded ring of sentences, one per thing that happened in a
 * mechanism ("t2: check: sem_post, futex_wake wakes t1"), each with its instant and the thread it
 * is about. Off by default: the mechanisms write only when it is on (`engine.journal !== null`),
 * so a run that nobody reads pays one comparison per place. The dashboard's event log, its
 * narrated step and the exact event-trace tests read it.
 */
export class Journal {
  private readonly times: Float64Array;
  private readonly threads: Int32Array;
  private readonly texts: string[];
  /** Entries ever written (the next entry's sequence number). */
  written = 0;

  constructor(readonly capacity: number) {
    this.times = new Float64Array(capacity);
    this.threads = new Int32Array(capacity);
    this.texts = new Array<string>(capacity).fill('');
  }

  /** Writes a sentence about `thread` (-1: about no thread) at `time`. */
  say(time: number, thread: number, text: string): void {
    const i = this.written % this.capacity;
    this.times[i] = time;
    this.threads[i] = thread;
    this.texts[i] = text;
    this.written++;
  }

  /** Sequence number of the oldest entry still held. */
  get oldest(): number {
    return Math.max(0, this.written - this.capacity);
  }

  /** Calls `fn` for every entry from sequence number `since` (clamped to what is still held). */
  forEachSince(since: number, fn: (atNs: number, thread: number, text: string) => void): void {
    for (let s = Math.max(since, this.oldest); s < this.written; s++) {
      const i = s % this.capacity;
      fn(this.times[i], this.threads[i], this.texts[i]);
    }
  }
}
