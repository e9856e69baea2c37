import { ThreadView } from '../model/index.js';

/** What reads a trace: the engine's ring (TraceBuffer) or a slice of it handed to the screen. */
export interface TraceSource {
  /** Sequence number of the oldest entry held. */
  readonly oldest: number;
  /** Entries ever written (the next entry's sequence number). */
  readonly written: number;
  /** Calls `fn` for every entry from sequence number `since` (clamped to what is held). */
  forEachSince(since: number, fn: (time: number, thread: number, view: ThreadView) => void): void;
}

/** A column with no information (before the trace started, or a thread not yet seen). */
export const BLANK = 255;

/** Calls `fn` for each run of equal values in `row` (columns `from` up to `to`), left to right: what a drawing of a strip draws. */
export function forEachRun(row: Uint8Array, fn: (value: number, from: number, to: number) => void): void {
  for (let c = 0; c < row.length; ) {
    let e = c + 1;
    while (e < row.length && row[e] === row[c]) e++;
    fn(row[c], c, e);
    c = e;
  }
}
const VIEWS = 8;

/**
 * Turns the engine's trace of state changes into Beazley-style strips: per thread, the last
 * `windowNs` of simulated time cut into `columns` buckets, each showing the state the thread
 * spent most of that bucket in, or wake-ups in vain where most of its wake-ups there (leaving a
 * wait for the GIL) were in vain and it did not mostly run. A wake-up in vain is an instant, not
 * a state: marked wherever one happened, a battle's thousand a second would cover a zoomed-out
 * strip and hide what the threads did; the share holds at every zoom. It reads the trace
 * incrementally (each entry once), so a frame costs what happened since the last one.
 */
export class TimelineModel {
  readonly bucketNs: number;
  private readonly acc: Float64Array;
  /** Per thread and bucket: wake-ups in vain, and wake-ups (a wait for the GIL left). */
  private readonly vain: Uint32Array;
  private readonly wakes: Uint32Array;
  private readonly cur: Uint8Array;
  private readonly since: Float64Array;
  /** Highest bucket index started. */
  private head = -1;
  /** Next trace sequence number to read. */
  private seq: number;
  /** Per-frame work space of `rows` (kept between frames, so that a frame allocates nothing big). */
  private scratch = new Float64Array(0);

  constructor(
    readonly threads: number,
    readonly windowNs: number,
    readonly columns: number,
    trace: TraceSource | null = null,
  ) {
    this.bucketNs = windowNs / columns;
    this.acc = new Float64Array(threads * columns * VIEWS);
    this.vain = new Uint32Array(threads * columns);
    this.wakes = new Uint32Array(threads * columns);
    this.cur = new Uint8Array(threads).fill(BLANK);
    this.since = new Float64Array(threads);
    this.seq = trace === null ? 0 : trace.oldest;
  }

  /** Reads the trace entries written since the last call. */
  consume(trace: TraceSource): void {
    trace.forEachSince(this.seq, (time, thread, view) => {
      if (thread >= this.threads) return;
      const b = Math.floor(time / this.bucketNs);
      this.advance(b);
      const inWindow = b > this.head - this.columns;
      if (view === ThreadView.Vain) {
        if (inWindow) this.vain[thread * this.columns + (b % this.columns)]++;
        return;
      }
      if (inWindow && this.cur[thread] === ThreadView.Wait && view !== ThreadView.Wait) this.wakes[thread * this.columns + (b % this.columns)]++;
      this.span(thread, this.since[thread], time, this.cur[thread]);
      this.cur[thread] = view;
      this.since[thread] = time;
    });
    this.seq = trace.written;
  }

