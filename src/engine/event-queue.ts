/**
 * A binary min-heap of events ordered by (time, sequence), kept in flat typed arrays so that the
 * hot loop allocates nothing per event (the shape of SimPy's `Environment._queue`, without
 * objects). Ties in time break by insertion order, which makes every run a function of its
 * inputs.
 *
 * An event is three integers: its `kind` (what happens), its `target` (which core, task or
 * connection) and a `token` the owner checks when it fires. Events that belong to something
 * with at most one pending event of their sort (a task's burst end, its timer, a core's tick)
 * carry a `key`: scheduling with a key moves that event instead of adding another, and
 * `cancel(key)` removes it, so a burst re-planned a million times leaves no trail of dead events
 * in the heap.
 */
export class EventQueue {
  private times: Float64Array;
  private seqs: Float64Array;
  private kinds: Int32Array;
  private targets: Int32Array;
  private tokens: Int32Array;
  /** Key of the event in each heap slot (-1: none). */
  private keys: Int32Array;
  /** Heap slot of each key's pending event (-1: none pending). */
  private pos: Int32Array = new Int32Array(64).fill(-1);
  private n = 0;
  private nextSeq = 0;
  private nextKey = 0;

  constructor(capacity = 1024) {
    this.times = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.kinds = new Int32Array(capacity);
    this.targets = new Int32Array(capacity);
    this.tokens = new Int32Array(capacity);
    this.keys = new Int32Array(capacity);
  }

  /** A fresh key, for something that has at most one pending event of a sort. */
  newKey(): number {
    const k = this.nextKey++;
    if (k >= this.pos.length) {
      const grown = new Int32Array(this.pos.length * 2).fill(-1);
      grown.set(this.pos);
      this.pos = grown;
    }
    return k;
  }

  /** Number of events waiting. */
  get size(): number {
    return this.n;
  }

  /** Time of the earliest event; `Infinity` when the queue is empty. */
  peekTime(): number {
    return this.n === 0 ? Infinity : this.times[0];
  }

  /** Schedules an event; events at the same time fire in the order they were scheduled. */
  push(time: number, kind: number, target: number, token: number): void {
    this.insert(time, kind, target, token, -1);
  }

  /** Schedules the event of `key`, replacing the one pending for it, if any. */
  schedule(key: number, time: number, kind: number, target: number, token: number): void {
    const i = this.pos[key];
    if (i < 0) {
      this.insert(time, kind, target, token, key);
      return;
    }
    const old = this.times[i];
    this.times[i] = time;
    this.seqs[i] = this.nextSeq++;
    this.kinds[i] = kind;
    this.targets[i] = target;
    this.tokens[i] = token;
    // A later (or equal, with a newer sequence) key sinks; an earlier one rises.
    if (time < old) this.siftUp(i);
    else this.siftDown(i);
  }

  /** Removes the event pending for `key`, if any. */
  cancel(key: number): void {
    const i = this.pos[key];
    if (i < 0) return;
    this.pos[key] = -1;
    const last = --this.n;
    if (i === last) return;
    this.move(last, i);
    this.siftDown(i);
    this.siftUp(i);
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
    const k = this.keys[0];
    if (k >= 0) this.pos[k] = -1;
    const last = --this.n;
    if (last > 0) {
      this.move(last, 0);
      this.siftDown(0);
    }
    return true;
  }

  poppedTime = 0;
  poppedKind = 0;
  poppedTarget = 0;
  poppedToken = 0;

  private insert(time: number, kind: number, target: number, token: number, key: number): void {
    if (this.n === this.times.length) this.grow();
    const i = this.n++;
    this.times[i] = time;
    this.seqs[i] = this.nextSeq++;
    this.kinds[i] = kind;
    this.targets[i] = target;
    this.tokens[i] = token;
    this.keys[i] = key;
    if (key >= 0) this.pos[key] = i;
    this.siftUp(i);
  }

  /** Moves the entry at slot `i` up to its place (the hole method: one write per level). */
  private siftUp(i: number): void {
    const times = this.times;
    const seqs = this.seqs;
    const t = times[i];
    const s = seqs[i];
    const kind = this.kinds[i];
    const target = this.targets[i];
    const token = this.tokens[i];
    const key = this.keys[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      if (pt < t || (pt === t && seqs[p] < s)) break;
      this.move(p, i);
      i = p;
    }
    this.place(i, t, s, kind, target, token, key);
  }

  /** Moves the entry at slot `i` down to its place. */
  private siftDown(i: number): void {
    const times = this.times;
    const seqs = this.seqs;
    const n = this.n;
    const t = times[i];
    const s = seqs[i];
    const kind = this.kinds[i];
    const target = this.targets[i];
    const token = this.tokens[i];
    const key = this.keys[i];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n) {
        const tr = times[r];
        const tl = times[l];
        if (tr < tl || (tr === tl && seqs[r] < seqs[l])) c = r;
      }
      const tc = times[c];
      if (t < tc || (t === tc && s < seqs[c])) break;
      this.move(c, i);
      i = c;
    }
    this.place(i, t, s, kind, target, token, key);
  }

  private place(i: number, t: number, s: number, kind: number, target: number, token: number, key: number): void {
    this.times[i] = t;
    this.seqs[i] = s;
    this.kinds[i] = kind;
    this.targets[i] = target;
    this.tokens[i] = token;
    this.keys[i] = key;
    if (key >= 0) this.pos[key] = i;
  }

  /** Moves slot `from` into slot `to` (overwriting it). */
  private move(from: number, to: number): void {
    this.times[to] = this.times[from];
    this.seqs[to] = this.seqs[from];
    this.kinds[to] = this.kinds[from];
    this.targets[to] = this.targets[from];
    this.tokens[to] = this.tokens[from];
    const k = this.keys[from];
    this.keys[to] = k;
    if (k >= 0) this.pos[k] = to;
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
    this.keys = grow32(this.keys);
  }
}
