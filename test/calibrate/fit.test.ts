import { describe, expect, it } from 'vitest';
import { fitAll } from '../../src/calibrate/fit/index.js';
import { findCliff } from '../../src/calibrate/fit/pingpong.js';
import { recordsOf } from '../../src/calibrate/raw.js';
import { lines, rawWith, recorded } from './helpers.js';

const py = (version: string) => ({ path: `/x/${version}`, version, executable: `/x/${version}`, implementation: 'CPython', freeThreaded: false });

describe('fitting recorded probe output', () => {
  const { measurements: m, notes } = fitAll(recorded());

  it('finds what 2.7.18 really ticks: 3 per countdown iteration, 5.5 per fib call, a check every interval + 1 ticks', () => {
    expect(m['ticks.countdown'].value).toBe(3);
    expect(m['ticks.fib'].value).toBe(5.5);
    expect(m['ticks.perCheck'].value).toBe(1);
    expect(m['ticks.compareJump'].value).toBe(1);
    expect(m['ticks.compareJump'].why).toContain('computed-goto');
    expect(m['ticks.countdown'].why).toContain('an exact line');
  });

  it('gives each interpreter its loop costs and names the interpreters standing for py2 and py3', () => {
    for (const v of ['2.7.18', '3.6.15', '3.12.1'])
      for (const kind of ['countdown', 'fib']) {
        expect(m[`loops.${kind}.${v}`].value).toBeGreaterThan(1);
        expect(m[`loops.${kind}.${v}`].value).toBeLessThan(1000);
        expect(m[`loops.${kind}.${v}`].why).toContain(`loops.py under ${v}`);
      }
    expect(m['loops.countdown.py2'].value).toBe(m['loops.countdown.2.7.18'].value);
    expect(m['loops.countdown.py3'].value).toBe(m['loops.countdown.3.6.15'].value); // the oldest Python 3
    expect(m['loops.fib.py3'].why).toContain('3.6.15 stands for py3');
  });

  it('turns every probe into figures with reasons that carry the raw numbers', () => {
    for (const name of ['syscalls.futexWakeEmpty', 'syscalls.futexWaitEagain', 'switch.contextSwitch', 'wake.shallowLatency', 'loopback.send', 'loopback.connect', 'cacheline.transfer', 'kernel.tickNs', 'checkcost.10']) {
      expect(m[name], name).toBeDefined();
      expect(m[name].why).toMatch(/\d/);
    }
    expect(m['kernel.tickNs'].value).toBe(4_000_000);
    // The EAGAIN path split at the compare: the way out is half a bare syscall, the way in the rest.
    expect(m['syscalls.futexWaitEntry'].value + m['syscalls.futexWaitReturn'].value).toBeCloseTo(m['syscalls.futexWaitEagain'].value, -1);
    expect(m['syscalls.futexWaitReturn'].value).toBeCloseTo(m['syscalls.bare'].value / 2, -1);
    // Python 2 battle per check, Python 3 per forced switch, with and without perf.
    expect(m['battle.py2.2cpu.ci100.futexPerCheck']).toBeDefined();
    expect(m['battle.py2.1cpu.ci10.volPerCheck']).toBeDefined();
    expect(m['battle.3.6.15.2cpu.futexPerForcedSwitch']).toBeDefined();
    expect(m['battle.3.12.1.2cpu.csPerForcedSwitch']).toBeDefined();
    expect(notes.some((n) => n.includes('scheduler'))).toBe(true);
  });

  it('counts a Python 2 check from the measured ticks, not from an assumed 2 per iteration', () => {
    const rec = recorded();
    const run = rec.runs.find((r) => r.probe === 'gilbattle' && r.params.perf === true && r.params.checkInterval === 100 && r.params.cpus === 2)!;
    const out = recordsOf(run)[0];
    const futex = Number(/(\d+),,syscalls:sys_enter_futex/.exec(run.perfCsv!)![1]);
    const checks = ((out.iterations as number) * 3) / 101;
    expect(m['battle.py2.2cpu.ci100.futexPerCheck'].value).toBeCloseTo(futex / checks, 9);
  });
});