  /**
   * Per thread, the view of each column from oldest to `nowNs` (BLANK, a ThreadView, or
   * Vain). `gilGroups` gives, per thread, the GIL it runs under
   * (threads of one process under py2 or py3 share one; -1: none, as for actors or under
   * free-threaded): in a column where several threads of one group ran, only the one that ran
   * longest is drawn running (holding the GIL), the others in what they did most apart from
   * running, so that a zoomed-out strip never shows two GIL holders at once. `vainAsView` false:
   * never Vain, what the thread did most (see `vainRows`).
   */
  rows(nowNs: number, gilGroups: readonly number[] = [], vainAsView = true): Uint8Array[] {
    const { first, last } = this.shown(nowNs);
    const n = this.threads;
    // Time per thread, column and view: closed spans plus the open one up to now.
    if (this.scratch.length < n * this.columns * VIEWS) this.scratch = new Float64Array(n * this.columns * VIEWS);
    const ns = this.scratch;
    ns.fill(0, 0, n * this.columns * VIEWS);
    for (let t = 0; t < n; t++) {
      for (let b = Math.max(0, first); b <= last; b++) {
        const at = (t * this.columns + (b - first)) * VIEWS;
        const base = (t * this.columns + (b % this.columns)) * VIEWS;
        for (let v = 0; v < VIEWS; v++) ns[at + v] = this.acc[base + v];
        const cv = this.cur[t];
        if (cv !== BLANK) {
          const from = Math.max(this.since[t], b * this.bucketNs);
          const to = Math.min(nowNs, (b + 1) * this.bucketNs);
          if (to > from) ns[at + cv] += to - from;
        }
      }
    }
    // One holder per GIL and column: the thread of the group that ran longest there.
    const notHolder = new Uint8Array(n * this.columns);
    const holder = new Int32Array(this.columns);
    for (const g of new Set(gilGroups.slice(0, n).filter((x) => x >= 0))) {
      holder.fill(-1);
      for (let t = 0; t < n; t++) {
        if (gilGroups[t] !== g) continue;
        for (let c = 0; c < this.columns; c++) {
          const h = holder[c];
          if (ns[(t * this.columns + c) * VIEWS + ThreadView.Run] > (h < 0 ? 0 : ns[(h * this.columns + c) * VIEWS + ThreadView.Run])) holder[c] = t;
        }
      }
      for (let t = 0; t < n; t++) if (gilGroups[t] === g) for (let c = 0; c < this.columns; c++) notHolder[t * this.columns + c] = holder[c] !== t ? 1 : 0;
    }
    const out: Uint8Array[] = [];
    for (let t = 0; t < n; t++) {
      const row = new Uint8Array(this.columns).fill(BLANK);
      for (let b = Math.max(0, first); b <= last; b++) {
        const col = b - first;
        const at = (t * this.columns + col) * VIEWS;
        const noRun = notHolder[t * this.columns + col] === 1;
        let best = BLANK;
        let bestNs = 0;
        for (let v = 0; v < VIEWS; v++) {
          if (noRun && v === ThreadView.Run) continue;
          if (ns[at + v] > bestNs) {
            bestNs = ns[at + v];
            best = v;
          }
        }
        // Ran a little but another thread held the GIL longer, and did nothing else here: it was
        // on a core in GIL code (taking or giving back the lock) as far as this cell can tell.
        if (best === BLANK && noRun && ns[at + ThreadView.Run] > 0) best = ThreadView.Spin;
        // Wake-ups in vain show where most of the thread's wake-ups there were, unless it mostly
        // ran there (then they are noise).
        const k = t * this.columns + (b % this.columns);
        const vain = this.vain[k];
        row[col] = vainAsView && vain > 0 && 2 * vain >= this.wakes[k] && best !== ThreadView.Run ? ThreadView.Vain : best;
      }
      out.push(row);
    }
    return out;
  }

  /**
   * Per thread, 1 in each column (as `rows` orders them) where it was woken in vain, whatever it
   * did most there: for a drawing that marks those wake-ups on top of the state (`rows` with
   * `vainAsView` false) rather than in its place.
   */
  vainRows(nowNs: number): Uint8Array[] {
    const { first, last } = this.shown(nowNs);
    const out: Uint8Array[] = [];
    for (let t = 0; t < this.threads; t++) {
      const row = new Uint8Array(this.columns);
      for (let b = Math.max(0, first); b <= last; b++) row[b - first] = this.vain[t * this.columns + (b % this.columns)] > 0 ? 1 : 0;
      out.push(row);
    }
    return out;
  }

  /** The buckets shown at `nowNs`, oldest and newest (started up to the newest). */
  private shown(nowNs: number): { first: number; last: number } {
    const last = Math.max(this.head, Math.floor(Math.max(0, nowNs - 1) / this.bucketNs));
    this.advance(last);
    return { first: last - this.columns + 1, last };
  }

  /** Starts buckets up to `b`, clearing the slots they reuse. */
  private advance(b: number): void {
    if (b <= this.head) return;
    for (let k = Math.max(this.head + 1, b - this.columns + 1); k <= b; k++) {
      const slot = k % this.columns;
      for (let t = 0; t < this.threads; t++) {
        this.acc.fill(0, (t * this.columns + slot) * VIEWS, (t * this.columns + slot + 1) * VIEWS);
        this.vain[t * this.columns + slot] = 0;
        this.wakes[t * this.columns + slot] = 0;
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
