/**
 * A binary min-heap of events ordered by (time, sequence), kept in flat typed arrays so that the
 * hot loop allocates nothing per event (the shape of SimPy's `Environment._queue`, without
 * objects).
 *
 * An event is three integers: its `kind` (what happens), its `target` (which core, task or
 * timer it concerns) and a `token` that the owner compares with its own current token when the
 * event fires, so that a cancelled event (a burst that was preempted, a timed wait that was
 * woken early) is simply ignored instead of being searched for and removed from the heap.
 * Ties in time break by insertion order, which makes every run a function of its inputs.
 */
export class EventQueue {
  private times: Float64Array;
  private seqs: Float64Array;
  private kinds: Int32Array;
  private targets: Int32Array;
  private tokens: Int32Array;
  private n = 0;
  private nextSeq = 0;

  constructor(capacity = 1024) {
    this.times = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.kinds = new Int32Array(capacity);
    this.targets = new Int32Array(capacity);
    this.tokens = new Int32Array(capacity);
  }

  /** Number of events waiting. */
  get size(): number {
    return this.n;
  }

  /** Time of the earliest event; `Infinity` when the queue is empty. */
  peekTime(): number {
    return this.n === 0 ? Infinity : this.times[0];
  }

  /** Kind of the earliest event (valid only when `size > 0`). */
  peekKind(): number {
    return this.kinds[0];
  }

  /** Schedules an event; events at the same time fire in the order they were pushed. */
  push(time: number, kind: number, target: number, token: number): void {
    if (this.n === this.times.length) this.grow();
    let i = this.n++;
    const seq = this.nextSeq++;
    // Sift up.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = this.times[p];
      if (pt < time || (pt === time && this.seqs[p] < seq)) break;
      this.move(p, i);
      i = p;
    }
    this.times[i] = time;
    this.seqs[i] = seq;
    this.kinds[i] = kind;
    this.targets[i] = target;
    this.tokens[i] = token;
  }

  /**
   * Removes the earliest event and leaves its fields in `popped*`; returns false when empty.
   * (Out-fields rather than a returned object keep the hot loop free of allocation.)
   */
  pop(): boolean {
    if (this.n === 0) return false;
    this.poppedTime = this.times[0];
    this.poppedKind = this.kinds[0];
    this.poppedTarget = this.targets[0];
    this.poppedToken = this.tokens[0];
    const last = --this.n;
    if (last > 0) {
      const t = this.times[last];
      const s = this.seqs[last];
      const k = this.kinds[last];
      const g = this.targets[last];
      const o = this.tokens[last];
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= last) break;
        const r = l + 1;
        let c = l;
        if (r < last && (this.times[r] < this.times[l] || (this.times[r] === this.times[l] && this.seqs[r] < this.seqs[l]))) c = r;
        if (t < this.times[c] || (t === this.times[c] && s < this.seqs[c])) break;
        this.move(c, i);
        i = c;
      }
      this.times[i] = t;
      this.seqs[i] = s;
      this.kinds[i] = k;
      this.targets[i] = g;
      this.tokens[i] = o;
    }
    return true;
  }

  poppedTime = 0;
  poppedKind = 0;
  poppedTarget = 0;
  poppedToken = 0;

  private move(from: number, to: number): void {
    this.times[to] = this.times[from];
    this.seqs[to] = this.seqs[from];
    this.kinds[to] = this.kinds[from];
    this.targets[to] = this.targets[from];
    this.tokens[to] = this.tokens[from];
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const grow64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const grow32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.times = grow64(this.times);
    this.seqs = grow64(this.seqs);
    this.kinds = grow32(this.kinds);
    this.targets = grow32(this.targets);
    this.tokens = grow32(this.tokens);
  }
}