describe('fitting synthetic probe output', () => {
  it('takes the slope of the per-size minimums, so a fixed cost per call drops out', () => {
    const ns = 20e-9;
    const sizes = [1e6, 2e6, 4e6];
    const seconds = sizes.map((n) => [n * ns + 0.003 + 0.01, n * ns + 0.003, n * ns + 0.003 + 0.002]);
    const raw = rawWith([{ probe: 'loops', python: '3.9.1', stdout: lines({ probe: 'loops', name: 'countdown', python: '3.9.1', cpu: 0, iterations: sizes, seconds }) }], [py('3.9.1')]);
    const { measurements } = fitAll(raw);
    expect(measurements['loops.countdown.3.9.1'].value).toBe(20);
    expect(measurements['loops.countdown.py3'].value).toBe(20);
    expect(measurements['loops.countdown.py2']).toBeUndefined();
  });

  it('prefers the CPU time to the wall clock, which on a loaded machine counts other tasks\' turns too', () => {
    const sizes = [1e6, 2e6, 4e6];
    const cpu = sizes.map((n) => [n * 15e-9, n * 15e-9 + 0.001]);
    const wall = sizes.map((n) => [n * 15e-9 * 3, n * 15e-9 * 2.5]);
    const raw = rawWith([{ probe: 'loops', python: '2.7.18', stdout: lines({ probe: 'loops', name: 'fib', python: '2.7.18', cpu: 1, iterations: sizes, seconds: wall, cpu_seconds: cpu }) }], [py('2.7.18')]);
    const f = fitAll(raw).measurements['loops.fib.py2'];
    expect(f.value).toBe(15);
    expect(f.why).toContain('CPU time');
    expect(f.why).toContain('by the wall clock the fastest was 37.5 ns');
  });

  it('charges the GIL per check: the fastest run with it minus the fastest without, over the checks', () => {
    const run = (mode: string, seconds: number[]) => ({ probe: 'checkcost', name: 'run', python: '2.7.18', cpu: 0, mode, check_interval: 10, iterations: 1.1e6, seconds, ticks_per_iteration: 3 });
    const raw = rawWith([{ probe: 'checkcost', python: '2.7.18', stdout: lines(run('nogil', [0.1, 0.12]), run('gil', [0.13, 0.103]), run('nogil', [0.101])) }]);
    const { measurements } = fitAll(raw);
    // 1.1e6 x 3 / 11 = 300,000 checks; (0.103 - 0.1) s / 300,000 = 10 ns
    expect(measurements['checkcost.10'].value).toBeCloseTo(10, 6);
    expect(measurements['checkcost.10'].why).toContain('300,000 checks');
  });

  it('subtracts the ctypes call from each syscall and refuses a futex wait that did not return EAGAIN', () => {
    const secs = (perCall: number) => [perCall * 1000e-9, perCall * 1000e-9 * 1.3];
    const rec = (eagainErrno: number) => ({ probe: 'syscalls', name: 'calls', python: '3.9.1', cpu: 0, calls: 1000, sleep_calls: 50, errno: { nosys: 38, wait_eagain: eagainErrno, wake_empty: 0, wake_empty_woken: 0 }, seconds: { labs: secs(600), nosys: secs(800), wake_empty: secs(1000), wait_eagain: secs(1100), nanosleep0: [50 * 5600e-9] } });
    const ok = fitAll(rawWith([{ probe: 'syscalls', python: '3.9.1', stdout: lines(rec(11)) }])).measurements;
    expect(ok['syscalls.ctypesCall'].value).toBe(600);
    expect(ok['syscalls.bare'].value).toBe(200);
    expect(ok['syscalls.futexWakeEmpty'].value).toBe(400);
    expect(ok['syscalls.futexWaitEagain'].value).toBe(500);
    // 500 ns of EAGAIN path: a bare syscall's half (100 ns) on the way out, 400 on the way in.
    expect(ok['syscalls.futexWaitEntry'].value).toBe(400);
    expect(ok['syscalls.futexWaitReturn'].value).toBe(100);
    expect(ok['syscalls.sleep'].value).toBe(5000);
    const bad = fitAll(rawWith([{ probe: 'syscalls', python: '3.9.1', stdout: lines(rec(22)) }]));
    expect(bad.measurements['syscalls.futexWaitEagain']).toBeUndefined();
    expect(bad.notes.join('\n')).toContain('not EAGAIN');
  });

  it('finds the cliff where an idle core stops polling, and reports none on a flat curve', () => {
    const cliff = findCliff([
      { gapUs: 10, medianNs: 5000 },
      { gapUs: 100, medianNs: 5500 },
      { gapUs: 300, medianNs: 30000 },
      { gapUs: 1000, medianNs: 31000 },
    ]);
    expect(cliff.shallowIdleNs).toBe(Math.round(Math.sqrt(100 * 300) * 1000));
    expect(cliff.below).toEqual([10, 100]);
    expect(cliff.above).toEqual([300, 1000]);
    expect(findCliff([{ gapUs: 10, medianNs: 20000 }, { gapUs: 3000, medianNs: 25000 }]).shallowIdleNs).toBeNull();
  });

  it('turns a failed, timed-out or malformed probe into one note each and goes on', () => {
    const raw = rawWith([
      { probe: 'loops', python: '3.9.1', stdout: lines({ probe: 'loops', name: 'countdown', python: '3.9.1', cpu: 'zero', iterations: [1], seconds: [] }) },
      { probe: 'pingpong', python: '3.9.1', timedOut: true, exitCode: null, error: 'timed out after 900 s (killed; the records it printed before count)' },
      { probe: 'kernel', python: '3.9.1', stdout: lines({ probe: 'kernel', name: 'settings', python: '3.9.1', release: '6.1.0', hz: 1000, hz_from: '/boot/config-6.1.0', sched: { '/proc/sys/kernel/sched_latency_ns': '24000000' } }) },
    ]);
    const { measurements, notes } = fitAll(raw);
    expect(notes.some((n) => n.startsWith('loops under 3.9.1: record "countdown" is malformed'))).toBe(true);
    expect(notes.some((n) => n.startsWith('pingpong under 3.9.1: timed out'))).toBe(true);
    expect(measurements['kernel.tickNs'].value).toBe(1_000_000);
    expect(measurements['kernel.schedLatencyNs'].value).toBe(24_000_000);
  });
});
