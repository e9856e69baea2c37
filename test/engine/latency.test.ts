import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyRecorder } from '../../src/engine/latency.js';

/** Nearest-rank quantile of `xs` by sorting a copy: the definition the recorder must keep. */
function sortedQuantile(xs: number[], q: number): number {
  const s = Float64Array.from(xs).sort();
  return s[Math.max(1, Math.ceil(q * xs.length)) - 1];
}

/** The histogram answer by walking every bucket, as the recorder did before it kept a tree. */
function bucketWalk(xs: number[], q: number): number {
  const perOctave = 64;
  const buckets = new Float64Array(64 * perOctave);
  for (const x of xs) buckets[x < 1 ? 0 : Math.min(buckets.length - 1, Math.floor(Math.log2(x) * perOctave))]++;
  const rank = Math.max(1, Math.ceil(q * xs.length));
  const min = xs.reduce((a, b) => Math.min(a, b));
  const max = xs.reduce((a, b) => Math.max(a, b));
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i];
    if (seen >= rank) return Math.min(max, Math.max(min, Math.round(2 ** ((i + 1) / perOctave))));
  }
  return max;
}

describe('latency percentiles', () => {
  it('are the exact nearest-rank quantiles at every point of a run, asked or not in between', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50_000_000 }), { minLength: 1, maxLength: 400, size: 'max' }), fc.array(fc.nat(399), { maxLength: 400, size: 'max' }), (xs, askAt) => {
        const r = new LatencyRecorder();
        const asks = new Set(askAt);
        xs.forEach((x, i) => {
          r.record(x);
          if (asks.has(i)) {
            const seen = xs.slice(0, i + 1);
            expect(r.quantile(0.5)).toBe(sortedQuantile(seen, 0.5));
            expect(r.quantile(0.99)).toBe(sortedQuantile(seen, 0.99));
          }
        });
        for (const q of [0.5, 0.99, 0.9, 1, 0.001]) expect(r.quantile(q)).toBe(sortedQuantile(xs, q));
        expect(r.count).toBe(xs.length);
        expect(r.max).toBe(Math.max(...xs));
      }),
      { numRuns: 200 },
    );
  });

  it('past 131,072 samples come from the histogram, the same buckets as a full walk', () => {
    const r = new LatencyRecorder();
    const xs: number[] = [];
    let seed = 7;
    for (let i = 0; i < (1 << 17) + 5000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const x = 1000 + (seed % 9_000_000);
      xs.push(x);
      r.record(x);
      if (i === 1000) expect(r.quantile(0.5)).toBe(sortedQuantile(xs, 0.5));
    }
    for (const q of [0.5, 0.99, 0.999, 1]) expect(r.quantile(q)).toBe(bucketWalk(xs, q));
    // Within the histogram's error of the exact answer.
    expect(Math.abs(r.quantile(0.5) / sortedQuantile(xs, 0.5) - 1)).toBeLessThan(0.011);
  });
});
