/**
 * The main thread of a threaded program: it starts the workers and joins them, and it alone runs
 * a signal's handler. Under Python 2.7 a main thread blocked in `join` cannot run it before the
 * join returns (sem_wait is retried on EINTR) while the workers check at every tick (the signal
 * storm); under Python 3 the join gives up on EINTR and the handler runs at once. Either way the
 * interpreter then waits for the non-daemon threads (threading._shutdown).
 */
import { describe, expect, it } from 'vitest';
import { Simulation, type PolicyName } from '../../src/model/index.js';
import { config, countdownThread } from '../helpers.js';

const workers = (n: number) => [countdownThread('t1', n), countdownThread('t2', n)];

function sim(policy: PolicyName, cores = 2, n = 200_000): Simulation {
  return new Simulation(config({ policy, cores, threads: workers(n) }));
}

const mainOf = (s: Simulation) => s.snapshot().processes[0];

describe('the main thread', () => {
  it('a preset with threads and no main thread gets one: it starts each worker, then joins them, and ends last', () => {
    const s = sim('py2');
    const j = s.enableJournal(1 << 16);
    expect(s.threadInfo.map((t) => t.name)).toEqual(['t1', 't2', 'MainThread']);
    expect(mainOf(s).mainThread).toBe(2);
    s.runToEnd();
    const text: string[] = [];
    j.forEachSince(0, (_t, th, line) => {
      if (th === 2) text.push(line);
    });
    const at = (re: RegExp) => text.findIndex((l) => re.test(l));
    expect(at(/Thread.start\(t1\)/)).toBeGreaterThanOrEqual(0);
    expect(at(/Thread.start\(t2\)/)).toBeGreaterThan(at(/Thread.start\(t1\)/));
    expect(at(/t1.join\(\)/)).toBeGreaterThan(at(/Thread.start\(t2\)/));
    expect(at(/t2.join\(\)/)).toBeGreaterThan(at(/t1.join\(\)/));
    const done = s.snapshot().threads.map((t) => t.finishedAt!);
    expect(done[2]).toBeGreaterThanOrEqual(Math.max(done[0], done[1]));
    expect(s.finishedAt).toBe(done[2]);
  });

  it('a worker runs only once the main thread has started it', () => {
    const s = sim('py3');
    const j = s.enableJournal(1 << 12);
    s.runUntil(20e6);
    const lines: string[] = [];
    j.forEachSince(0, (_t, _th, line) => lines.push(line));
    const start2 = lines.findIndex((l) => /Thread.start\(t2\)/.test(l));
    const t2First = lines.findIndex((l) => /^t2:/.test(l));
    expect(start2).toBeGreaterThanOrEqual(0);
    expect(t2First).toBeGreaterThan(start2);
  });

  it('under Python 2.7 a SIGINT waits for the join: the signal stays pending, every worker check comes at the next tick, and the handler runs once t1 is done', () => {
    const quiet = sim('py2');
    quiet.runToEnd();
    const s = sim('py2');
    s.runUntil(3e6);
    const checksBefore = s.snapshot().counters.checks;
    const ticksBefore = s.snapshot().counters.ticks;
    s.apply({ type: 'signal' });
    s.runUntil(s.now + 2e6);
    const p = mainOf(s);
    expect(p.gil.pendingCalls).toBe(true);
    expect(p.mainWaits).toEqual({ kind: 'join', thread: 0 });
    const snap = s.snapshot();
    // The storm: a check at every tick (about 100 times as many checks per tick as before).
    expect((snap.counters.checks - checksBefore) / (snap.counters.ticks - ticksBefore)).toBeGreaterThan(0.9);
    s.runToEnd();
    const end = s.snapshot();
    expect(end.processes[0].gil.pendingCalls).toBe(false);
    expect(end.processes[0].interrupted).toBe(true);
    // Both workers still did all their work (threading._shutdown joined t2), only slower.
    expect(end.counters.ticks).toBe(quiet.snapshot().counters.ticks);
    expect(s.finishedAt).toBeGreaterThan(quiet.finishedAt);
  });

  it('under Python 3 the join gives up on EINTR: the handler runs at once, then the interpreter waits for the workers', () => {
    const quiet = sim('py3', 2, 5_000_000);
    quiet.runToEnd();
    const s = sim('py3', 2, 5_000_000);
    // Once both workers run (a SIGINT while the main thread still starts them ends the script
    // before the second start: that thread never runs).
    s.runUntil(50e6);
    expect(mainOf(s).mainWaits).toEqual({ kind: 'join', thread: 0 });
    s.apply({ type: 'signal' });
    expect(mainOf(s).gil.pendingCalls).toBe(true);
    // Woken by the signal, it needs the GIL: at most a switch interval and a check point.
    s.runUntil(s.now + 6e6);
    const p = mainOf(s);
    expect(p.gil.pendingCalls).toBe(false);
    expect(p.interrupted).toBe(true);
    expect(p.mainWaits?.kind).toBe('join');
    s.runToEnd();
    expect(s.snapshot().counters.ticks).toBe(quiet.snapshot().counters.ticks);
    expect(Math.abs(s.finishedAt - quiet.finishedAt) / quiet.finishedAt).toBeLessThan(0.05);
  });

  it('a sequential program (a lone main thread) ends at the KeyboardInterrupt, under either interpreter', () => {
    for (const policy of ['py2', 'py3'] as const) {
      const s = new Simulation(config({ policy, cores: 1, threads: [countdownThread('main', 10_000_000, { main: true })] }));
      s.runUntil(50e6);
      s.apply({ type: 'signal' });
      s.runToEnd();
      expect(s.finished, policy).toBe(true);
      expect(s.finishedAt, policy).toBeLessThan(51e6);
      expect(s.snapshot().counters.ticks, policy).toBeLessThan(20_000_000);
    }
  });
});
