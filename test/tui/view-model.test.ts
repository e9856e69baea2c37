import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../src/config/load.js';
import type { Snapshot } from '../../src/model/types.js';
import { SessionDriver } from '../../src/session/driver.js';
import { ThreadView } from '../../src/model/index.js';
import { describeFor, generalDescriptions } from '../../src/tui/descriptions.js';
import { FrameHistory, rateWindowNs } from '../../src/tui/history.js';
import { BLANK } from '../../src/session/timeline-model.js';
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
    const s: Snapshot = { ...snap, processes: [{ ...snap.processes[0], name: 'main', gil: { ...snap.processes[0].gil, holder: 1, waiters: 1, timeoutLeftNs: 3_210_000, switchIntervalNs: 5_000_000, dropRequest: true, switchNumber: 7 } }] };
    const gil = buildView(input(s)).gil.map((l) => `${l.label}|${text(l.value)}`);
    expect(gil[0]).toBe('GIL py3|holder fib           waiters 1');
    expect(gil[1]).toBe('timed wait| 3.210 ms /  5.000 ms ████████░░░░');
    expect(gil[2]).toBe('drop request|SET   switch_number 7');
  });

  it('GIL panel under py2: the _Py_Ticker countdown to the next check', () => {
    const s: Snapshot = { ...snap, processes: [{ ...snap.processes[0], name: 'main', gil: { ...snap.processes[0].gil, policy: 'py2', holder: 0, ticker: 25, checkInterval: 100, semValue: 0, nwaiters: 1 } }] };
    const gil = buildView(input(s)).gil.map((l) => `${l.label}|${text(l.value)}`);
    expect(gil[0]).toBe('GIL py2|holder echo-server   waiters 1');
    expect(gil[1]).toBe('_Py_Ticker|     25 / 100     ████░░░░░░░░░░░░');
    expect(gil[2]).toBe('semaphore|value 0  nwaiters 1');
    // A seven-digit interval does not run into its gauge.
    const big: Snapshot = { ...s, processes: [{ ...snap.processes[0], name: 'main', gil: { ...s.processes[0].gil, ticker: 1_000_000, checkInterval: 1_000_000 } }] };
    expect(`${buildView(input(big)).gil[1].value.map((v) => v.text).join('')}`).toBe('1000000 / 1000000 ████████████████');
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
    const many = (n: number): Snapshot => ({ ...snap, cores: Array.from({ length: n }, (_, id) => ({ id, thread: id % 3 === 0 ? 1 : -1, busyNs: id % 3 === 0 ? snap.now : 0 })) });
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

describe('view model: what the policy has', () => {
  const ft = new SessionDriver(loadPreset('py2-threads-2cores'));
  ft.advanceTo(5e6);
  ft.act({ type: 'policy', policy: 'free-threaded' });
  ft.advanceTo(10e6);
  const snap = ft.sim.snapshot();
  const R = ThreadView.Run;
  const strips = { rows: [new Uint8Array([R, R, ThreadView.Ready, BLANK]), new Uint8Array([R, ThreadView.Spin, ThreadView.Io, R])], windowNs: 20e6 };

  it('legend: names every glyph drawn, and the policy\'s own; free-threaded runs without a GIL', () => {
    const v = buildView(input(snap, { timeline: strips }));
    const legend = v.timeline!.legend.flat().map((s) => s.text).join('');
    expect(legend).toBe('█ running (no GIL)  ▓ on CPU in GIL code  · runnable, off-CPU  ─ blocked in I/O  ');
    expect(legend).not.toContain('waiting for the GIL');
    const py2 = buildView(input({ ...snap, policy: 'py2' }, { timeline: strips, width: 160 })).timeline!.legend.flat().map((s) => s.text).join('');
    expect(py2).toBe('█ running (with the GIL)  ▓ on CPU in GIL code  ▒ waiting for the GIL  ! woken in vain  · runnable, off-CPU  ─ blocked in I/O  ');
  });

  it('legend: at 80 columns short labels, and a second line rather than a glyph left unnamed', () => {
    const all = { rows: [new Uint8Array([R, ThreadView.Spin, ThreadView.Wait, ThreadView.Vain, ThreadView.Ready, ThreadView.Io, ThreadView.Sys])], windowNs: 20e6 };
    const v = buildView(input({ ...snap, policy: 'py2' }, { width: 80, timeline: all }));
    const lines = v.timeline!.legend.map((l) => l.map((s) => s.text).join(''));
    expect(lines).toHaveLength(2);
    expect(lines.join('')).toBe('█ holds GIL  ▓ GIL code  ▒ GIL wait  ! in vain  · runnable  ─ I/O  ▪ syscall  ');
    expect((v.timeline!.title + lines[0]).trimEnd().length).toBeLessThanOrEqual(80);
  });

  it('thread table: no GIL columns under free-threaded, the time runnable off-CPU instead', () => {
    const v = buildView(input(snap));
    expect(Object.keys(v.tallies!.threads[0])).toEqual(['thread', 'state', 'cpu', 'runnable', 'vol cs', 'invol cs']);
    const py2 = buildView(input({ ...snap, policy: 'py2' }));
    expect(Object.keys(py2.tallies!.threads[0])).toEqual(['thread', 'state', 'cpu', 'GIL held', 'GIL wait', 'vol cs', 'invol cs']);
  });

  it('description: the preset\'s own under its policy; its sentence for another, or a general one', () => {
    const p = { policy: 'py2' as const, description: 'own', descriptionFor: { py3: 'for py3' } };
    expect(describeFor(p, 'py2')).toBe('own');
    expect(describeFor(p, 'py3')).toBe('for py3');
    expect(describeFor(p, 'free-threaded')).toBe(generalDescriptions['free-threaded']);
  });

  it('charts start at zero: a latency between 10.051 and 10.073 ms draws flat, not as a swing', () => {
    const latency = Array.from({ length: 40 }, (_, i) => 10.051 + ((i * 7) % 23) / 1000);
    const v = buildView(input(snap, { latencyMs: latency, switchRate: latency, height: 50 }));
    const chart = v.charts.find((c) => c.title.startsWith('client latency'))!;
    expect(chart.lines.at(-1)).toMatch(/^ +0\.000 [┼┤]/);
    // Every point sits on the top rows: nothing plotted in the lower half of the chart.
    const lower = chart.lines.slice(Math.floor(chart.lines.length / 2), -1);
    for (const l of lower) expect(l.slice(13).trim()).toBe('');
  });
});

describe('rates over a window of simulated time', () => {
  it('stepping event by event does not take rates over nanoseconds', () => {
    const d = new SessionDriver(loadPreset('py2-threads-2cores'));
    const h = new FrameHistory();
    const w = rateWindowNs(0.1);
    d.advanceTo(200e6);
    h.push(d.sim.snapshot(), w);
    for (let i = 0; i < 50; i++) {
      d.stepEvent();
      h.push(d.sim.snapshot(), w);
    }
    const snap = d.sim.snapshot();
    const v = buildView(input(snap, { base: h.base() }));
    const wait = v.tallies!.counters.find((r) => r.counter.trim() === 'futex_wait')!;
    const overall = snap.counters.syscalls.futex_wait / (snap.now / 1e9);
    // Taken since the start (the run is not yet a window older than the last look): the overall rate.
    expect(Number(wait['per sim s'].replace(/,/g, ''))).toBeCloseTo(overall, -2);
    expect(h.base()).toBeUndefined();
    // A window later, over that window.
    d.advanceTo(snap.now + 2 * w);
    h.push(d.sim.snapshot(), w);
    d.advanceTo(snap.now + 3 * w);
    h.push(d.sim.snapshot(), w);
    const b = h.base()!;
    expect(d.sim.now - b.now).toBeGreaterThanOrEqual(w);
    expect(d.sim.now - b.now).toBeLessThan(2 * w);
  });

  it('the window follows the speed, from 1 ms to 200 ms', () => {
    expect(rateWindowNs(0.000001)).toBe(1e6);
    expect(rateWindowNs(0.1)).toBe(50e6);
    expect(rateWindowNs(1e6)).toBe(2e8);
  });
});

describe('GIL panel at 80 columns', () => {
  it('every line of every policy fits its 44 columns', () => {
    const d = new SessionDriver(loadPreset('py2-threads-2cores'));
    for (const policy of ['py2', 'py3', 'free-threaded'] as const) {
      d.act({ type: 'policy', policy });
      d.act({ type: 'signal' });
      d.advanceTo(d.sim.now + 5e6);
      const v = buildView(input(d.sim.snapshot(), { width: 80, height: 23 }));
      expect(v.gilWidth).toBe(44);
      for (const l of v.gil) expect(13 + l.value.map((s) => s.text).join('').length, `${policy} ${l.label}`).toBeLessThanOrEqual(44);
    }
  });
});
