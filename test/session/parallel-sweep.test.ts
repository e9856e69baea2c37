import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../src/config/load.js';
import { maxSweepRuns, parseParam, sweepJobs } from '../../src/session/parallel-sweep.js';

const values = (spec: string, steps?: number, log = false) => parseParam(spec, steps, log).values;

describe('sweep parameters', () => {
  it('spaces a range evenly, or geometrically with --log, ends included', () => {
    expect(values('switch-interval=0.001..0.004', 4)).toEqual([0.001, 0.002, 0.003, 0.004]);
    expect(values('switch-interval=0.0001..0.01', 3, true)).toEqual([0.0001, 0.001, 0.01]);
    expect(values('switch-interval=0.0001..0.02')).toHaveLength(8);
  });

  it('takes every whole number of a short integer range, rounds and keeps each once otherwise', () => {
    expect(values('cores=1..4')).toEqual([1, 2, 3, 4]);
    expect(values('cores=1..3', 5)).toEqual([1, 2, 3]);
    expect(values('check-interval=10..10000', 4, true)).toEqual([10, 100, 1000, 10000]);
    expect(values('cores=1..256')).toHaveLength(8);
  });

  it('takes a list as given', () => {
    expect(values('check-interval=1000,10,100')).toEqual([1000, 10, 100]);
  });

  it.each([
    ['cores', '--param cores: write NAME=LO..HI or NAME=A,B,C (e.g. switch-interval=0.0001..0.02)'],
    ['gil=1..2', '--param gil=1..2: unknown parameter "gil" (known: switch-interval, check-interval, cores, threads, processes)'],
    ['cores=8..2', '--param cores=8..2: the range is empty (8 is not below 2)'],
    ['cores=4..4', '--param cores=4..4: the range is empty (4 is not below 4)'],
    ['cores=0..4', '--param cores=0..4: 0 is out of range for cores (1 to 256)'],
    ['switch-interval=0..0.01', '--param switch-interval=0..0.01: 0 is out of range for switch-interval (0.000001 to 10)'],
    ['cores=1.5..4', '--param cores=1.5..4: cores takes whole numbers (got 1.5)'],
    ['cores=a..4', '--param cores=a..4: "a" is not a number'],
    ['cores=1..2..3', '--param cores=1..2..3: one range only (LO..HI)'],
    ['cores=2,2', '--param cores=2,2: a value is given twice'],
  ])('refuses %s with one line', (spec, message) => {
    expect(() => parseParam(spec, undefined, false)).toThrow(message);
  });

  it('refuses a --steps below 2', () => {
    expect(() => parseParam('cores=1..8', 1, false)).toThrow('--steps: 1 must be a whole number of at least 2');
  });
});

describe('sweep points', () => {
  const preset = loadPreset('py2-threads-1core');

  it('crosses the parameters (the first varies slowest) and the policies, each point its own overrides', () => {
    const { points, jobs } = sweepJobs(preset, [parseParam('cores=1,2', undefined, false), parseParam('check-interval=10,100', undefined, false)], ['py2', 'py3'], { seed: '3' });
    expect(points.map((p) => `${p.values.cores}/${p.values['check-interval']}/${p.policy}`)).toEqual(['1/10/py2', '1/10/py3', '1/100/py2', '1/100/py3', '2/10/py2', '2/10/py3', '2/100/py2', '2/100/py3']);
    expect(jobs[5].overrides).toEqual({ seed: '3', policy: 'py3', cores: 2, checkInterval: 10 });
  });

  it('refuses more runs than it can make, and a parameter given twice', () => {
    const big = parseParam('switch-interval=0.001..0.01', 100, false);
    expect(() => sweepJobs(preset, [big, parseParam('cores=1..8', undefined, false)], ['py3'])).toThrow(`sweep: 100 x 8 points x 1 policy = 800 runs, more than ${maxSweepRuns}; use fewer --steps`);
    expect(() => sweepJobs(preset, [parseParam('cores=1,2', undefined, false), parseParam('cores=3,4', undefined, false)], ['py3'])).toThrow('--param: cores is given twice');
  });

  it('varies the number of workers by building the preset of each value once', () => {
    const two = loadPreset('py2-threads-2cores');
    const { jobs } = sweepJobs(two, [parseParam('threads=1..3', undefined, false)], ['py2', 'py3']);
    expect(jobs.map((j) => j.preset.threads.length)).toEqual([1, 1, 2, 2, 3, 3]);
    expect(jobs[0].preset).toBe(jobs[1].preset);
    expect(jobs[4].preset.threads.map((t) => t.name)).toEqual(['worker-1', 'worker-2', 'worker-3']);
    const procs = sweepJobs(two, [parseParam('processes=2', undefined, false)], ['py2']).jobs[0].preset;
    expect(procs.threads.map((t) => t.process ?? 'main')).toEqual(['main', 'worker-1', 'worker-2']);
    expect(() => sweepJobs(two, [parseParam('threads=1,2', undefined, false), parseParam('processes=1,2', undefined, false)], ['py2'])).toThrow('--param threads and --param processes: vary one (each says how the same work is run)');
  });
});
