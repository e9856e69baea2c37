/**
 * A binary min-heap of events ordered by (time, sequence), kept in flat typed arrays so that the
 * hot loop allocates nothing per event (the shape of SimPy's `Environment._queue`, without
 * objects). Ties in time break by insertion order, which makes every run a function of its
 * inputs.
 *
 * An event is two integers: its `kind` (which handler runs it) and its `target` (which core, task
 * or connection). Events live in slots; the heap orders slot numbers, so sifting moves one
 * integer per level. Something with at most one pending event of a sort (a task's burst end, its
 * timer, a core's tick) owns a slot for good, its `key`: scheduling it again moves that event,
 * `cancel(key)` removes it, so a burst re-planned a million times leaves no trail of dead
 * events. The key is the only guard a pending event has: an event that must not fire is
 * cancelled, never filtered when it fires. Other events take a slot from a free list.
 *
 * A few keys can be *hot* (`newKey(true)`, at most `maxHot`): their events stay out of the heap,
 * beside it, and `pop` takes the earlier of the heap's top and the earliest hot event by the same
 * (time, sequence) order. A two-thread GIL battle schedules almost nothing but its two threads'
 * burst ends, each moved a million times: kept hot, they cost a comparison instead of a sift.
 *
 * Keys made with `newFarKey` (timeouts) keep their events in a list in order, beside the heap:
 * a thousand threads in Python 3's timed waits keep a thousand timeouts pending, each due
 * milliseconds ahead and scheduled in about the order it falls due, so it finds its place a few
 * steps back from the end of the list, and the earliest leaves from its head, where in the heap
 * each would sift through every level, and so would every burst end scheduled before them. A
 * timeout whose place is more than `farScan` steps back goes in the heap instead. `pop` takes the
 * earliest of heap, list and hot events by the same order, so where an event waits never
 * changes the order events come out in, only what finding it costs.
 */
export class EventQueue {
  /** Slot numbers, heap-ordered. */
  private heap: Int32Array;
  /** Far keys' pending events (heap position `inFar`): a list in (time, sequence) order, linked through slots. */
  private farNext: Int32Array;
  private farPrev: Int32Array;
  private farHead = -1;
  private farTail = -1;
  private nFar = 0;
  /** Per slot: time, insertion sequence, kind, target, heap position (-1: not queued). */
  private times: Float64Array;
  private seqs: Float64Array;
  private kinds: Int32Array;
  private targets: Int32Array;
  private pos: Int32Array;
  /** Per slot: what it is (`Slot`): a one-off event's (freed once it fires) or a key's, and which sort of key. */
  private sorts: Uint8Array;
  /** Hot keys (their pending events have heap position `outside`, not in the heap). */
  private readonly hot: number[] = [];
  /** The hot key whose pending event is earliest, -1 when none is pending. */
  private hotFirst = -1;
  /** Pending hot events. */
  private hotPending = 0;
  /** One-off slots free for reuse. */
  private free: number[] = [];
  private slots = 0;
  private n = 0;
  private nextSeq = 0;

  /** Fields of the event `pop` removed last (out-fields keep the hot loop free of allocation). */
  poppedTime = 0;
  poppedKind = 0;
  poppedTarget = 0;

  constructor(capacity = 1024) {
    this.heap = new Int32Array(capacity);
    this.times = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.kinds = new Int32Array(capacity);
    this.targets = new Int32Array(capacity);
    this.pos = new Int32Array(capacity).fill(-1);
    this.sorts = new Uint8Array(capacity);
    this.farNext = new Int32Array(capacity);
    this.farPrev = new Int32Array(capacity);
  }

  /**
   * A fresh key, for something that has at most one pending event of a sort; `hot`: kept out of
   * the heap if fewer than `maxHot` keys are hot yet (for the few events rescheduled most).
   */
  newKey(hot = false): number {
    const k = this.newSlot();
    this.sorts[k] = Slot.Key;
    if (hot && this.hot.length < EventQueue.maxHot) {
      this.hot.push(k);
      this.sorts[k] = Slot.HotKey;
    }
    return k;
  }

  /** A fresh key whose events are due far ahead, in about the order they are scheduled (timeouts). */
  newFarKey(): number {
    const k = this.newKey();
    this.sorts[k] = Slot.FarKey;
    return k;
  }

  /** Most keys kept out of the heap: the earliest of them is found by a scan this long. */
  static readonly maxHot = 4;

  /** Most far events an insertion into the far list looks back over (past them: the heap). */
  static readonly farScan = 128;

  /** Number of events waiting. */
  get size(): number {
    return this.n + this.nFar + this.hotPending;
  }

  /** Time of the earliest event; `Infinity` when the queue is empty. */
  peekTime(): number {
    const s = this.firstKey();
    return s < 0 ? Infinity : this.times[s];
  }

