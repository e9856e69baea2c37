import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/engine/event-queue.js';

describe('EventQueue', () => {
  it('pops events by time, and events at the same time in the order they were pushed', () => {
    const q = new EventQueue(2);
    q.push(5, 1, 10);
    q.push(3, 1, 11);
    q.push(5, 1, 12);
    q.push(3, 1, 13);
    q.push(1, 1, 14);
    const order: number[] = [];
    while (q.pop()) order.push(q.poppedTarget);
    expect(order).toEqual([14, 11, 13, 10, 12]);
  });

  it('matches a stable sort for any sequence of pushes (and grows as needed)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 }), (times) => {
        const q = new EventQueue(1);
        times.forEach((t, i) => q.push(t, 0, i));
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
    q.push(7, 0, 0);
    q.push(2, 0, 0);
    expect(q.peekTime()).toBe(2);
    expect(q.size).toBe(2);
  });

  it('moves and cancels keyed events as a reference list of pending events would, hot keys too', () => {
    type Op = { op: 'push' | 'schedule' | 'cancel' | 'pop'; key: number; time: number };
    const ops = fc.array(
      fc.record({ op: fc.constantFrom('push', 'schedule', 'schedule', 'cancel', 'pop'), key: fc.integer({ min: 0, max: 4 }), time: fc.integer({ min: 0, max: 30 }) }) as fc.Arbitrary<Op>,
      { maxLength: 200, size: 'max' },
    );
    // Which of the five keys ask to be hot (more than `maxHot` may ask: the rest stay in the heap).
    const hotness = fc.array(fc.boolean(), { minLength: 5, maxLength: 5 });
    fc.assert(
      fc.property(ops, hotness, (list, hot) => {
        const q = new EventQueue(2);
        const keys = hot.map((h) => q.newKey(h));
        // Reference: pending events as [time, seq, target, key]; the earliest (time, seq) pops first.
        let pending: [number, number, number, number][] = [];
        let seq = 0;
        let target = 0;
        for (const o of list) {
          if (o.op === 'push') {
            q.push(o.time, 0, target);
            pending.push([o.time, seq++, target++, -1]);
          } else if (o.op === 'schedule') {
            q.schedule(keys[o.key], o.time, 0, target);
            pending = pending.filter((e) => e[3] !== o.key);
            pending.push([o.time, seq++, target++, o.key]);
          } else if (o.op === 'cancel') {
            q.cancel(keys[o.key]);
            pending = pending.filter((e) => e[3] !== o.key);
          } else {
            pending.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
            const first = pending.shift();
            expect(q.pop()).toBe(first !== undefined);
            if (first !== undefined) expect([q.poppedTime, q.poppedTarget]).toEqual([first[0], first[2]]);
          }
          expect(q.size).toBe(pending.length);
          expect(q.peekTime()).toBe(pending.length === 0 ? Infinity : Math.min(...pending.map((e) => e[0])));
          keys.forEach((k, i) => expect(q.pending(k)).toBe(pending.some((e) => e[3] === i)));
        }
      }),
    );
  });
});
