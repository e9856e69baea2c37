import { ThreadView } from '../model/index.js';

import type { TraceSource } from '../session/timeline-model.js';

export type { TraceSource };

/**
 * Trace entries as they cross from the engine to the screen, in three typed arrays (copied or
 * transferred whole, never entry by entry). Numbered from 0 within the slice.
 */
export interface TraceSlice {
  times: Float64Array;
  threads: Int32Array;
  views: Uint8Array;
  length: number;
  /** The first slice of a run or a resend of everything held: the timeline starts afresh with it. */
  fresh: boolean;
}

/**
 * The engine's side: remembers what has been sent, and cuts each slice down to what a timeline
 * can still show. Entries older than the cut only matter for the state each thread was in when
 * the window began, so each thread's last one before the cut is kept (in time order) and the
 * rest dropped: flat out, a frame covers far more simulated time than the timeline shows, and
 * the screen then reads a few hundred entries instead of a hundred thousand. Threads past the
 * rows the screen has are dropped too: a thousand threads cost what fits on it.
 */
export class TraceCursor {
  private next = 0;
  private fresh = true;
  private preTime = new Float64Array(0);
  private preView = new Uint8Array(0);
  private preSeen = new Uint8Array(0);

  /** Sends everything still held again with the next slice (the screen rebuilds its timeline). */
  rewind(trace: TraceSource): void {
    this.next = trace.oldest;
    this.fresh = true;
  }

  /**
   * Entries written since the last call of threads below `threads`, without those before
   * `cutNs` except each thread's last.
   */
  take(trace: TraceSource, cutNs: number, threads: number): TraceSlice {
    if (this.preSeen.length < threads) {
      this.preTime = new Float64Array(threads);
      this.preView = new Uint8Array(threads);
      this.preSeen = new Uint8Array(threads);
    }
    const out = new SliceBuilder(Math.min(1024, Math.max(16, trace.written - this.next)));
    const { preTime, preView, preSeen } = this;
    const before: number[] = [];
    trace.forEachSince(this.next, (time, thread, view) => {
      if (thread >= threads) return;
      if (time >= cutNs) out.push(time, thread, view);
      else if (view !== ThreadView.Vain) {
        if (preSeen[thread] === 0) before.push(thread);
        preSeen[thread] = 1;
        preTime[thread] = time;
        preView[thread] = view;
      }
    });
    this.next = trace.written;
    let slice = out.done();
    if (before.length > 0) {
      before.sort((a, b) => preTime[a] - preTime[b] || a - b);
      const all = new SliceBuilder(before.length + slice.length);
      for (const t of before) {
        all.push(preTime[t], t, preView[t]);
        preSeen[t] = 0;
      }
      for (let i = 0; i < slice.length; i++) all.push(slice.times[i], slice.threads[i], slice.views[i]);
      slice = all.done();
    }
    slice.fresh = this.fresh;
    this.fresh = false;
    return slice;
  }
}

/** Collects entries into typed arrays that grow by doubling. */
class SliceBuilder {
  private times: Float64Array;
  private threads: Int32Array;
  private views: Uint8Array;
  private n = 0;

  constructor(capacity: number) {
    this.times = new Float64Array(capacity);
    this.threads = new Int32Array(capacity);
    this.views = new Uint8Array(capacity);
  }

  push(time: number, thread: number, view: number): void {
    if (this.n === this.times.length) {
      const grow = <T extends Float64Array | Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.times = grow(this.times, (n) => new Float64Array(n));
      this.threads = grow(this.threads, (n) => new Int32Array(n));
      this.views = grow(this.views, (n) => new Uint8Array(n));
    }
    this.times[this.n] = time;
    this.threads[this.n] = thread;
    this.views[this.n] = view;
    this.n++;
  }

  done(): TraceSlice {
    const n = this.n;
    return { times: this.times.subarray(0, n), threads: this.threads.subarray(0, n), views: this.views.subarray(0, n), length: n, fresh: false };
  }
}

/**
 * Feeds slices to a reader of trace sources (the timeline): each slice is numbered on from the
 * entries fed before, as if it were the continuation of one trace.
 */
export class SliceFeed implements TraceSource {
  private slice: TraceSlice | null = null;
  private base = 0;
  written = 0;

  get oldest(): number {
    return this.base;
  }

  /** Makes `slice` the entries this source holds, numbered after the last one fed. */
  load(slice: TraceSlice): this {
    this.base = this.written;
    this.slice = slice;
    this.written = this.base + slice.length;
    return this;
  }

  forEachSince(since: number, fn: (time: number, thread: number, view: ThreadView) => void): void {
    const s = this.slice;
    if (s === null) return;
    for (let i = Math.max(0, since - this.base); i < s.length; i++) fn(s.times[i], s.threads[i], s.views[i] as ThreadView);
  }
}
