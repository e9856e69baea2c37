// Over 300 lines on purpose: the scheduler's state (cores, run queues, slices, idle states) has
// one owner, and its paths (wake, block, preempt, tick, pull) change it together.
import type { Engine } from '../engine/engine.js';
import { CoreSet } from './core-set.js';
import type { MachineProfile } from './machine-profile.js';
import { RunQueue } from './run-queue.js';
import { type Continuation, Task, TaskState } from './task.js';

/** One CPU core: what runs on it and who waits for it. */
export interface Core<T extends Task = Task> {
  readonly id: number;
  /** Whether the core is online (the user can remove cores while the simulation runs). */
  online: boolean;
  /** Task on the core, or null when idle. */
  curr: T | null;
  /** Run queue, by vruntime (leftmost first); the running task is not in it. */
  readonly rq: RunQueue<T>;
  /** CFS `min_vruntime`: never goes back; where sleepers are placed from. */
  minVruntime: number;
  /** Time the core spent running tasks, ns (for busy shares over a window). */
  busyNs: number;
  /** Event-queue key of its tick: pending exactly while a tick is armed for the current task. */
  sliceKey: number;
  /** Instant the current task's slice started. */
  sliceStart: number;
  /** Instant the core went idle (it reaches a deep idle state only after a while). */
  idleSince: number;
}

/** Called whenever a task changes scheduler state, so the engine can trace it. */
export type TaskObserver<T extends Task = Task> = (task: T) => void;

/**
 * The simulated Linux kernel: per-core run queues with CFS (virtual runtime, time slices,
 * wake-up preemption with sleeper placement), idle pulling, wake-up latency to idle cores and
 * context-switch cost (MODEL.md section 4). Tasks do work in bursts; when a burst ends the
 * kernel calls the task's continuation, which asks for another burst, blocks or exits.
 */
export class Kernel<T extends Task = Task> {
  readonly cores: Core<T>[] = [];
  /** How many of `cores` are online (the first ones). */
  onlineCores = 0;
  private latency = 0;
  private minGranularity = 0;
  private wakeupGranularity = 0;
  /** Event kinds: a burst ends (target: task), a scheduler tick (target: core), a timer (target: task). */
  private readonly burstEnd: number;
  private readonly tick: number;
  private readonly timer: number;
  /** Online cores running nothing (mirrors `online && curr === null`), for wake-up placement. */
  private readonly idle = new CoreSet();
  /** Cores by run-queue length: `byQueueLength[n]` holds those with `n` tasks waiting (n >= 1). */
  private readonly byQueueLength: CoreSet[] = [];
  /** Length of the longest run queue (0: nobody waits anywhere), for idle pulling. */
  private longest = 0;

  constructor(
    private readonly sim: Engine,
    private readonly profile: MachineProfile,
    private readonly tasks: T[],
    cores: number,
    private readonly observe: TaskObserver<T>,
  ) {
    this.burstEnd = sim.on((id) => this.onBurstEnd(id));
    this.tick = sim.on((id) => this.onSliceEnd(id));
    this.timer = sim.on((id) => this.onTimer(id));
    this.setCoreCount(cores);
  }

  // ---- what a running task's continuation may do -------------------------------------------

  /**
   * Burns `ns` of CPU on the calling task, then calls `next`. A task preempted in its own
   * continuation (it woke a task that took its core) does the burst once it is back on a core.
   */
  run(task: T, ns: number, next: Continuation<T>): void {
    task.burstLeft = ns;
    task.next = next;
    // A task preempted meanwhile (a wakee took its core) does the burst once it is back on one.
    if (task.state === TaskState.Running) this.armBurst(task);
  }

  /**
   * Puts the calling task to sleep until `wake`. Once it is back on a core it first burns
   * `resumeNs` (the return path of the system call it slept in), then `next` runs.
   */
  block(task: T, next: Continuation<T>, resumeNs = 0): void {
    this.mustRun(task, 'block');
    task.next = next;
    task.burstLeft = resumeNs;
    task.timedOut = false;
    this.sim.counters.contextSwitches.voluntary++;
    task.voluntarySwitches++;
    this.leaveCore(task, TaskState.Blocked);
  }

