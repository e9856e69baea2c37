import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RunQueue } from '../../src/os/run-queue.js';
import { Task } from '../../src/os/task.js';

/** The run queue as it was: an array kept sorted by inserting a task after every task whose vruntime is not larger. */
function sortedInsert(rq: Task[], t: Task): void {
  let i = rq.length;
  while (i > 0 && rq[i - 1].vruntime > t.vruntime) i--;
  rq.splice(i, 0, t);
}

describe('RunQueue', () => {
  it('gives the tasks in the order a sorted array with insertion after equals did, ties on vruntime included, over random pushes and pops', () => {
    // Few distinct vruntimes (fractions too, as sleeper placement gives), so that ties are common.
    const vruntime = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom(2.5, 1e9, 1e9 + 0.5));
    const op = fc.oneof(fc.record({ push: fc.constant(true), vruntime }), fc.record({ push: fc.constant(false) }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300, size: 'max' }), (ops) => {
        const q = new RunQueue<Task>();
        const model: Task[] = [];
        let made = 0;
        for (const o of ops) {
          if (o.push) {
            const t = new Task(made, `t${made}`);
            made++;
            t.vruntime = o.vruntime;
            q.push(t);
            sortedInsert(model, t);
          } else {
            expect(q.pop()).toBe(model.shift());
          }
          expect(q.length).toBe(model.length);
          expect(q.peek()).toBe(model[0]);
        }
        while (model.length > 0) expect(q.pop()).toBe(model.shift());
        expect(q.pop()).toBeUndefined();
      }),
    );
  });

  it('a task that leaves and comes back with the same vruntime goes behind its equals', () => {
    const q = new RunQueue<Task>();
    const [a, b, c] = [0, 1, 2].map((i) => new Task(i, `t${i}`));
    for (const t of [a, b, c]) q.push(t);
    expect(q.pop()).toBe(a);
    q.push(a);
    expect([q.pop(), q.pop(), q.pop()]).toEqual([b, c, a]);
  });
});