  /** The key (or one-off slot) of the earliest pending event (heap top, earliest hot event or far list head, by time then sequence), -1 when the queue is empty. */
  firstKey(): number {
    let s = this.n > 0 ? this.heap[0] : -1;
    const h = this.hotFirst;
    if (h >= 0 && (s < 0 || this.before(h, s))) s = h;
    const f = this.farHead;
    if (f >= 0 && (s < 0 || this.before(f, s))) s = f;
    return s;
  }

  /** Time of the event pending for `key` (meaningful only while one is pending). */
  timeOf(key: number): number {
    return this.times[key];
  }

  /** Sequence number of the event pending for `key` (its place among events at the same instant). */
  seqOf(key: number): number {
    return this.seqs[key];
  }

  /** A sequence number for an event planned now and queued later (`scheduleAs`): it keeps its place among events at the same instant. */
  takeSeq(): number {
    return this.nextSeq++;
  }

  /** Whether the event of `key` is pending. */
  pending(key: number): boolean {
    return this.pos[key] !== -1;
  }

  /** Schedules a one-off event; events at the same time fire in the order they were scheduled. */
  push(time: number, kind: number, target: number): void {
    const slot = this.free.length > 0 ? this.free.pop()! : this.newSlot();
    this.set(slot, time, kind, target, this.nextSeq++);
    this.insert(slot);
  }

  /** Schedules the event of `key`, replacing the one pending for it, if any. */
  schedule(key: number, time: number, kind: number, target: number): void {
    this.scheduleAs(key, time, kind, target, this.nextSeq++);
  }

  /** `schedule`, the event taking sequence number `seq` (from `takeSeq` or `seqOf`) instead of a new one. */
  scheduleAs(key: number, time: number, kind: number, target: number, seq: number): void {
    const i = this.pos[key];
    const sort = this.sorts[key];
    if (sort === Slot.HotKey) {
      this.set(key, time, kind, target, seq);
      if (i === -1) {
        this.pos[key] = outside;
        this.hotPending++;
      }
      const f = this.hotFirst;
      if (f < 0 || (f !== key && this.before(key, f))) this.hotFirst = key;
      else if (f === key) this.findHotFirst();
      return;
    }
    if (sort === Slot.FarKey) {
      if (i !== -1) this.cancel(key);
      this.set(key, time, kind, target, seq);
      if (!this.linkFar(key)) this.insert(key);
      return;
    }
    const old = this.times[key];
    this.set(key, time, kind, target, seq);
    if (i < 0) this.insert(key);
    // A later (or equal, with a newer sequence) event sinks; an earlier one rises.
    else if (time < old) this.siftUp(i);
    else this.siftDown(i);
  }

  /** Removes the event pending for `key`, if any. */
  cancel(key: number): void {
    const i = this.pos[key];
    if (i === outside) {
      this.unlinkHot(key);
      return;
    }
    if (i === inFar) {
      this.unlinkFar(key);
      return;
    }
    if (i < 0) return;
    this.pos[key] = -1;
    const last = --this.n;
    if (i === last) return;
    const moved = this.heap[last];
    this.heap[i] = moved;
    this.pos[moved] = i;
    this.siftDown(i);
    this.siftUp(this.pos[moved]);
  }

  /**
   * Removes the earliest event if it is due at or before `until` and leaves its fields in
   * `popped*`; returns false when there is none (the queue is empty, or its earliest event is later).
   */
  pop(until = Infinity): boolean {
    const s = this.firstKey();
    if (s < 0 || this.times[s] > until) return false;
    this.take(s);
    const p = this.pos[s];
    if (p === outside) this.unlinkHot(s);
    else if (p === inFar) this.unlinkFar(s);
    else this.popHeapTop(s);
    return true;
  }

  /** Takes hot key `k`'s pending event off (it is beside the heap). */
  private unlinkHot(k: number): void {
    this.pos[k] = -1;
    this.hotPending--;
    if (this.hotFirst === k) this.findHotFirst();
  }

  /** Takes `slot`, the heap's top, off the heap (freeing a one-off event's slot). */
  private popHeapTop(slot: number): void {
    this.pos[slot] = -1;
    if (this.sorts[slot] === Slot.OneOff) this.free.push(slot);
    const last = --this.n;
    if (last > 0) {
      const moved = this.heap[last];
      this.heap[0] = moved;
      this.pos[moved] = 0;
      this.siftDown(0);
    }
  }

  /** Copies a slot's event into the `popped*` fields. */
  private take(slot: number): void {
    this.poppedTime = this.times[slot];
    this.poppedKind = this.kinds[slot];
    this.poppedTarget = this.targets[slot];
  }