  /**
   * Like `block`, as if the task first burned `cpuNs` on its core and blocked then. For a caller
   * that knows nothing else can happen on the machine meanwhile (no event before `now + cpuNs`,
   * nobody queued for this core): it saves the event of the burst.
   */
  blockAfter(task: T, cpuNs: number, next: Continuation<T>, resumeNs = 0): void {
    const core = this.cores[task.core];
    this.account(core);
    task.cpuNs += cpuNs;
    task.vruntime += cpuNs;
    core.busyNs += cpuNs;
    this.block(task, next, resumeNs);
    if (core.curr === null) core.idleSince = this.sim.now + cpuNs;
  }

  /** Whether nobody waits for the core a task runs on. */
  coreQueueEmpty(task: T): boolean {
    return this.cores[task.core].rq.length === 0;
  }

  /**
   * Like `block`, but the kernel wakes the task after `timeoutNs` with `timedOut` set: an hrtimer
   * that, with the task's timer slack, fires up to `timerSlackNs` late (at the end of the slack
   * when nothing else is due then).
   */
  blockFor(task: T, timeoutNs: number, next: Continuation<T>, resumeNs = 0): void {
    this.block(task, next, resumeNs);
    if (task.timerKey < 0) task.timerKey = this.sim.queue.newFarKey();
    this.sim.schedule(task.timerKey, this.sim.now + timeoutNs + this.sim.cost(this.profile.syscalls.timerSlackNs), this.timer, task.id);
  }

  /** Ends the calling task. */
  exit(task: T): void {
    this.mustRun(task, 'exit');
    task.next = null;
    this.leaveCore(task, TaskState.Done);
  }

  /**
   * Only a task on a core can block or exit. A continuation that woke a task which preempted its
   * own (CFS wake-up preemption) must go on through `run` (a burst, even of 0 ns): Linux switches
   * it out on its way back to user space, and whatever it does next happens once it is back.
   */
  private mustRun(task: T, what: string): void {
    if (task.state !== TaskState.Running) throw new Error(`${task.name} cannot ${what}: it is not on a core (a continuation went on after it was preempted)`);
  }

  // ---- what others may do to a task --------------------------------------------------------

  /** Starts a new task: it becomes runnable and runs `next` when it gets a core. */
  start(task: T, next: Continuation<T>): void {
    task.next = next;
    task.burstLeft = 0;
    task.core = this.placeCore(task);
    task.vruntime = this.cores[task.core].minVruntime;
    this.makeRunnable(task, false);
  }

  /**
   * Wakes a blocked task (a futex wake, data arriving) for a waker running on core `wakerCore`
   * (-1: an interrupt, no waker): `Wake.NotAsleep` if it was not asleep, else whether the wake
   * needed an interrupt to another core (`Wake.Ipi`: the target core is busy, halted or only
   * going idle) or not (`Wake.NoIpi`: the waker's own core, or a core that polls).
   */
  wake(task: T, wakerCore = -1): Wake {
    if (task.state !== TaskState.Blocked) return Wake.NotAsleep;
    this.cancelTimer(task);
    task.timedOut = false;
    this.sim.counters.wakeups++;
    return this.makeRunnable(task, true, wakerCore);
  }

  /**
   * A FUTEX_WAKE by a task on core `wakerCore`: wakes `sleeper` (undefined: the futex's queue was
   * empty) and returns what the call costs its caller (jittered), ns. Counts the system call.
   */
  futexWake(sleeper: T | undefined, wakerCore: number): number {
    this.sim.counters.syscalls.futex_wake++;
    if (sleeper === undefined) return this.sim.cost(this.profile.syscalls.futexWakeEmptyNs);
    return this.futexWakeCost(this.wake(sleeper, wakerCore));
  }

  /** What a FUTEX_WAKE that woke a task as `wake` says costs its caller (jittered), ns. */
  futexWakeCost(w: Wake): number {
    const s = this.profile.syscalls;
    return this.sim.cost(w === Wake.Ipi ? s.futexWakeNs : s.futexWakePollingNs);
  }

