/**
 * Request latencies of one client: exact percentiles while the samples fit in memory, then a
 * log-scale histogram (64 buckets per power of two, under 1.1% error) so that a session of
 * hours does not grow memory without bound. Min, max, count and sum stay exact.
 */
export class LatencyRecorder {
  private static readonly exactLimit = 1 << 17;
  private static readonly perOctave = 64;
  private exact: Float64Array | null = new Float64Array(1024);
  private readonly buckets = new Float64Array(64 * LatencyRecorder.perOctave);
  count = 0;
  sum = 0;
  min = Infinity;
  max = 0;
  /** The most recent sample, ns (NaN before the first). */
  last = NaN;

  record(ns: number): void {
    if (this.exact !== null) {
      if (this.count === this.exact.length) {
        if (this.count >= LatencyRecorder.exactLimit) this.exact = null;
        else {
          const grown = new Float64Array(this.exact.length * 2);
          grown.set(this.exact);
          this.exact = grown;
        }
      }
      if (this.exact !== null) this.exact[this.count] = ns;
    }
    this.buckets[LatencyRecorder.bucketOf(ns)]++;
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
      const sorted = this.exact.slice(0, this.count).sort();
      return sorted[rank - 1];
    }
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i];
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, Math.round(2 ** ((i + 1) / LatencyRecorder.perOctave))));
    }
    return this.max;
  }

  private static bucketOf(ns: number): number {
    if (ns < 1) return 0;
    return Math.min(64 * LatencyRecorder.perOctave - 1, Math.floor(Math.log2(ns) * LatencyRecorder.perOctave));
  }
}
