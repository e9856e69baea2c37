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
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300, size: 'max' }), (times) => {
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

  /** Runs `list` on `q` (with `keys`) and on a reference list of pending events, checking they agree after each step. */
  function agrees(q: EventQueue, keys: number[], list: Op[]): void {
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
        // popUntil: only an event due at or before its time may leave.
        const until = o.op === 'popUntil' ? o.time : Infinity;
        pending.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        const first = pending.length > 0 && pending[0][0] <= until ? pending.shift() : undefined;
        expect(q.pop(until)).toBe(first !== undefined);
        if (first !== undefined) expect([q.poppedTime, q.poppedTarget]).toEqual([first[0], first[2]]);
      }
      expect(q.size).toBe(pending.length);
      expect(q.peekTime()).toBe(pending.length === 0 ? Infinity : Math.min(...pending.map((e) => e[0])));
      const scheduled = new Set(pending.map((e) => e[3]));
      keys.forEach((k, i) => expect(q.pending(k)).toBe(scheduled.has(i)));
    }
  }

  type Op = { op: 'push' | 'schedule' | 'cancel' | 'pop' | 'popUntil'; key: number; time: number };
  const opsOn = (keys: number, maxTime: number, maxLength: number) =>
    fc.array(
      fc.record({ op: fc.constantFrom('push', 'schedule', 'schedule', 'cancel', 'pop', 'popUntil'), key: fc.integer({ min: 0, max: keys - 1 }), time: fc.integer({ min: 0, max: maxTime }) }) as fc.Arbitrary<Op>,
      { maxLength, size: 'max' },
    );

  it('moves and cancels keyed events as a reference list of pending events would, hot and far keys too', () => {
    // What each of the five keys is: plain, hot (more than `maxHot` may ask: the rest stay in the heap), or far.
    const sorts = fc.array(fc.constantFrom('plain', 'hot', 'far'), { minLength: 5, maxLength: 5 });
    fc.assert(
      fc.property(opsOn(5, 30, 200), sorts, (list, sort) => {
        const q = new EventQueue(2);
        agrees(
          q,
          sort.map((s) => (s === 'far' ? q.newFarKey() : q.newKey(s === 'hot'))),
          list,
        );
      }),
    );
  });

  it('keeps the order with more far events out of order than an insertion looks back over (they go in the heap)', () => {
    // Each timeout earlier than all before it: past `farScan` of them, the rest go in the heap.
    const q = new EventQueue(2);
    const n = EventQueue.farScan + 50;
    const keys = Array.from({ length: n }, () => q.newFarKey());
    keys.forEach((k, i) => q.schedule(k, 1e6 - 10 * i + (i % 3), 0, i));
    const order: number[] = [];
    while (q.pop()) order.push(q.poppedTarget);
    expect(order).toEqual([...order].sort((a, b) => 1e6 - 10 * a + (a % 3) - (1e6 - 10 * b + (b % 3))));
    expect(order).toHaveLength(n);
    // And at random, with some plain keys among them.
    const m = EventQueue.farScan + 40;
    fc.assert(
      fc.property(opsOn(m, 10_000, 600), (list) => {
        const q = new EventQueue(2);
        const keys = Array.from({ length: m }, (_, i) => (i % 7 === 0 ? q.newKey() : q.newFarKey()));
        // Half the operations schedule, so that far more than `farScan` timeouts are pending at once.
        agrees(q, keys, [...keys.map((_, key) => ({ op: 'schedule' as const, key, time: (key * 7919) % 10_000 })), ...list]);
      }),
      { numRuns: 8 },
    );
  });
});
