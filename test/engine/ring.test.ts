import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimedRing } from '../../src/engine/ring.js';

describe('TimedRing', () => {
  it('keeps the newest `capacity` entries in order, whatever the capacity and however many were written', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 37 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 220 }), (capacity, n, since) => {
        const ring = new TimedRing<number>(capacity, new Array<number>(capacity));
        for (let k = 0; k < n; k++) ring.push(10 * k, k % 5, k);
        expect(ring.written).toBe(n);
        expect(ring.oldest).toBe(Math.max(0, n - capacity));
        const seen: [number, number, number][] = [];
        ring.forEachSince(since, (time, thread, value) => seen.push([time, thread, value]));
        const from = Math.max(since, n - capacity, 0);
        const want = Array.from({ length: Math.max(0, n - from) }, (_, j) => from + j).map((k): [number, number, number] => [10 * k, k % 5, k]);
        expect(seen).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });
});
