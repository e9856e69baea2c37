import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WaitQueue } from '../../src/os/wait-queue.js';

interface Item {
  readonly id: number;
}

describe('WaitQueue', () => {
  it('behaves as an array used as a FIFO with removal by identity, over random operations', () => {
    const items: Item[] = Array.from({ length: 12 }, (_, id) => ({ id }));
    const op = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), id: fc.integer({ min: 0, max: 11 }) }),
      fc.record({ kind: fc.constant('shift' as const) }),
      fc.record({ kind: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 11 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200, size: 'max' }), (ops) => {
        const q = new WaitQueue<Item>();
        const model: Item[] = [];
        for (const o of ops) {
          if (o.kind === 'push') {
            const t = items[o.id];
            if (model.includes(t)) {
              expect(() => q.push(t)).toThrow(/queued already/);
            } else {
              q.push(t);
              model.push(t);
            }
          } else if (o.kind === 'shift') {
            expect(q.shift()).toBe(model.shift());
          } else {
            const t = items[o.id];
            const i = model.indexOf(t);
            if (i >= 0) model.splice(i, 1);
            expect(q.remove(t)).toBe(i >= 0);
          }
          expect(q.length).toBe(model.length);
          expect([...q]).toEqual(model);
          expect(q.first()).toBe(model[0]);
          for (const t of items) expect(q.has(t)).toBe(model.includes(t));
        }
      }),
    );
  });
});
