/**
 * The simulated Linux kernel on its own: plain tasks, no Python, a machine with no jitter so
 * that every cost is the profile's. Each test pins one behaviour of CFS or of the machine
 * (MODEL.md section 4).
 */
import { describe, expect, it } from 'vitest';
import { createCounters } from '../../src/engine/counters.js';
import { Engine } from '../../src/engine/engine.js';
import { Rng } from '../../src/engine/rng.js';
import { Kernel, Wake } from '../../src/os/kernel.js';
import { Task, TaskState } from '../../src/os/task.js';
import { articleProfile } from '../helpers.js';

const p = articleProfile;
const s = p.scheduler;

function machine(cores: number, n: number) {
  const engine = new Engine(createCounters(), new Rng('1', 0));
  const tasks = Array.from({ length: n }, (_, i) => new Task(i, `t${i}`));
  const kernel = new Kernel(engine, p, tasks, cores, () => {});
  return { engine, tasks, kernel };
}

/** A task that burns CPU in `burstNs` pieces for ever, counting the bursts it finished. */
function spin(kernel: Kernel, t: Task, burstNs: number, done: number[]): void {
  const again = (t: Task) => {
    done[t.id]++;
    kernel.run(t, burstNs, again);
  };
  kernel.start(t, (t) => kernel.run(t, burstNs, again));
}