  /**
   * Replaces what a task will do next, wherever it is (used when the user swaps the GIL policy:
   * a thread waiting in the old policy re-enters the new one). A blocked task is made runnable
   * without counting a wake-up; a running or queued one drops the rest of its burst.
   */
  redirect(task: T, next: Continuation<T>): void {
    if (task.state === TaskState.Blocked) {
      this.cancelTimer(task);
      task.timedOut = false;
      task.next = next;
      task.burstLeft = 0;
      this.makeRunnable(task, false);
    } else if (task.state === TaskState.Running) {
      this.run(task, 0, next);
    } else if (task.state === TaskState.Runnable) {
      task.next = next;
      task.burstLeft = 0;
    }
  }

  /** CPU work done so far in the current burst of a task (0 if it is not running). */
  burstDone(task: T): number {
    if (task.state !== TaskState.Running) return 0;
    const d = this.sim.now - task.burstFrom;
    return d > 0 ? d : 0;
  }

  /**
   * Replaces the current burst of a running or queued task: `left` ns of CPU from now, then
   * `next` (a burst cut short and planned again, or one that ends sooner with another step).
   */
  replan(task: T, left: number, next: Continuation<T>): void {
    task.next = next;
    task.burstLeft = left;
    if (task.state === TaskState.Running) this.armBurst(task);
  }

  // ---- events ------------------------------------------------------------------------------

  /** A burst ended: run the continuation. */
  private onBurstEnd(id: number): void {
    const task = this.tasks[id];
    const next = this.burstOver(task);
    if (next === null) throw new Error(`task ${task.name} ended a burst with nothing to do`);
    next(task);
  }

  // ---- for a fast path that runs a stretch of events itself (Engine.foldUntil) ---------------

  /** Takes a running task's pending burst end out of the queue: the fast path keeps it (`rearm` gives it back). */
  unarm(task: T): void {
    this.cancelBurst(task);
  }

  /** Gives the queue back the burst end of a running task whose burst the fast path kept, in its place `seq` among events at the same instant. */
  rearm(task: T, seq: number): void {
    this.sim.queue.scheduleAs(task.burstKey, task.burstFrom + task.burstLeft, this.burstEnd, task.id, seq);
  }

  /** `run` for a running task whose burst end the fast path keeps: the same books, nothing queued; returns when it ends. */
  runUnqueued(task: T, ns: number, next: Continuation<T>): number {
    task.burstLeft = ns;
    task.next = next;
    return this.burstStart(task) + ns;
  }

  /** What the end of a burst does to the task before its continuation runs; returns the continuation. */
  burstOver(task: T): Continuation<T> | null {
    task.burstLeft = 0;
    const next = task.next;
    task.next = null;
    return next;
  }

  /** A timed wait ran out. */
  private onTimer(id: number): void {
    const task = this.tasks[id];
    if (this.sim.journal !== null) this.sim.say(task.id, `${task.name}: its timed wait runs out`);
    task.timedOut = true;
    this.sim.counters.wakeups++;
    this.makeRunnable(task, true);
  }

  /**
   * A scheduler tick on a core with tasks waiting: CFS's `check_preempt_tick`. The running task
   * is rescheduled when it has run its ideal slice, or when it is ahead of the leftmost waiting
   * task by more than that slice; the leftmost then runs if its vruntime is smaller.
   */
  private onSliceEnd(coreId: number): void {
    const core = this.cores[coreId];
    const curr = core.curr;
    if (curr === null || core.rq.length === 0) {
      if (this.sim.journal !== null) this.sim.say(curr?.id ?? -1, `cpu${core.id}: scheduler tick: nobody waits for this core`);
      return;
    }
    this.account(core);
    const ideal = this.idealSlice(core);
    const ran = this.sim.now - core.sliceStart;
    const left = core.rq.peek()!;
    const resched = ran > ideal || (ran >= this.minGranularity && curr.vruntime - left.vruntime > ideal);
    if (resched && left.vruntime < curr.vruntime) {
      if (this.sim.journal !== null) this.sim.say(curr.id, `cpu${core.id}: ${curr.name}'s time slice is over: ${left.name} runs (CFS)`);
      this.preempt(core);
      this.pickNext(core);
      return;
    }
    if (resched) core.sliceStart = this.sim.now; // picked again: a new slice
    if (this.sim.journal !== null)
      this.sim.say(curr.id, `cpu${core.id}: scheduler tick: ${curr.name} runs on${resched ? ', picked again for a new slice' : ''} (${left.name} waits: CFS finds no reason to switch yet)`);
    this.armSlice(core);
  }