  /** Whether the event of slot `a` comes before that of slot `b`. */
  private before(a: number, b: number): boolean {
    const ta = this.times[a];
    const tb = this.times[b];
    return ta < tb || (ta === tb && this.seqs[a] < this.seqs[b]);
  }

  /**
   * Puts far key `k` in its place in the far list, looking back from the latest at most
   * `farScan` events; false (and nothing done) when its place is further back: it goes in the
   * heap instead, so that no schedule costs more than that, in order or not.
   */
  private linkFar(k: number): boolean {
    let p = this.farTail;
    for (let steps = 0; p >= 0 && this.before(k, p); steps++) {
      if (steps === EventQueue.farScan) return false;
      p = this.farPrev[p];
    }
    const n = p >= 0 ? this.farNext[p] : this.farHead;
    this.farPrev[k] = p;
    this.farNext[k] = n;
    if (p >= 0) this.farNext[p] = k;
    else this.farHead = k;
    if (n >= 0) this.farPrev[n] = k;
    else this.farTail = k;
    this.pos[k] = inFar;
    this.nFar++;
    return true;
  }

  private unlinkFar(k: number): void {
    const p = this.farPrev[k];
    const n = this.farNext[k];
    if (p >= 0) this.farNext[p] = n;
    else this.farHead = n;
    if (n >= 0) this.farPrev[n] = p;
    else this.farTail = p;
    this.pos[k] = -1;
    this.nFar--;
  }

  /** Finds the earliest pending hot event again. */
  private findHotFirst(): void {
    const hot = this.hot;
    let best = -1;
    for (let i = 0; i < hot.length; i++) {
      const k = hot[i];
      if (this.pos[k] === outside && (best < 0 || this.before(k, best))) best = k;
    }
    this.hotFirst = best;
  }

  private set(slot: number, time: number, kind: number, target: number, seq: number): void {
    this.times[slot] = time;
    this.seqs[slot] = seq;
    this.kinds[slot] = kind;
    this.targets[slot] = target;
  }

  private insert(slot: number): void {
    if (this.n === this.heap.length) this.heap = grow32(this.heap, this.heap.length * 2, 0);
    const i = this.n++;
    this.heap[i] = slot;
    this.pos[slot] = i;
    this.siftUp(i);
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const times = this.times;
    const seqs = this.seqs;
    const slot = heap[i];
    const t = times[slot];
    const s = seqs[slot];
    while (i > 0) {
      const p = (i - 1) >> 1;
      const ps = heap[p];
      const pt = times[ps];
      if (pt < t || (pt === t && seqs[ps] < s)) break;
      heap[i] = ps;
      this.pos[ps] = i;
      i = p;
    }
    heap[i] = slot;
    this.pos[slot] = i;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const times = this.times;
    const seqs = this.seqs;
    const n = this.n;
    const slot = heap[i];
    const t = times[slot];
    const s = seqs[slot];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let c = l;
      let cs = heap[l];
      const r = l + 1;
      if (r < n) {
        const rs = heap[r];
        const tr = times[rs];
        const tl = times[cs];
        if (tr < tl || (tr === tl && seqs[rs] < seqs[cs])) {
          c = r;
          cs = rs;
        }
      }
      const tc = times[cs];
      if (t < tc || (t === tc && s < seqs[cs])) break;
      heap[i] = cs;
      this.pos[cs] = i;
      i = c;
    }
    heap[i] = slot;
    this.pos[slot] = i;
  }

  private newSlot(): number {
    const k = this.slots++;
    if (k === this.times.length) {
      const cap = this.times.length * 2;
      this.times = grow64(this.times, cap);
      this.seqs = grow64(this.seqs, cap);
      this.kinds = grow32(this.kinds, cap, 0);
      this.targets = grow32(this.targets, cap, 0);
      this.pos = grow32(this.pos, cap, -1);
      const sorts = new Uint8Array(cap);
      sorts.set(this.sorts);
      this.sorts = sorts;
      this.farNext = grow32(this.farNext, cap, 0);
      this.farPrev = grow32(this.farPrev, cap, 0);
    }
    return k;
  }
}

/** What a slot is. */
const Slot = {
  /** A one-off event's (`push`): freed once it fires. */
  OneOff: 0,
  /** A key's, its events in the heap. */
  Key: 1,
  /** A hot key's, its events beside the heap. */
  HotKey: 2,
  /** A far key's, its events in the far list (or the heap, past `farScan`). */
  FarKey: 3,
} as const;

/** Heap position of a pending hot event (it is kept outside the heap). */
const outside = -2;
/** Heap position of a pending far event (it is in the far list). */
const inFar = -3;

function grow64(a: Float64Array, cap: number): Float64Array {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}

function grow32(a: Int32Array, cap: number, fill: number): Int32Array {
  const b = new Int32Array(cap).fill(fill);
  b.set(a);
  return b;
}
