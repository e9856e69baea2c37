import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/engine/event-queue.js';

describe('EventQueue', () => {
  it('pops events by time, and events at the same time in the order they were pushed', () => {
    const q = new EventQueue(2);
    q.push(5, 1, 10, 0);
    q.push(3, 1, 11, 0);
    q.push(5, 1, 12, 0);
    q.push(3, 1, 13, 0);
    q.push(1, 1, 14, 0);
    const order: number[] = [];
    while (q.pop()) order.push(q.poppedTarget);
    expect(order).toEqual([14, 11, 13, 10, 12]);
  });

  it('matches a stable sort for any sequence of pushes (and grows as needed)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 }), (times) => {
        const q = new EventQueue(1);
        times.forEach((t, i) => q.push(t, 0, i, 0));
        const expected = times.map((t, i) => [t, i]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
        const got: number[] = [];
        while (q.pop()) got.push(q.poppedTarget);
        expect(got).toEqual(expected);
      }),
    );
  });

  it('reports the earliest time, Infinity when empty', () => {
    const q = new EventQueue();
    expect(q.peekTime()).toBe(Infinity);
    q.push(7, 0, 0, 0);
    q.push(2, 0, 0, 0);
    expect(q.peekTime()).toBe(2);
    expect(q.size).toBe(2);
  });
});
