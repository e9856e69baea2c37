import { describe, expect, it } from 'vitest';
import { configFor, loadPreset } from '../../src/config/load.js';
import { Simulation, type Snapshot } from '../../src/model/index.js';
import { StarvationWatch, WallBudget } from '../../src/session/wall-budget.js';

describe('the wall-clock budget of a headless command', () => {
  it('runs out at its limit and says where the run stopped', () => {
    let now = 0;
    const b = new WallBudget(2, '', null, () => now);
    expect(b.expired()).toBe(false);
    now = 1999;
    expect(b.expired()).toBe(false);
    now = 2000;
    expect(b.expired()).toBe(true);
    expect(b.reason({ now: 1.5e9 })).toBe('the wall-clock limit of 2 s (--max-wall) at t=1.500 s simulated');
  });

  it('draws progress on a terminal after the first second, four times a second, and clears it; nothing elsewhere', () => {
    let now = 0;
    const written: string[] = [];
    const tty = { isTTY: true, write: (s: string) => written.push(s) };
    const sim = new Simulation(configFor(loadPreset('py36-threads')));
    const b = new WallBudget(10, 'py36-threads: ', tty, () => now);
    b.tick(sim);
    expect(written).toEqual([]);
    sim.runUntil(1e9);
    now = 1000;
    b.tick(sim);
    now = 1100;
    b.tick(sim);
    expect(written).toEqual(['\r\x1b[Kpy36-threads: t=1.000 s simulated, 1.0 of 10 s wall (--max-wall)']);
    now = 1300;
    b.tick(sim);
    expect(written).toHaveLength(2);
    b.finish();
    expect(written.at(-1)).toBe('\r\x1b[K');

    const pipe: string[] = [];
    const quiet = new WallBudget(10, '', { isTTY: false, write: (s: string) => pipe.push(s) }, () => now);
    now = 5000;
    quiet.tick(sim);
    quiet.finish();
    expect(pipe).toEqual([]);
  });
});

describe('starving threads, from snapshots', () => {
  const snap = (now: number, threads: { id: number; name: string; acquisitions: number; view: string; gilWaitNs: number; holdsGil?: boolean }[]) =>
    ({ now, threads: threads.map((t) => ({ python: true, holdsGil: false, finishedAt: null, ...t })) }) as unknown as Snapshot;

  it('names a thread that has not had the GIL for a second and a quarter of the run, and since when', () => {
    const w = new StarvationWatch();
    w.observe(snap(0.5e9, [{ id: 0, name: 'server', acquisitions: 10, view: 'wait', gilWaitNs: 0 }, { id: 1, name: 'fib', acquisitions: 5, view: 'run', gilWaitNs: 0, holdsGil: true }]));
    w.observe(snap(1.0e9, [{ id: 0, name: 'server', acquisitions: 12, view: 'wait', gilWaitNs: 0 }, { id: 1, name: 'fib', acquisitions: 6, view: 'run', gilWaitNs: 0, holdsGil: true }]));
    expect(w.starving()).toEqual([]);
    w.observe(snap(3.0e9, [{ id: 0, name: 'server', acquisitions: 12, view: 'wait', gilWaitNs: 2e9 }, { id: 1, name: 'fib', acquisitions: 6, view: 'run', gilWaitNs: 0, holdsGil: true }]));
    expect(w.starving()).toEqual([{ thread: 'server', sinceSeconds: 1, neverHeld: false }]);
  });

  it('a thread that never had the GIL has waited since now minus its total wait; one in I/O is not starving', () => {
    const w = new StarvationWatch();
    w.observe(snap(8e9, [{ id: 0, name: 'late', acquisitions: 0, view: 'wait', gilWaitNs: 6e9 }, { id: 1, name: 'reader', acquisitions: 0, view: 'io', gilWaitNs: 0 }]));
    expect(w.starving()).toEqual([{ thread: 'late', sinceSeconds: 2, neverHeld: true }]);
  });
});
