/**
 * A bounded ring of (time, thread, value) entries: the newest `capacity` are kept, older ones
 * overwritten, never grown. Readers ask for what was written since a sequence number, so that
 * each reads every entry once however often it looks. The trace (thread views) and the journal
 * (sentences) are both such rings.
 */
export class TimedRing<V> {
  private readonly times: Float64Array;
  private readonly threads: Int32Array;
  /** Entries written so far. */
  private count = 0;
  /** Where the next entry goes: `count % capacity`, kept without dividing (a division an entry was a tenth of a traced run). */
  private head = 0;

  constructor(
    readonly capacity: number,
    /** Where the values are kept, `capacity` long. */
    private readonly values: { [i: number]: V },
  ) {
    this.times = new Float64Array(capacity);
    this.threads = new Int32Array(capacity);
  }

  /** Writes an entry about `thread` (-1: about no thread) at `time`. */
  push(time: number, thread: number, value: V): void {
    const i = this.head;
    this.times[i] = time;
    this.threads[i] = thread;
    this.values[i] = value;
    this.head = i + 1 === this.capacity ? 0 : i + 1;
    this.count++;
  }

  /** Entries ever written (the next entry's sequence number). */
  get written(): number {
    return this.count;
  }

  /** Sequence number of the oldest entry still held. */
  get oldest(): number {
    return Math.max(0, this.written - this.capacity);
  }

  /** Calls `fn` for every entry from sequence number `since` (clamped to what is still held). */
  forEachSince(since: number, fn: (time: number, thread: number, value: V) => void): void {
    for (let s = Math.max(since, this.oldest); s < this.written; s++) {
      const i = s % this.capacity;
      fn(this.times[i], this.threads[i], this.values[i]);
    }
  }
}
