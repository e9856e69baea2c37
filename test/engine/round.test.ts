import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { round } from '../../src/engine/round.js';

describe('round', () => {
  it('is Math.round at the edges where x + 0.5 is not exact', () => {
    const edges = [0, -0, 0.49999999999999994, 0.5, 0.5000000000000001, 0.9999999999999999, 1.5, 2.5, -0.5, -2.5, 1023.4999999999999, 2 ** 51 + 0.5, 2 ** 52 - 0.5, 2 ** 52 + 1, 2 ** 53 - 1, Infinity, -Infinity, NaN, Number.MIN_VALUE];
    for (const x of edges) expect(Object.is(round(x), Math.round(x)), `round(${x})`).toBe(true);
  });

  it('is Math.round for any double', () => {
    fc.assert(
      fc.property(fc.double(), (x) => Object.is(round(x), Math.round(x))),
      { numRuns: 20000 },
    );
  });

  it('is Math.round for costs with jitter and half-way values', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, f) => {
        const xs = [n + 0.5, n + f, n * (1 + 0.2 * (2 * f - 1)), (n + 0.5) * (1 - Number.EPSILON)];
        return xs.every((x) => Object.is(round(x), Math.round(x)));
      }),
      { numRuns: 20000 },
    );
  });
});
