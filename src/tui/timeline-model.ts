
import { ThreadView } from '../model/index.js';
import type { TraceSource } from './trace-slice.js';
/** A column with no information (before the trace started, or a thread not yet seen). */
export const BLANK = 255;
const VIEWS = 8;

/**
 * Turns the engine's trace of state changes into Beazley-style strips: per thread, the last
 * `windowNs` of simulated time cut into `columns` buckets, each showing the state the thread
 * spent most of that bucket in, or a wake-up in vain if one happened there and it did not
 * mostly run. It reads the trace
 * incrementally (each entry once), so a frame costs what happened since the last one.
 */
export class TimelineModel {
  readonly bucketNs: number;
  private readonly acc: Float64Array;
  private readonly vain: Uint8Array;
  private readonly cur: Uint8Array;
  private readonly since: Float64Array;
  /** Highest bucket index started. */
  private head = -1;
  /** Next trace sequence number to read. */
  private seq: number;

  constructor(
    readonly threads: number,
    readonly windowNs: number,
    readonly columns: number,
    trace: TraceSource | null = null,
  ) {
    this.bucketNs = windowNs / columns;
    this.acc = new Float64Array(threads * columns * VIEWS);
    this.vain = new Uint8Array(threads * columns);
    this.cur = new Uint8Array(threads).fill(BLANK);
    this.since = new Float64Array(threads);
    this.seq = trace === null ? 0 : trace.oldest;
  }

  /** Reads the trace entries written since the last call. */
  consume(trace: TraceSource): void {
    trace.forEachSince(this.seq, (time, thread, view) => {
      if (thread >= this.threads) return;
      this.advance(Math.floor(time / this.bucketNs));
      if (view === ThreadView.Vain) {
        const b = Math.floor(time / this.bucketNs);
        if (b > this.head - this.columns) this.vain[thread * this.columns + (b % this.columns)] = 1;
        return;
      }
      this.span(thread, this.since[thread], time, this.cur[thread]);
      this.cur[thread] = view;
      this.since[thread] = time;
    });
    this.seq = trace.written;
  }

  /** Per thread, the view of each column from oldest to `nowNs` (BLANK, a ThreadView, or Vain). */
  rows(nowNs: number): Uint8Array[] {
    const last = Math.max(this.head, Math.floor(Math.max(0, nowNs - 1) / this.bucketNs));
    this.advance(last);
    const out: Uint8Array[] = [];
    const first = last - this.columns + 1;
    const open = new Float64Array(VIEWS);
    for (let t = 0; t < this.threads; t++) {
      const row = new Uint8Array(this.columns).fill(BLANK);
      for (let b = Math.max(0, first); b <= last; b++) {
        const slot = b % this.columns;
        const col = b - first;
        open.fill(0);
        const cv = this.cur[t];
        if (cv !== BLANK) {
          const from = Math.max(this.since[t], b * this.bucketNs);
          const to = Math.min(nowNs, (b + 1) * this.bucketNs);
          if (to > from) open[cv] = to - from;
        }
        let best = BLANK;
        let bestNs = 0;
        const base = (t * this.columns + slot) * VIEWS;
        for (let v = 0; v < VIEWS; v++) {
          const ns = this.acc[base + v] + open[v];
          if (ns > bestNs) {
            bestNs = ns;
            best = v;
          }
        }
        // A wake-up in vain shows unless the thread mostly ran there (then it is noise).
        row[col] = this.vain[t * this.columns + slot] && best !== ThreadView.Run ? ThreadView.Vain : best;
      }
      out.push(row);
    }
    return out;
  }

  /** Starts buckets up to `b`, clearing the slots they reuse. */
  private advance(b: number): void {
    if (b <= this.head) return;
    for (let k = Math.max(this.head + 1, b - this.columns + 1); k <= b; k++) {
      const slot = k % this.columns;
      for (let t = 0; t < this.threads; t++) {
        this.acc.fill(0, (t * this.columns + slot) * VIEWS, (t * this.columns + slot + 1) * VIEWS);
        this.vain[t * this.columns + slot] = 0;
      }
    }
    this.head = b;
  }

  /** Adds the time `thread` spent in `view` over [from, to) to the buckets still in the window. */
  private span(thread: number, from: number, to: number, view: number): void {
    if (view === BLANK || to <= from) return;
    const first = Math.max(Math.floor(from / this.bucketNs), this.head - this.columns + 1, 0);
    const last = Math.min(Math.floor((to - 1e-9) / this.bucketNs), this.head);
    for (let b = first; b <= last; b++) {
      const ns = Math.min(to, (b + 1) * this.bucketNs) - Math.max(from, b * this.bucketNs);
      if (ns > 0) this.acc[(thread * this.columns + (b % this.columns)) * VIEWS + view] += ns;
    }
  }
}
