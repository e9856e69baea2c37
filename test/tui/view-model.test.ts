import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../src/config/load.js';
import type { Snapshot } from '../../src/engine/types.js';
import { SessionDriver } from '../../src/session/driver.js';
import { buildView, type ViewInput } from '../../src/tui/view-model.js';

function input(snap: Snapshot, o: Partial<ViewInput> = {}): ViewInput {
  return { width: 120, height: 39, preset: 'p', description: 'look here', seed: '1', snap, base: undefined, speed: 0.1, paused: false, recording: false, timeline: null, switchRate: [], latencyMs: [], message: '', overlay: { kind: 'none' }, ...o };
}
const text = (segs: { text: string }[]) => segs.map((s) => s.text).join('');

describe('view model', () => {
  const d = new SessionDriver(loadPreset('echo-fib-py3'));
  d.advanceTo(50e6);
  const snap = d.sim.snapshot();

  it('GIL panel under py3: holder, the waiter\'s timed wait, the drop request', () => {
    const s: Snapshot = { ...snap, processes: [{ name: 'main', gil: { ...snap.processes[0].gil, holder: 1, waiters: 1, timeoutLeftNs: 3_210_000, switchIntervalNs: 5_000_000, dropRequest: true, switchNumber: 7 } }] };
    const gil = buildView(input(s)).gil.map((l) => `${l.label}|${text(l.value)}`);
    expect(gil[0]).toBe('GIL py3|holder fib           waiters 1');
    expect(gil[1]).toBe('timed wait| 3.210 ms /  5.000 ms ████████░░░░');
    expect(gil[2]).toBe('drop request|SET   switch_number 7');
  });

  it('GIL panel under py2: the _Py_Ticker countdown to the next check', () => {
    const s: Snapshot = { ...snap, processes: [{ name: 'main', gil: { ...snap.processes[0].gil, policy: 'py2', holder: 0, ticker: 25, checkInterval: 100, semValue: 0, nwaiters: 1 } }] };
    const gil = buildView(input(s)).gil.map((l) => `${l.label}|${text(l.value)}`);
    expect(gil[0]).toBe('GIL py2|holder echo-server   waiters 1');
    expect(gil[1]).toBe('_Py_Ticker|     25 / 100    ████░░░░░░░░░░░░');
    expect(gil[2]).toBe('semaphore|value 0  nwaiters 1');
  });

  it('GIL panel with several Python processes (multiprocessing): each one\'s holder by name', () => {
    const m = new SessionDriver(loadPreset('echo-fib-multiprocessing'));
    m.advanceTo(20e6);
    const s = m.sim.snapshot();
    expect(s.processes.map((p) => p.name)).toEqual(['main', 'fib-worker']);
    const gil = buildView(input(s)).gil.map((l) => `${l.label}|${text(l.value)}`);
    expect(gil[0]).toMatch(/^GIL py3\|main: (echo-server|\(free\))  fib-worker: fib$/);
  });

  it('core bars: share over the window, the thread on each core', () => {
    const later = (() => {
      d.advanceTo(60e6);
      return d.sim.snapshot();
    })();
    const v = buildView(input(later, { base: snap }));
    expect(v.cores.form).toBe('bars');
    const busy = later.cores.map((c, i) => (c.busyNs - snap.cores[i].busyNs) / 10e6);
    v.cores.rows.forEach((r, i) => {
      expect(r.label).toBe(`cpu${i}`);
      expect(r.rest.endsWith(`${(Math.min(1, busy[i]) * 100).toFixed(1).padStart(5)}%`)).toBe(true);
      expect(r.thread.trim()).toBe(later.cores[i].thread >= 0 ? later.threads[later.cores[i].thread].name : '-');
    });
  });

  it('many cores: bars side by side up to 64, then one cell per core', () => {
    const many = (n: number): Snapshot => ({ ...snap, cores: Array.from({ length: n }, (_, id) => ({ id, thread: id % 3 === 0 ? 1 : -1, busyNs: 0 })) });
    const v64 = buildView(input(many(64)));
    expect(v64.cores.form).toBe('bars');
    expect(v64.cores.rows).toHaveLength(64);
    expect(v64.cores.perLine).toBe(4);
    expect(v64.cores.rows[0].label + '[' + v64.cores.rows[0].filled + v64.cores.rows[0].rest + ']').toBe('cpu0 [|||100.0%]');
    const v65 = buildView(input(many(65)));
    expect(v65.cores.form).toBe('compact');
    expect(v65.cores.compact.flat().map((c) => c.text).join('')).toBe(Array.from({ length: 65 }, (_, i) => (i % 3 === 0 ? '█' : '·')).join(''));
  });

  it('below the minimum size, only the notice', () => {
    expect(buildView(input(snap, { width: 79 })).tooSmall).toBe('gil-top needs a terminal of at least 80x21; this one is 79x40. Enlarge it, or press q to quit.');
    expect(buildView(input(snap, { height: 19 })).tooSmall).not.toBeNull();
    expect(buildView(input(snap, { height: 20 })).tooSmall).toBeNull();
  });

  it('tallies pad numbers to fixed widths', () => {
    const v = buildView(input(snap));
    for (const r of v.tallies!.counters) {
      expect(r.total).toHaveLength(13);
      expect(r['per sim s']).toHaveLength(12);
    }
    for (const r of v.tallies!.threads) expect(r.cpu).toHaveLength(6);
  });
});
