import { describe, expect, it } from 'vitest';
import { ThreadView, TraceBuffer } from '../../src/engine/trace.js';
import { BLANK, TimelineModel } from '../../src/tui/timeline-model.js';

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

  it('marks a wake-up in vain unless the thread mostly ran in that bucket', () => {
    const tr = new TraceBuffer(64);
    tr.push(0, 0, W);
    tr.push(0, 1, R);
    tr.push(150, 0, V);
    tr.push(160, 1, V);
    const m = new TimelineModel(2, 400, 4, tr);
    m.consume(tr);
    expect([...m.rows(400)[0]]).toEqual([W, V, W, W]);
    expect([...m.rows(400)[1]]).toEqual([R, R, R, R]);
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
