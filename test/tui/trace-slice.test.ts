import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ThreadView, TraceBuffer } from '../../src/engine/trace.js';
import { TimelineModel } from '../../src/session/timeline-model.js';
import { SliceFeed, TraceCursor } from '../../src/tui/trace-slice.js';

/** A trace: per step, a time advance and a thread's new view (Vain included). */
const steps = fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 8 }), fc.boolean()), { minLength: 1, maxLength: 400, size: 'max' });

describe('trace slices handed from the engine to the screen', () => {
  it('draw the same timeline as the whole trace, however the frames fall and however much is cut', () => {
    fc.assert(
      fc.property(steps, fc.integer({ min: 100, max: 3000 }), fc.integer({ min: 4, max: 40 }), (trace, windowNs, columns) => {
        const threads = 4;
        const ring = new TraceBuffer(4096);
        const whole = new TimelineModel(threads, windowNs, columns, ring);
        const sliced = new TimelineModel(threads, windowNs, columns);
        const cursor = new TraceCursor();
        const feed = new SliceFeed();
        let now = 0;
        for (const [dt, thread, view, frameEnds] of trace) {
          now += dt;
          ring.push(now, thread, view as ThreadView);
          if (!frameEnds) continue;
          // A frame: the screen gets what it can still show of a window twice its span.
          whole.consume(ring);
          const slice = cursor.take(ring, now - 2 * windowNs, threads);
          sliced.consume(feed.load(slice));
          expect(sliced.rows(now).map((r) => [...r])).toEqual(whole.rows(now).map((r) => [...r]));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('cut a long frame down to each thread last state before the cut and what follows it', () => {
    const ring = new TraceBuffer(1024);
    for (let i = 0; i < 500; i++) ring.push(i * 10, i % 2, i % 3 === 0 ? ThreadView.Vain : ThreadView.Run);
    const s = new TraceCursor().take(ring, 4900, 2);
    // Before 4900: one entry per thread; from 4900 on: 10 entries.
    expect(s.length).toBe(12);
    expect(s.fresh).toBe(true);
    expect([...s.times.slice(0, 2)]).toEqual([4870, 4880]);
    expect([...s.times.slice(2)]).toEqual([4900, 4910, 4920, 4930, 4940, 4950, 4960, 4970, 4980, 4990]);
  });

  it('send everything held again after a rewind, and only new entries otherwise', () => {
    const ring = new TraceBuffer(8);
    const c = new TraceCursor();
    for (let i = 0; i < 12; i++) ring.push(i, 0, ThreadView.Run);
    expect(c.take(ring, -Infinity, 1).length).toBe(8); // the ring holds the last 8
    ring.push(12, 0, ThreadView.Wait);
    const next = c.take(ring, -Infinity, 1);
    expect([next.length, next.fresh]).toEqual([1, false]);
    c.rewind(ring);
    const again = c.take(ring, -Infinity, 1);
    expect([again.length, again.fresh]).toEqual([8, true]);
  });
});