  // ---- machine changes ---------------------------------------------------------------------

  /**
   * Sets the number of online cores. Tasks on removed cores are preempted and queued on the
   * remaining ones; added cores pull waiting tasks at once.
   */
  setCoreCount(n: number): void {
    this.onlineCores = n;
    while (this.cores.length < n) {
      const id = this.cores.length;
      this.cores.push({
        id,
        online: false,
        curr: null,
        rq: new RunQueue<T>(),
        minVruntime: this.cores.length > 0 ? this.cores[0].minVruntime : 0,
        busyNs: 0,
        sliceKey: this.sim.queue.newKey(),
        sliceStart: 0,
        idleSince: -Infinity,
      });
    }
    const displaced: T[] = [];
    for (const core of this.cores) {
      const want = core.id < n;
      if (want && !core.online) {
        core.online = true;
        this.setCurr(core, core.curr);
        core.minVruntime = Math.max(core.minVruntime, this.cores[0].minVruntime);
      } else if (!want && core.online) {
        const curr = core.curr;
        if (curr !== null) {
          this.preempt(core);
          displaced.push(curr);
        }
        // The queue in its order, less the task just preempted (it went first, above).
        for (let t = this.dequeue(core); t !== undefined; t = this.dequeue(core)) if (t !== curr) displaced.push(t);
        core.online = false;
        this.setCurr(core, null);
        this.disarmSlice(core);
      }
    }
    const f = 1 + Math.floor(Math.log2(Math.min(n, 8)));
    this.latency = this.profile.scheduler.latencyNs * f;
    this.minGranularity = this.profile.scheduler.minGranularityNs * f;
    this.wakeupGranularity = this.profile.scheduler.wakeupGranularityNs * f;
    for (const t of displaced) {
      t.state = TaskState.Blocked; // momentarily, so makeRunnable places it afresh
      this.makeRunnable(t, false);
    }
    for (const core of this.cores) if (core.online && core.curr === null) this.pickNext(core);
  }

  // ---- internals ---------------------------------------------------------------------------

  private armBurst(task: T): void {
    const from = this.burstStart(task);
    if (task.burstKey < 0) task.burstKey = this.sim.queue.newKey(true);
    this.sim.schedule(task.burstKey, from + task.burstLeft, this.burstEnd, task.id);
  }

  /** A running task's burst starts now, or once its switch-in is over: sets and returns `burstFrom`. */
  private burstStart(task: T): number {
    const now = this.sim.now;
    const from = task.runFrom > now ? task.runFrom : now;
    task.burstFrom = from;
    return from;
  }

  /** Drops a task's pending burst end (it left its core). */
  private cancelBurst(task: T): void {
    if (task.burstKey >= 0) this.sim.queue.cancel(task.burstKey);
  }

  private cancelTimer(task: T): void {
    if (task.timerKey >= 0) this.sim.queue.cancel(task.timerKey);
  }

  /** Charges the running task of a core for the time since it was last charged. */
  private account(core: Core<T>): void {
    const t = core.curr;
    if (t === null) return;
    const now = this.sim.now;
    const ran = now - t.runFrom;
    if (ran > 0) {
      t.cpuNs += ran;
      t.vruntime += ran;
      core.busyNs += ran;
      t.runFrom = now;
    }
    const first = core.rq.peek();
    const left = first !== undefined && first.vruntime < t.vruntime ? first.vruntime : t.vruntime;
    if (left > core.minVruntime) core.minVruntime = left;
  }

  /** Takes the running task off its core (it stays runnable, queued on the same core). */
  private preempt(core: Core<T>): void {
    const t = core.curr!;
    this.account(core);
    const done = this.sim.now - t.burstFrom;
    if (done > 0) t.burstLeft = Math.max(0, t.burstLeft - done);
    this.cancelBurst(t);
    this.sim.counters.contextSwitches.involuntary++;
    t.involuntarySwitches++;
    this.setCurr(core, null);
    this.disarmSlice(core);
    t.state = TaskState.Runnable;
    t.runnableSince = this.sim.now;
    this.enqueue(core, t);
    this.observe(t);
  }

