import { describe, expect, it } from 'vitest';
import { loadPreset, presetFromData, type Preset } from '../../src/config/load.js';
import { messageBytes, processCostsOf, withWorkers, workersUnusable } from '../../src/config/workers.js';
import type { OpSpec } from '../../src/model/index.js';
import { runJob } from '../../src/session/parallel-job.js';

const threads2 = loadPreset('py2-threads-2cores');
const iterations = (p: Preset) => p.threads.map((t) => t.program.filter((o): o is Extract<OpSpec, { op: 'loop' }> => o.op === 'loop').reduce((n, o) => n + o.iterations, 0));
const seconds = (p: Preset, policy?: 'py2' | 'py3') => runJob({ preset: p, overrides: policy === undefined ? {} : { policy } }).summary.simulatedSeconds;
const variant = (base: Preset, threads: unknown[]) => {
  const { file, machine, ...data } = base;
  return presetFromData({ ...data, threads }, file, machine);
};

describe('CPU-bound work split among threads', () => {
  it('gives each of n threads a share of the same job, in the main process', () => {
    const p = withWorkers(threads2, 3, 'threads');
    expect(p.threads.map((t) => [t.name, t.process ?? 'main', t.main ?? false])).toEqual([
      ['worker-1', 'main', false],
      ['worker-2', 'main', false],
      ['worker-3', 'main', false],
    ]);
    expect(iterations(p)).toEqual([16_666_667, 16_666_667, 16_666_666]);
    expect(p.expected).toBeUndefined();
  });

  it('makes one worker the main thread: the sequential program, to the nanosecond', () => {
    const one = withWorkers(threads2, 1, 'threads');
    expect(one.threads).toEqual([{ name: 'worker-1', main: true, program: [{ op: 'loop', kind: 'countdown', iterations: 50_000_000 }] }]);
    expect(seconds(one)).toBe(seconds(loadPreset('py2-sequential-2cores')));
  });

  it('keeps the other threads and an endless loop endless', () => {
    const p = withWorkers(loadPreset('echo-fib-py3'), 2, 'threads');
    expect(p.threads.map((t) => t.name)).toEqual(['echo-server', 'worker-1', 'worker-2']);
    expect(iterations(p).slice(1)).toEqual([1e12, 1e12]);
    expect(p.threads[1].daemon).toBe(true);
  });
});

describe('CPU-bound work split among processes', () => {
  const costs = processCostsOf(threads2)!;

  it('reads the multiprocessing costs from the preset\'s machine profile', () => {
    expect(costs.forkNs).toBeGreaterThan(0);
    expect(costs.childStartNs).toBeGreaterThan(costs.forkNs);
    expect(costs.pickleNs).toBeGreaterThan(0);
  });

  it('forks each worker from a pool thread, sends each its task and collects its result, pickling both ways', () => {
    const p = withWorkers(threads2, 2, 'processes');
    const [pool, w1, w2] = p.threads;
    const pickle = { op: 'ccall', us: costs.pickleNs / 1000 };
    expect(pool).toMatchObject({ name: 'pool', main: true });
    expect(pool.process).toBeUndefined();
    expect(pool.program).toEqual([
      { op: 'ccall', us: costs.forkNs / 1000 },
      { op: 'ccall', us: costs.forkNs / 1000 },
      { op: 'accept', socket: 'task-1' }, pickle, { op: 'send', socket: 'task-1', bytes: messageBytes },
      { op: 'accept', socket: 'task-2' }, pickle, { op: 'send', socket: 'task-2', bytes: messageBytes },
      { op: 'recv', socket: 'task-1' }, pickle,
      { op: 'recv', socket: 'task-2' }, pickle,
    ]);
    expect(w2).toEqual({
      name: 'worker-2', process: 'worker-2', main: true, startUs: (2 * costs.forkNs) / 1000,
      program: [
        { op: 'ccall', us: costs.childStartNs / 1000 },
        { op: 'connect', socket: 'task-2' }, { op: 'recv', socket: 'task-2' }, pickle,
        { op: 'loop', kind: 'countdown', iterations: 25_000_000 },
        pickle, { op: 'send', socket: 'task-2', bytes: messageBytes }, { op: 'close', socket: 'task-2' },
      ],
    });
    expect(w1.startUs).toBe(costs.forkNs / 1000);
  });

  it('runs each process under its own GIL: two processes on two cores take half the time, plus the start-up', () => {
    const sequential = seconds(loadPreset('py36-sequential'));
    const two = seconds(withWorkers(loadPreset('py36-sequential'), 2, 'processes'));
    const startUp = (2 * costs.forkNs + costs.childStartNs) / 1e9;
    expect(two).toBeGreaterThan(sequential / 2 + startUp);
    expect(two).toBeLessThan(sequential / 2 + startUp + 0.005);
    // Threads of one process take turns with the GIL instead.
    expect(seconds(withWorkers(loadPreset('py36-sequential'), 2, 'threads'))).toBeGreaterThan(sequential * 0.98);
  });

  it('needs the costs in the profile', () => {
    expect(() => withWorkers(threads2, 2, 'processes', null)).toThrow('profile article-vm has no "processes" costs (forkNs, childStartNs, pickleNs) to run workers as processes');
  });
});

describe('what cannot be split', () => {
  it('says why, in one line', () => {
    expect(workersUnusable(variant(threads2, [{ name: 'nap', program: [{ op: 'sleep', us: 10 }] }]))).toBe('preset py2-threads-2cores has no CPU-bound thread (one that runs a loop) to split among workers');
    expect(workersUnusable(variant(threads2, [threads2.threads[0], { name: 'b', program: [{ op: 'loop', kind: 'fib', iterations: 5 }] }]))).toBe('preset py2-threads-2cores: its CPU-bound threads run different programs, so their work cannot be split evenly');
    expect(workersUnusable(loadPreset('py2-threads-1core'))).toBeNull();
    expect(() => withWorkers(variant(threads2, [{ name: 'a', program: [{ op: 'loop', kind: 'countdown', iterations: 3 }] }]), 4, 'threads')).toThrow('preset py2-threads-2cores: a loop of 3 iterations cannot be split among 4 workers');
  });
});
