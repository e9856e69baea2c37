import { describe, expect, it } from 'vitest';
import { ThreadView, TraceBuffer } from '../../src/engine/trace.js';
import { BLANK, TimelineModel } from '../../src/session/timeline-model.js';

const R = ThreadView.Run;
const W = ThreadView.Wait;
const V = ThreadView.Vain;
const I = ThreadView.Io;
const _ = BLANK;

describe('TimelineModel', () => {
  it('shows the state each thread spent most of each bucket in', () => {
    const tr = new TraceBuffer(64);
    tr.push(0, 0, R);
    tr.push(0, 1, W);
    tr.push(240, 0, W); // thread 0 runs 0-240, then waits
    tr.push(240, 1, R);
    tr.push(700, 1, I);
    const m = new TimelineModel(2, 1000, 10, tr); // 100 ns buckets
    m.consume(tr);
    expect([...m.rows(1000)[0]]).toEqual([R, R, W, W, W, W, W, W, W, W]);
    expect([...m.rows(1000)[1]]).toEqual([W, W, R, R, R, R, R, I, I, I]);
  });

  it('marks a wake-up in vain unless the thread mostly ran in that bucket, or apart from the state when asked', () => {
    const tr = new TraceBuffer(64);
    tr.push(0, 0, W);
    tr.push(0, 1, R);
    tr.push(150, 0, V);
    tr.push(160, 1, V);
    tr.push(390, 0, V);
    const m = new TimelineModel(2, 400, 4, tr);
    m.consume(tr);
    expect([...m.rows(400)[0]]).toEqual([W, V, W, V]);
    expect([...m.rows(400)[1]]).toEqual([R, R, R, R]);
    // Apart: the state stays what the thread did most, the marks are wherever one happened.
    expect([...m.rows(400, [], false)[0]]).toEqual([W, W, W, W]);
    expect(m.vainRows(400).map((r) => [...r])).toEqual([
      [0, 1, 0, 1],
      [0, 1, 0, 0],
    ]);
    // Scrolled on: the marks move with their columns.
    tr.push(500, 1, V);
    m.consume(tr);
    expect(m.vainRows(600).map((r) => [...r])).toEqual([
      [0, 1, 0, 0],
      [0, 0, 0, 1],
    ]);
  });

  it('shows wake-ups in vain where most of the wake-ups in a bucket were in vain, at any zoom', () => {
    const tr = new TraceBuffer(64);
    const S = ThreadView.Spin;
    // Thread 0 sleeps and is woken three times in the first bucket, once in vain (there it is
    // mostly on a core in GIL code); once in the second, in vain; twice in the third, once in vain.
    tr.push(0, 0, W);
    for (const [at, inVain] of [[10, true], [40, false], [70, false], [110, true], [210, true], [250, false]] as const) {
      tr.push(at, 0, S);
      if (inVain) tr.push(at + 5, 0, V);
      tr.push(at + 20, 0, W);
    }
    const m = new TimelineModel(1, 400, 4, tr);
    m.consume(tr);
    expect([...m.rows(400)[0]]).toEqual([S, V, V, W]);
    expect(m.vainRows(400).map((r) => [...r])).toEqual([[1, 1, 1, 0]]);
  });

  it('scrolls: only the last window is kept, newest on the right', () => {
    const tr = new TraceBuffer(64);
    tr.push(0, 0, R);
    const m = new TimelineModel(1, 400, 4, tr);
    m.consume(tr);
    expect([...m.rows(200)[0]]).toEqual([_, _, R, R]);
    tr.push(500, 0, I);
    m.consume(tr);
    expect([...m.rows(800)[0]]).toEqual([R, I, I, I]);
  });
});

describe('TimelineModel zoomed out', () => {
  it('never draws two holders of one GIL in a cell: the longer one runs, the other shows what it did most besides', () => {
    const tr = new TraceBuffer(64);
    // Two threads under one GIL hand it over inside every 100 ns bucket: t0 holds it for 45 ns,
    // t1 for 55; each spends the rest waiting or runnable, less than it held the GIL.
    const Y = ThreadView.Ready;
    for (let t = 0; t < 400; t += 100) {
      tr.push(t, 0, R);
      tr.push(t, 1, W);
      tr.push(t + 20, 1, Y);
      tr.push(t + 45, 0, W);
      tr.push(t + 45, 1, R);
      tr.push(t + 70, 0, Y);
    }
    const m = new TimelineModel(2, 400, 4, tr);
    m.consume(tr);
    // Left to itself, each cell shows what each thread did most: both "held the GIL".
    const [fa, fb] = m.rows(400);
    expect([...fa]).toEqual([R, R, R, R]);
    expect([...fb]).toEqual([R, R, R, R]);
    // Under one GIL only the longer holder runs; the other shows its next state (runnable 30 ns > waiting 25 ns).
    const [a, b] = m.rows(400, [0, 0]);
    expect([...a]).toEqual([Y, Y, Y, Y]);
    expect([...b]).toEqual([R, R, R, R]);
    // Threads of two processes have a GIL each: both may run.
    expect([...m.rows(400, [0, 1])[0]]).toEqual([R, R, R, R]);
  });

  it('lets an actor (no GIL) run beside the holder', () => {
    const tr = new TraceBuffer(64);
    tr.push(0, 0, R);
    tr.push(0, 1, W);
    tr.push(0, 2, R);
    const m = new TimelineModel(3, 400, 4, tr);
    m.consume(tr);
    const rows = m.rows(400, [0, 0, -1]);
    expect([...rows[0]]).toEqual([R, R, R, R]);
    expect([...rows[1]]).toEqual([W, W, W, W]);
    expect([...rows[2]]).toEqual([R, R, R, R]);
  });
});