  private leaveCore(task: T, state: TaskState): void {
    const core = this.cores[task.core];
    this.account(core);
    this.cancelBurst(task);
    this.setCurr(core, null);
    this.disarmSlice(core);
    task.state = state;
    this.observe(task);
    this.pickNext(core);
  }

  /** Sets what a core runs, keeping the set of idle cores in step. */
  private setCurr(core: Core<T>, t: T | null): void {
    core.curr = t;
    if (t === null && core.online) this.idle.add(core.id);
    else this.idle.delete(core.id);
  }

  private enqueue(core: Core<T>, t: T): void {
    core.rq.push(t);
    this.queueLengthChanged(core, core.rq.length - 1);
  }

  /** Takes the leftmost task off a core's run queue (undefined when none waits). */
  private dequeue(core: Core<T>): T | undefined {
    const t = core.rq.pop();
    if (t !== undefined) this.queueLengthChanged(core, core.rq.length + 1);
    return t;
  }

  /** Moves a core between the sets of cores by run-queue length after its queue grew or shrank by one. */
  private queueLengthChanged(core: Core<T>, before: number): void {
    const after = core.rq.length;
    if (before > 0) this.byQueueLength[before].delete(core.id);
    if (after > 0) (this.byQueueLength[after] ??= new CoreSet()).add(core.id);
    if (after > this.longest) this.longest = after;
    else while (this.longest > 0 && this.byQueueLength[this.longest].size === 0) this.longest--;
  }

  /** Puts a task on a core to run, after `latency` ns of switch-in or wake-up. */
  private dispatch(core: Core<T>, t: T, latency: number): void {
    const now = this.sim.now;
    this.setCurr(core, t);
    if (t.state === TaskState.Runnable) t.runnableNs += now - t.runnableSince;
    t.state = TaskState.Running;
    t.core = core.id;
    t.runFrom = now + latency;
    core.sliceStart = t.runFrom;
    this.disarmSlice(core);
    this.observe(t);
    this.armBurst(t);
    if (core.rq.length > 0) this.armSlice(core);
  }

  /** CFS `sched_slice`: the period (latency, stretched past 8 tasks) shared among the runnable. */
  private idealSlice(core: Core<T>): number {
    const nr = core.rq.length + 1;
    const period = nr * this.minGranularity > this.latency ? nr * this.minGranularity : this.latency;
    return Math.max(this.minGranularity, Math.floor(period / nr));
  }

  /** Arms the next scheduler tick on a core that has tasks waiting (ticks come every `tickNs`). */
  private armSlice(core: Core<T>): void {
    if (this.sim.queue.pending(core.sliceKey) || core.curr === null) return;
    const tick = this.profile.scheduler.tickNs;
    const next = (Math.floor(this.sim.now / tick) + 1) * tick;
    this.sim.schedule(core.sliceKey, next, this.tick, core.id);
  }

  /** Drops a core's pending tick (its task changed or left). */
  private disarmSlice(core: Core<T>): void {
    this.sim.queue.cancel(core.sliceKey);
  }

  /** Gives an idle core its next task: its own queue first, else one pulled from the busiest. */
  private pickNext(core: Core<T>): void {
    if (!core.online) return;
    if (core.rq.length > 0) {
      this.dispatch(core, this.dequeue(core)!, this.sim.cost(this.profile.scheduler.contextSwitchNs));
      return;
    }
    // The busiest queue (the longest, the lowest core among equals; only online cores have one).
    if (this.longest > 0) {
      const from = this.cores[this.byQueueLength[this.longest].lowest()];
      const t = this.dequeue(from)!;
      t.vruntime += core.minVruntime - from.minVruntime;
      this.dispatch(core, t, this.sim.cost(this.profile.scheduler.contextSwitchNs));
      return;
    }
    core.idleSince = this.sim.now;
  }

  /**
   * Where an idle core is in its way down since it went idle: going idle, then polling for work
   * (from `idlePollStartNs` to `idlePollEndNs`), then halted, and in a deep state past `shallowIdleNs`.
   */
  private idlePhase(core: Core<T>): IdlePhase {
    const s = this.profile.scheduler;
    const idle = this.sim.now - core.idleSince;
    if (idle < s.idlePollEndNs) return idle >= s.idlePollStartNs ? IdlePhase.Polling : IdlePhase.Going;
    return idle < s.shallowIdleNs ? IdlePhase.Halted : IdlePhase.Deep;
  }

