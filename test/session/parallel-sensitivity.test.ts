import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../src/config/load.js';
import { sensitivityText } from '../../src/cli/commands/reproduce.js';
import { runJob } from '../../src/session/parallel-job.js';
import { profileValues, sensitivityReport, valuesFor, withValue } from '../../src/session/parallel-sensitivity.js';
import { runParallel } from '../../src/session/parallel.js';

const one = loadPreset('py2-threads-1core');
const echo = loadPreset('echo-fib-py3');
const run = (_label: string, jobs: Parameters<typeof runParallel>[0]) => runParallel(jobs);

describe('profile values', () => {
  it('are every non-zero number of the profile, found by walking it', () => {
    const paths = profileValues(one.machine).map((v) => v.path);
    expect(paths).toContain('jitter');
    expect(paths).toContain('scheduler.tickNs');
    expect(paths).toContain('syscalls.futexWakeNs');
    expect(paths).toContain('interpreter.nsPerIteration.fib.py3');
    expect(paths).toContain('interpreter.freeThreadedOverhead');
    const count = (o: unknown): number => (typeof o === 'number' ? (o === 0 ? 0 : 1) : o !== null && typeof o === 'object' ? Object.values(o).reduce((n: number, v) => n + count(v), 0) : 0);
    expect(paths).toHaveLength(count(one.machine));
  });

  it('are varied on a copy, whole numbers kept whole', () => {
    const up = withValue(one.machine, 'syscalls.futexWakeNs', 1.2);
    expect(up.syscalls.futexWakeNs).toBe(Math.round(one.machine.syscalls.futexWakeNs * 1.2));
    expect(withValue(one.machine, 'jitter', 0.8).jitter).toBeCloseTo(one.machine.jitter * 0.8, 12);
    expect(one.machine.syscalls.futexWakeNs).not.toBe(up.syscalls.futexWakeNs);
  });

  it('leave out the per-iteration costs of loop kinds the preset does not run', () => {
    const paths = valuesFor(one).map((v) => v.path);
    expect(paths).toContain('interpreter.nsPerIteration.countdown.py2');
    expect(paths.some((p) => p.includes('.fib.'))).toBe(false);
  });
});

describe('the sensitivity report', () => {
  it('moves each value by 20% both ways and finds what a figure hangs on', async () => {
    const r = await sensitivityReport([one, echo], run);
    expect(r.interrupted).toBe(false);
    const [a, b] = r.rows;
    expect(a.variations).toHaveLength(2 * valuesFor(one).length);
    // A CPU-bound Python 2 run on one core takes time in proportion to the interpreter's speed.
    expect(a.sensitiveTo[0].path).toBe('interpreter.nsPerIteration.countdown.py2');
    expect(a.sensitiveTo[0].down!).toBeLessThan(-0.1);
    expect(a.sensitiveTo[0].up!).toBeGreaterThan(0.1);
    const alone = runJob({ preset: one, profile: withValue(one.machine, 'interpreter.nsPerIteration.countdown.py2', 1.2) }).summary.simulatedSeconds;
    expect(a.sensitiveTo[0].up).toBeCloseTo(alone / a.seconds - 1, 12);
    expect(a.fragile).toBe(a.sensitiveTo.some((s) => Math.abs(s.down ?? 0) > 0.25 || Math.abs(s.up ?? 0) > 0.25));
    // The Python 3 echo server waits for switch intervals, which are not a machine cost.
    expect(b.sensitiveTo.every((s) => !s.path.startsWith('interpreter.nsPerIteration.countdown'))).toBe(true);
    expect(b.stalled).toEqual([]);
  });

  it('stops a varied run at its event budget, lists it and calls the figure fragile', async () => {
    const r = await sensitivityReport([one], run, { factor: 0.5, minEvents: 0 });
    const row = r.rows[0];
    expect(row.stalled).toHaveLength(row.variations.length);
    expect(row.fragile).toBe(true);
    const md = sensitivityText(r, true);
    expect(md).toMatch(/\| py2-threads-1core \| \d\.\d{3} \| \*\*fragile\*\* \|/);
    expect(md).toMatch(/- py2-threads-1core: jitter -20%: stopped at its event budget at \d\.\d{3} s \(far slower, or starving\)/);
  });
});
