/**
 * Request latencies of one client, with percentiles that cost the same at every request however
 * long the run: exact (nearest rank) while the samples fit in memory, then a log-scale histogram
 * (64 buckets per power of two, under 1.1% error) so that a session of hours does not grow memory
 * without bound. Min, max, count and sum stay exact.
 *
 * Exact percentiles are kept by one `RankTracker` per quantile asked for (two heaps split at the
 * rank), created at the first question and updated at every record: O(log n) per request and
 * O(1) per question, where sorting a copy at every question cost O(n log n) per sample of a
 * recording (issue 14: a recorded hour took 700 times as long as the run). The histogram keeps
 * its buckets in a Fenwick tree: O(log buckets) to record and to answer.
 */
export class LatencyRecorder {
  private static readonly exactLimit = 1 << 17;
  private static readonly perOctave = 64;
  private static readonly bucketCount = 64 * LatencyRecorder.perOctave;
  /** Every sample while exact (null once past `exactLimit`). */
  private exact: Float64Array | null = new Float64Array(1024);
  /** Exact trackers by quantile, while exact. */
  private readonly trackers = new Map<number, RankTracker>();
  /** Histogram of every sample, as a Fenwick tree (index i+1 holds bucket i's partial sums). */
  private readonly tree = new Float64Array(LatencyRecorder.bucketCount + 1);
  count = 0;
  sum = 0;
  min = Infinity;
  max = 0;
  /** The most recent sample, ns (NaN before the first). */
  last = NaN;

  record(ns: number): void {
    if (this.exact !== null) {
      if (this.count === this.exact.length) {
        if (this.count >= LatencyRecorder.exactLimit) {
          this.exact = null;
          this.trackers.clear();
        } else {
          const grown = new Float64Array(this.exact.length * 2);
          grown.set(this.exact);
          this.exact = grown;
        }
      }
      if (this.exact !== null) {
        this.exact[this.count] = ns;
        for (const t of this.trackers.values()) t.add(ns, this.count + 1);
      }
    }
    for (let i = LatencyRecorder.bucketOf(ns) + 1; i < this.tree.length; i += i & -i) this.tree[i]++;
    this.count++;
    this.sum += ns;
    this.last = ns;
    if (ns < this.min) this.min = ns;
    if (ns > this.max) this.max = ns;
  }

  /** The q-quantile (0 < q <= 1), nearest-rank; NaN with no samples. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    if (this.exact !== null) {
      let t = this.trackers.get(q);
      if (t === undefined) {
        t = new RankTracker(q);
        for (let i = 0; i < this.count; i++) t.add(this.exact[i], i + 1);
        this.trackers.set(q, t);
      }
      return t.value();
    }
    // The first bucket whose running count reaches the rank: descend the tree from its top bit.
    let pos = 0;
    let left = rank;
    for (let step = 1 << Math.floor(Math.log2(this.tree.length - 1)); step > 0; step >>= 1) {
      const next = pos + step;
      if (next < this.tree.length && this.tree[next] < left) {
        pos = next;
        left -= this.tree[next];
      }
    }
    if (pos >= LatencyRecorder.bucketCount) return this.max;
    return Math.min(this.max, Math.max(this.min, Math.round(2 ** ((pos + 1) / LatencyRecorder.perOctave))));
  }

  private static bucketOf(ns: number): number {
    if (ns < 1) return 0;
    return Math.min(LatencyRecorder.bucketCount - 1, Math.floor(Math.log2(ns) * LatencyRecorder.perOctave));
  }
}

/**
 * The nearest-rank q-quantile of a growing multiset: a max-heap of the `rank` smallest values and
 * a min-heap of the rest, so the answer is the top of the first.
 */
class RankTracker {
  private readonly low = new Heap(true);
  private readonly high = new Heap(false);

  constructor(private readonly q: number) {}

  /** Adds `x`, the `count`-th value. */
  add(x: number, count: number): void {
    if (this.low.size > 0 && x <= this.low.top()) this.low.push(x);
    else this.high.push(x);
    const rank = Math.max(1, Math.ceil(this.q * count));
    while (this.low.size > rank) this.high.push(this.low.pop());
    while (this.low.size < rank && this.high.size > 0) this.low.push(this.high.pop());
  }

  value(): number {
    return this.low.top();
  }
}

/** A binary heap of numbers in a growable typed array (max-heap or min-heap). */
class Heap {
  private a = new Float64Array(64);
  size = 0;

  constructor(private readonly max: boolean) {}

  top(): number {
    return this.a[0];
  }

  /** Whether `x` belongs above `y`. */
  private above(x: number, y: number): boolean {
    return this.max ? x > y : x < y;
  }

  push(x: number): void {
    if (this.size === this.a.length) {
      const grown = new Float64Array(this.a.length * 2);
      grown.set(this.a);
      this.a = grown;
    }
    const a = this.a;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.above(x, a[parent])) break;
      a[i] = a[parent];
      i = parent;
    }
    a[i] = x;
  }

  pop(): number {
    const a = this.a;
    const top = a[0];
    const x = a[--this.size];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.above(a[child + 1], a[child])) child++;
      if (!this.above(a[child], x)) break;
      a[i] = a[child];
      i = child;
    }
    a[i] = x;
    return top;
  }
}