  /** How long an idle core in `phase` takes to run a task woken onto it: short until it halts, long once in a deep state. */
  private idleWakeupLatency(phase: IdlePhase): number {
    const s = this.profile.scheduler;
    return phase === IdlePhase.Halted ? s.shallowIdleWakeupLatencyNs : phase === IdlePhase.Deep ? s.idleWakeupLatencyNs : s.pollingWakeupLatencyNs;
  }

  /**
   * Wake-up placement: the task's last core if idle, else the lowest idle core, else its last
   * core; a task whose last core went offline goes to the shortest queue.
   */
  private placeCore(t: T): number {
    const prev = this.cores[t.core];
    if (prev !== undefined && prev.online && prev.curr === null) return prev.id;
    const idle = this.idle.lowest();
    if (idle >= 0) return idle;
    if (prev !== undefined && prev.online) return prev.id;
    // Once per task and core removal: a scan is fine here.
    let best = this.cores[0];
    for (const c of this.cores) if (c.online && c.rq.length < best.rq.length) best = c;
    return best.id;
  }

  /** Makes a blocked or new task runnable: an idle core takes it, else it queues and may preempt. */
  private makeRunnable(t: T, sleeper: boolean, wakerCore = -1): Wake {
    const core = this.cores[this.placeCore(t)];
    // enqueue_entity: update_curr first, so that min_vruntime is current when the task is placed
    // (a core that runs one task alone has no tick to keep it current).
    this.account(core);
    if (core.id !== t.core) {
      this.account(this.cores[t.core]);
      t.vruntime += core.minVruntime - this.cores[t.core].minVruntime;
    }
    if (sleeper) {
      const floor = core.minVruntime - this.latency / 2;
      if (t.vruntime < floor) t.vruntime = floor;
    }
    t.core = core.id;
    t.state = TaskState.Runnable;
    t.runnableSince = this.sim.now;
    if (core.curr === null) {
      const phase = this.idlePhase(core);
      const latency = this.sim.cost(sleeper ? this.idleWakeupLatency(phase) : this.profile.scheduler.contextSwitchNs);
      if (this.sim.journal !== null && sleeper) this.sim.say(t.id, `${t.name}: woken; idle cpu${core.id} runs it after ${latency} ns (${idlePhaseWords[phase]})`);
      this.dispatch(core, t, latency);
      // A polling core notices the task by itself; any other needs an interrupt.
      return phase === IdlePhase.Polling ? Wake.NoIpi : Wake.Ipi;
    }
    const remote = core.id !== wakerCore ? Wake.Ipi : Wake.NoIpi;
    const curr = core.curr;
    if (sleeper && curr.vruntime - t.vruntime > this.wakeupGranularity) {
      // Wake-up preemption: the wakee has the smallest vruntime here, so it runs at once.
      if (this.sim.journal !== null) this.sim.say(t.id, `${t.name}: woken; preempts ${curr.name} on cpu${core.id} (CFS wake-up preemption)`);
      this.preempt(core);
      this.dispatch(core, t, this.sim.cost(this.profile.scheduler.contextSwitchNs));
      return remote;
    }
    if (this.sim.journal !== null && sleeper) this.sim.say(t.id, `${t.name}: woken; waits for cpu${core.id}, where ${curr.name} runs`);
    this.enqueue(core, t);
    this.observe(t);
    this.armSlice(core);
    return remote;
  }
}

/** Where an idle core is (see `Kernel.idlePhase`). */
const IdlePhase = { Going: 0, Polling: 1, Halted: 2, Deep: 3 } as const;
type IdlePhase = (typeof IdlePhase)[keyof typeof IdlePhase];

/** Each idle phase in words, for the narration. */
const idlePhaseWords: Record<IdlePhase, string> = ['going idle', 'polling: no interrupt needed', 'halted', 'in a deep idle state'];

/** How a wake went (see `Kernel.wake`). */
export const Wake = {
  /** The task was not asleep. */
  NotAsleep: 0,
  /** Woken without an interrupt to another core. */
  NoIpi: 1,
  /** Woken with an interrupt to another core. */
  Ipi: 2,
} as const;
export type Wake = (typeof Wake)[keyof typeof Wake];