describe('the kernel', () => {
  it('shares one core between two CPU-bound tasks in CFS slices decided on the scheduler tick', () => {
    const { engine, tasks, kernel } = machine(1, 2);
    const done = [0, 0];
    for (const t of tasks) spin(kernel, t, 100_000, done);
    engine.runUntil(1e9);
    // One core, two tasks: sched_latency 6 ms x (1 + ilog2(1)) = 6 ms shared, 3 ms each; the
    // tick (4 ms) decides, so each runs one tick's worth before the other gets the core.
    expect(tasks[0].cpuNs + tasks[1].cpuNs).toBeGreaterThan(0.99e9);
    expect(Math.abs(tasks[0].cpuNs - tasks[1].cpuNs)).toBeLessThanOrEqual(s.tickNs + 200_000);
    const switches = engine.counters.contextSwitches.involuntary;
    expect(switches).toBeGreaterThan(1e9 / s.tickNs / 2 - 2);
    expect(switches).toBeLessThan(1e9 / s.tickNs + 2);
  });

  it('wakes a task onto an idle core by its idle phase: going idle (an interrupt), polling (none: a cheap wake), halted, deep', () => {
    const { engine, tasks, kernel } = machine(2, 1);
    const t = tasks[0];
    const again = (t: Task) => kernel.block(t, (t) => kernel.run(t, 1000, again));
    kernel.start(t, (t) => kernel.block(t, (t) => kernel.run(t, 1000, again)));
    const untilBlocked = () => {
      while (t.state !== TaskState.Blocked) engine.step();
    };
    untilBlocked();
    const seen: [number, number][] = [];
    for (const idleFor of [s.idlePollStartNs / 2, (s.idlePollStartNs + s.idlePollEndNs) / 2, s.idlePollEndNs * 4, s.shallowIdleNs * 2]) {
      engine.runUntil(kernel.cores[t.core].idleSince + idleFor);
      // The waker runs on the other core.
      const w = kernel.wake(t, 1 - t.core);
      seen.push([w, t.runFrom - engine.now]);
      untilBlocked();
    }
    expect(seen).toEqual([
      [Wake.Ipi, s.pollingWakeupLatencyNs],
      [Wake.NoIpi, s.pollingWakeupLatencyNs],
      [Wake.Ipi, s.shallowIdleWakeupLatencyNs],
      [Wake.Ipi, s.idleWakeupLatencyNs],
    ]);
    // The waker pays for the interrupt only when there was one.
    expect(kernel.futexWakeCost(Wake.Ipi)).toBe(p.syscalls.futexWakeNs);
    expect(kernel.futexWakeCost(Wake.NoIpi)).toBe(p.syscalls.futexWakePollingNs);
  });

  it('places a woken sleeper at min_vruntime - latency/2, kept current, so that it preempts a hog at once (wake-up preemption)', () => {
    const { engine, tasks, kernel } = machine(1, 2);
    const [hog, sleeper] = tasks;
    const done = [0, 0];
    spin(kernel, hog, 1_000_000, done);
    kernel.start(sleeper, (t) => kernel.block(t, (t) => kernel.run(t, 100_000, (t) => kernel.block(t, () => {}))));
    engine.runUntil(50_000_000);
    expect(sleeper.state).toBe(TaskState.Blocked);
    const preempted = engine.counters.contextSwitches.involuntary;
    kernel.wake(sleeper);
    // The hog ran alone (no tick charged it), yet the wakee is placed from where the hog stands now.
    expect(hog.vruntime).toBeGreaterThan(45_000_000);
    expect(sleeper.vruntime).toBe(kernel.cores[0].minVruntime - (s.latencyNs * 1) / 2);
    expect(sleeper.state).toBe(TaskState.Running);
    expect(hog.state).toBe(TaskState.Runnable);
    expect(engine.counters.contextSwitches.involuntary).toBe(preempted + 1);
  });

  it('does not let a wakee preempt when its vruntime is not behind by more than the wake-up granularity', () => {
    const { engine, tasks, kernel } = machine(1, 2);
    const [hog, sleeper] = tasks;
    const done = [0, 0];
    spin(kernel, hog, 1_000_000, done);
    kernel.start(sleeper, (t) => kernel.block(t, () => {}));
    engine.runUntil(50_000_000);
    // As if the sleeper had run a lot before it slept: its vruntime is ahead of the hog's.
    sleeper.vruntime = 1e12;
    const before = engine.counters.contextSwitches.involuntary;
    kernel.wake(sleeper);
    expect(sleeper.state).toBe(TaskState.Runnable);
    expect(hog.state).toBe(TaskState.Running);
    expect(engine.counters.contextSwitches.involuntary).toBe(before);
  });

  it('moves the tasks of a removed core to the remaining ones, and an added core pulls a waiting task at once', () => {
    const { engine, tasks, kernel } = machine(2, 3);
    const done = [0, 0, 0];
    for (const t of tasks) spin(kernel, t, 100_000, done);
    engine.runUntil(1_000_000);
    const onCore = () => kernel.cores.filter((c) => c.online).map((c) => c.curr?.id ?? -1);
    expect(onCore().filter((id) => id >= 0)).toHaveLength(2);
    kernel.setCoreCount(1);
    expect(onCore()).toHaveLength(1);
    expect(tasks.filter((t) => t.state === TaskState.Running)).toHaveLength(1);
    expect(tasks.filter((t) => t.state === TaskState.Runnable)).toHaveLength(2);
    engine.runUntil(20_000_000);
    kernel.setCoreCount(3);
    expect(tasks.every((t) => t.state === TaskState.Running)).toBe(true);
    engine.runUntil(100_000_000);
    for (const t of tasks) expect(t.cpuNs).toBeGreaterThan(0);
  });

  it('wakes a timed block when its timer runs out (timedOut), and a wake-up cancels the timer', () => {
    const { engine, tasks, kernel } = machine(1, 1);
    const t = tasks[0];
    const woke: boolean[] = [];
    const waitAgain = (t: Task) => {
      woke.push(t.timedOut);
      if (woke.length < 2) kernel.blockFor(t, 1_000_000, waitAgain);
      else kernel.exit(t);
    };
    kernel.start(t, (t) => kernel.blockFor(t, 1_000_000, waitAgain));
    engine.runUntil(2_000_000);
    expect(woke).toEqual([true]);
    kernel.wake(t); // before its second timer runs out
    engine.runUntil(10_000_000);
    expect(woke).toEqual([true, false]);
    expect(t.state).toBe(TaskState.Done);
    expect(engine.queue.size).toBe(0);
  });

  it('gives a burst asked of a just-preempted task when it is back on a core, leaving no event behind', () => {
    const { engine, tasks, kernel } = machine(1, 2);
    const [holder, wakee] = tasks;
    let finishedAt = -1;
    let wakeeDone = -1;
    kernel.start(wakee, (t) =>
      kernel.block(t, (t) =>
        kernel.run(t, 50_000, (t) => {
          wakeeDone = engine.now;
          kernel.exit(t);
        }),
      ),
    );
    engine.runUntil(100_000);
    kernel.start(holder, (t) =>
      kernel.run(t, 20_000_000, (t) => {
        // Wakes the sleeper, which preempts this task; the task then asks for one more burst.
        kernel.wake(wakee);
        expect(t.state).toBe(TaskState.Runnable);
        kernel.run(t, 1000, (t) => {
          finishedAt = engine.now;
          kernel.exit(t);
        });
        expect(engine.queue.pending(t.burstKey)).toBe(false);
      }),
    );
    engine.runUntil(1e9);
    expect(wakee.state).toBe(TaskState.Done);
    // The holder's last microsecond of CPU ran once the wakee was done: a switch back, then 1 us.
    expect(finishedAt).toBe(wakeeDone + s.contextSwitchNs + 1000);
    expect(holder.state).toBe(TaskState.Done);
  });
});
