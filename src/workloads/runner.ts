import { Ev, type SimCore } from '../engine/core.js';
import type { Kernel } from '../os/kernel.js';
import type { MachineProfile } from '../os/machine-profile.js';
import { TaskState } from '../os/task.js';
import type { GilPolicy } from '../policies/policy.js';
import { loopKinds } from './loops.js';
import { Ins } from './program.js';
import { Activity, type SimThread } from './sim-thread.js';
import type { Connection } from './socket.js';

/** What the runner needs from the engine. */
export interface RunnerHost {
  readonly sim: SimCore;
  readonly kernel: Kernel<SimThread>;
  readonly profile: MachineProfile;
  /** The GIL of a thread's process. */
  gilOf(t: SimThread): GilPolicy;
  /** A cost from the profile with the machine's jitter applied. */
  cost(ns: number): number;
  setActivity(t: SimThread, a: Activity): void;
  /** A thread ran the last instruction of its program. */
  threadFinished(t: SimThread): void;
  /** A client finished a request that took `latencyNs`. */
  requestDone(t: SimThread, latencyNs: number): void;
}

/**
 * Executes programs: steps through a thread's instructions, runs Python loops as bursts between
 * check points (many quiet checks in one burst when nobody can interact), and performs I/O the
 * way CPython does, releasing the GIL around every blocking call (Py_BEGIN_ALLOW_THREADS) and
 * taking it back afterwards (Py_END_ALLOW_THREADS), whether or not the call blocked.
 */
export class Runner {
  constructor(
    private readonly host: RunnerHost,
    private readonly ends: Connection[],
  ) {}

  /** Starts a thread: a Python thread first takes its GIL (PyEval_AcquireThread). */
  start(t: SimThread): void {
    this.host.kernel.start(t, this.begin);
  }

  private readonly begin = (t: SimThread): void => {
    if (t.python) this.host.gilOf(t).takeGil(t, this.step);
    else this.step(t);
  };

  // ---- stepping through the program -----------------------------------------------------------

  /** Runs instructions until one takes time (a burst or a sleep); control flow takes none. */
  readonly step = (t: SimThread): void => {
    const code = t.program.code;
    for (let guard = 0; guard < 1_000_000; guard++) {
      if (t.pc >= code.length) {
        this.end(t);
        return;
      }
      const ins = code[t.pc++];
      switch (ins.code) {
        case Ins.Loop: {
          const kind = loopKinds[ins.kind];
          t.opTicksLeft = Math.round(ins.n * kind.ticksPerIteration);
          t.opTicksDone = 0;
          t.ticksPerCheckpoint = kind.ticksPerIteration / kind.checkpointsPerIteration;
          t.nsPerTick = this.nsPerTick(t);
          this.runPython(t);
          return;
        }
        case Ins.CCall:
          this.host.setActivity(t, Activity.Python);
          this.host.kernel.run(t, ins.n, this.afterCCall);
          return;
        case Ins.Work:
          this.host.setActivity(t, Activity.Work);
          this.host.kernel.run(t, ins.n, this.step);
          return;
        case Ins.Sleep:
        case Ins.Accept:
        case Ins.Connect:
        case Ins.Recv:
        case Ins.Send:
        case Ins.Close:
          this.io(t);
          return;
        case Ins.RepeatBegin:
          t.repeatLeft[ins.depth] = ins.n;
          if (ins.n === 0) t.pc = ins.jump;
          break;
        case Ins.RepeatEnd:
          if (t.repeatLeft[ins.depth] < 0 || --t.repeatLeft[ins.depth] > 0) t.pc = ins.jump + 1;
          break;
        case Ins.RequestBegin:
          t.requestStart = this.host.sim.now;
          break;
        case Ins.RequestEnd:
          t.requests++;
          this.host.requestDone(t, this.host.sim.now - t.requestStart);
          break;
      }
    }
    throw new Error(`thread ${t.name} loops without doing anything that takes time`);
  };

  private end(t: SimThread): void {
    if (t.python) this.host.gilOf(t).dropGil(t, this.exit);
    else this.exit(t);
  }

  private readonly exit = (t: SimThread): void => {
    this.host.setActivity(t, Activity.Done);
    t.finishedAt = this.host.sim.now;
    this.host.kernel.exit(t);
    this.host.threadFinished(t);
  };

  // ---- Python code ----------------------------------------------------------------------------

  /** Nanoseconds per tick of the loop in progress under the thread's current interpreter. */
  private nsPerTick(t: SimThread): number {
    const ins = t.program.code[t.pc - 1];
    const kind = loopKinds[ins.kind];
    const gil = this.host.gilOf(t);
    const perIteration = this.host.profile.interpreter.nsPerIteration[kind.name]?.[gil.interpreter];
    if (perIteration === undefined) throw new Error(`the machine profile has no cost for ${kind.name} under ${gil.interpreter}`);
    return (perIteration * gil.speedFactor) / kind.ticksPerIteration;
  }

  /** Continues the loop in progress once the thread holds the GIL (after a policy swap). */
  readonly resumePython = (t: SimThread): void => {
    this.runPython(t);
  };

  /** Runs the holder's loop up to its next check point (or its end) in one burst. */
  private runPython(t: SimThread): void {
    const gil = this.host.gilOf(t);
    if (t.opTicksLeft <= 0) {
      this.step(t);
      return;
    }
    if (gil.checkDue(t)) {
      gil.check(t, this.afterCheck);
      return;
    }
    const until = gil.ticksUntilCheck(t);
    const k = until < t.opTicksLeft ? until : t.opTicksLeft;
    const ns = k * t.nsPerTick + (k === until ? gil.checkOverheadNs() : 0) + t.carryNs;
    t.carryNs = 0;
    t.segTicks = k;
    t.segNs = ns;
    t.inSegment = true;
    this.host.kernel.run(t, Math.round(ns), this.segmentDone);
  }

  private commitTicks(t: SimThread, k: number): void {
    t.opTicksLeft -= k;
    t.opTicksDone += k;
    t.ticksDone += k;
    this.host.gilOf(t).consumeTicks(k);
  }

  private readonly segmentDone = (t: SimThread): void => {
    t.inSegment = false;
    this.commitTicks(t, t.segTicks);
    const gil = this.host.gilOf(t);
    if (gil.checkDue(t)) gil.check(t, this.afterCheck);
    else this.afterCheck(t);
  };

  /**
   * The holder is past a check and holds the GIL again. If the checks to come would touch
   * nobody (no sleeper to wake, no signal), it runs the rest of its loop as one burst of check
   * cycles. Nothing is lost: whoever looks at the GIL meanwhile (a waiter's compare-and-swap, a
   * thread back from I/O) asks `bulkWindowOpen` where the holder stands, and whatever changes
   * the picture (a waiter wins, one goes to sleep, a control action) cuts the burst there.
   *
   * Layout of a bulk of n segments: [carry: the window of the check just done]
   * [segment: period ticks + release/re-take] ([window][segment]) x (n - 1): it ends at a check.
   */
  private readonly afterCheck = (t: SimThread): void => {
    const gil = this.host.gilOf(t);
    if (t.opTicksLeft > 0) {
      const window = gil.quietWindowNs(t);
      const period = gil.checkPeriodTicks();
      let n = Math.floor(t.opTicksLeft / period);
      const segment = period * t.nsPerTick + gil.checkOverheadNs();
      if (window > 0) {
        // Somebody waits: it will look at the GIL soon and, if it loses, sleep and need waking;
        // a bulk would be cut right away, so plan only as far as the next event.
        const room = this.host.sim.horizon() - this.host.sim.now - 1 - t.carryNs + window;
        n = Math.min(n, Math.floor(room / (segment + window)));
      }
      if (window >= 0 && n >= 2 && gil.ticksUntilCheck(t) === period) {
        t.bulkCycles = n;
        t.bulkCarryNs = t.carryNs;
        t.bulkSegmentNs = segment;
        t.bulkWindowNs = window;
        t.carryNs = 0;
        t.segNs = t.bulkCarryNs + n * t.bulkSegmentNs + (n - 1) * window;
        this.host.kernel.run(t, Math.round(t.segNs), this.bulkDone);
        return;
      }
    }
    this.runPython(t);
  };

  /** The bulk ran to its end, which is a check point: count its quiet checks, then do that check. */
  private readonly bulkDone = (t: SimThread): void => {
    const gil = this.host.gilOf(t);
    const n = t.bulkCycles;
    this.commitBulk(t, n - 1, n - 1);
    this.commitTicks(t, gil.checkPeriodTicks()); // the last segment, up to the check
    if (gil.checkDue(t)) gil.check(t, this.afterCheck);
    else this.afterCheck(t);
  };

  /** Counts `segments` whole segments of a bulk and the `checks` quiet checks between them. */
  private commitBulk(t: SimThread, segments: number, checks: number): void {
    const gil = this.host.gilOf(t);
    const ticks = segments * gil.checkPeriodTicks();
    t.bulkCycles = 0;
    t.opTicksLeft -= ticks;
    t.opTicksDone += ticks;
    t.ticksDone += ticks;
    this.host.sim.counters.ticks += ticks;
    if (checks > 0) gil.commitQuietChecks(t, checks, t.bulkWindowNs > 0);
  }

  /** CPU done so far in the thread's current burst. */
  private burstProgress(t: SimThread): number {
    const remaining = t.state === TaskState.Running ? t.burstLeft - this.host.kernel.burstDone(t) : t.burstLeft;
    return Math.max(0, Math.round(t.segNs) - remaining);
  }

  /**
   * Where a bulk holder stands: returns -1 inside a check's window (the semaphore is 1: another
   * thread's compare-and-swap would win), else how far it is into its current segment, ns. The
   * index of that segment is left in `t.bulkAt`.
   */
  private bulkPosition(t: SimThread): number {
    const p = this.burstProgress(t);
    if (p < t.bulkCarryNs) {
      t.bulkAt = -1;
      return -1;
    }
    const cycle = t.bulkSegmentNs + t.bulkWindowNs;
    const q = p - t.bulkCarryNs;
    const j = Math.min(t.bulkCycles - 1, Math.floor(q / cycle));
    const r = q - j * cycle;
    t.bulkAt = j;
    return r < t.bulkSegmentNs ? r : -1;
  }

  /**
   * Ticks of Python work a thread has done since the start of its current burst of Python work
   * (for a bulk, since its last check), for screens that show the ticker counting down.
   */
  ticksIntoBurst(t: SimThread): number {
    if (t.bulkCycles > 0) {
      const r = this.bulkPosition(t);
      return r < 0 ? 0 : Math.min(this.host.gilOf(t).checkPeriodTicks(), Math.floor(r / t.nsPerTick));
    }
    if (!t.inSegment) return 0;
    return Math.min(t.segTicks, Math.floor(this.burstProgress(t) / t.nsPerTick));
  }

  /**
   * For how long a bulk holder will certainly stay inside its current segment (the GIL held, no
   * check): -1 inside a window; Infinity while it is off its core (it moves only once back on,
   * which is an event).
   */
  bulkQuietFor(t: SimThread): number {
    if (t.bulkCycles === 0) return 0;
    const r = this.bulkPosition(t);
    if (r < 0) return -1;
    return t.state === TaskState.Running ? t.bulkSegmentNs - r : Infinity;
  }

  /** Whether a thread running a bulk of quiet checks is inside a check's window right now. */
  bulkWindowOpen(t: SimThread): boolean {
    return t.bulkCycles > 0 && this.bulkPosition(t) < 0;
  }

  /**
   * Ends a bulk where the holder stands. Inside a check's window: the burst ends with the window
   * and then `onWindowEnd` runs (the holder's compare-and-swap), or, without one, the rest of the
   * window is carried into a fresh segment. Inside a segment: a fresh segment to the next check.
   */
  cutBulk(t: SimThread, onWindowEnd: ((t: SimThread) => void) | null, retime = false): void {
    if (t.bulkCycles === 0) return;
    const gil = this.host.gilOf(t);
    const r = this.bulkPosition(t);
    const j = t.bulkAt;
    const cycle = t.bulkSegmentNs + t.bulkWindowNs;
    if (r < 0) {
      // In the window of check j + 1 (or of the check before the bulk, j = -1): done so far,
      // j + 1 segments and as many checks.
      const p = this.burstProgress(t);
      const windowEnd = j < 0 ? t.bulkCarryNs : t.bulkCarryNs + j * cycle + cycle;
      const left = Math.max(0, windowEnd - p);
      this.commitBulk(t, j + 1, j + 1);
      if (onWindowEnd !== null) {
        t.checkNext = this.afterCheck;
        t.inSegment = false;
        t.next = onWindowEnd;
        this.host.kernel.setBurstLeft(t, Math.round(left));
        t.segNs = left;
        return;
      }
      t.carryNs += left;
      this.replan(t, 0, retime);
      return;
    }
    // In segment j: j segments and j checks behind it, and part of this one.
    this.commitBulk(t, j, j);
    const done = Math.min(gil.checkPeriodTicks() - 1, Math.floor(r / t.nsPerTick));
    if (done > 0) this.commitTicks(t, done);
    this.replan(t, r - done * t.nsPerTick, retime);
  }

  /**
   * Starts a fresh burst of Python work from where the thread stands, `partialNs` into a tick;
   * `retime`: first look up the cost of a tick again (the interpreter may have changed).
   */
  private replan(t: SimThread, partialNs: number, retime = false): void {
    const gil = this.host.gilOf(t);
    if (retime && t.opTicksLeft > 0) t.nsPerTick = this.nsPerTick(t);
    const until = gil.ticksUntilCheck(t);
    const k = Math.max(0, until < t.opTicksLeft ? until : t.opTicksLeft);
    const ns = Math.max(0, k * t.nsPerTick - partialNs) + (k === until ? gil.checkOverheadNs() : 0) + t.carryNs;
    t.carryNs = 0;
    t.segTicks = k;
    t.segNs = ns;
    t.inSegment = true;
    t.next = this.segmentDone;
    this.host.kernel.setBurstLeft(t, Math.round(ns));
  }

  private readonly afterCCall = (t: SimThread): void => {
    const gil = this.host.gilOf(t);
    if (gil.checkDue(t)) gil.check(t, this.step);
    else this.step(t);
  };

  /**
   * Re-plans a thread's Python burst from where it stands now: called when a drop request must
   * be seen at the next check point, or when the interval or the interpreter changed under it.
   * Whole ticks done so far are committed; the burst is cut to the new next check point.
   */
  interrupt(t: SimThread): void {
    if (!t.inSegment && t.bulkCycles === 0) return;
    if (t.state !== TaskState.Running && t.state !== TaskState.Runnable) return;
    // The interpreter may have changed under it (a policy swap): the rest runs at the new speed.
    if (t.bulkCycles > 0) {
      this.cutBulk(t, null, true);
      return;
    }
    const doneNs = this.burstProgress(t);
    const done = Math.min(t.segTicks, Math.floor(doneNs / t.nsPerTick));
    if (done > 0) this.commitTicks(t, done);
    this.replan(t, Math.max(0, doneNs - done * t.nsPerTick), true);
  }

  // ---- I/O ------------------------------------------------------------------------------------

  /** Py_BEGIN_ALLOW_THREADS; the system call; Py_END_ALLOW_THREADS. */
  private io(t: SimThread): void {
    if (t.python) this.host.gilOf(t).dropGil(t, this.syscall);
    else this.syscall(t);
  }

  private readonly ioDone = (t: SimThread): void => {
    if (t.python) this.host.gilOf(t).takeGil(t, this.step);
    else this.step(t);
  };

  private readonly syscall = (t: SimThread): void => {
    const ins = t.program.code[t.pc - 1];
    const { sim, kernel, profile } = this.host;
    const s = profile.syscalls;
    const c = sim.counters.syscalls;
    this.host.setActivity(t, ins.code === Ins.Sleep ? Activity.Sleep : Activity.Io);
    switch (ins.code) {
      case Ins.Sleep:
        c.clock_nanosleep++;
        kernel.run(t, this.host.cost(s.sleepNs), (t) => kernel.blockFor(t, ins.n, this.ioDone));
        return;
      case Ins.Accept: {
        c.accept++;
        const end = t.ends.get(ins.socket)!;
        if (end.connected) kernel.run(t, this.host.cost(s.acceptNs), this.ioDone);
        else {
          end.reader = t;
          kernel.block(t, (t) => kernel.run(t, this.host.cost(s.acceptNs), this.ioDone));
        }
        return;
      }
      case Ins.Connect:
        c.connect++;
        kernel.run(t, this.host.cost(s.connectNs), this.connected);
        return;
      case Ins.Recv: {
        c.recv++;
        const end = t.ends.get(ins.socket)!;
        if (end.inbox.length > 0) kernel.run(t, this.host.cost(s.recvNs), this.received);
        else {
          end.reader = t;
          kernel.block(t, this.recvWoken);
        }
        return;
      }
      case Ins.Send:
        c.send++;
        kernel.run(t, this.host.cost(s.sendNs), this.sent);
        return;
      case Ins.Close:
        c.close++;
        kernel.run(t, this.host.cost(s.closeNs), this.closed);
        return;
    }
  };

  private readonly connected = (t: SimThread): void => {
    const end = t.ends.get(t.program.code[t.pc - 1].socket)!;
    const server = end.peer;
    server.connected = true;
    end.connected = true;
    this.wakeReader(server);
    this.ioDone(t);
  };

  private readonly recvWoken = (t: SimThread): void => {
    this.host.kernel.run(t, this.host.cost(this.host.profile.syscalls.recvNs), this.received);
  };

  private readonly received = (t: SimThread): void => {
    const ins = t.program.code[t.pc - 1];
    const bytes = t.ends.get(ins.socket)!.inbox.shift()!;
    t.lastRecv = bytes;
    if (bytes === 0) t.pc = ins.jump; // end of file: `if not data: break`
    this.ioDone(t);
  };

  private readonly sent = (t: SimThread): void => {
    const ins = t.program.code[t.pc - 1];
    this.transmit(t.ends.get(ins.socket)!, ins.n >= 0 ? ins.n : t.lastRecv);
    this.ioDone(t);
  };

  private readonly closed = (t: SimThread): void => {
    this.transmit(t.ends.get(t.program.code[t.pc - 1].socket)!, 0);
    this.ioDone(t);
  };

  private transmit(from: Connection, bytes: number): void {
    const to = from.peer;
    to.inFlight.push(bytes);
    this.host.sim.after(this.host.profile.syscalls.loopbackLatencyNs, Ev.Deliver, to.id, 0);
  }

  /** Bytes (or an end of file) arrive at a connection end. */
  onDeliver(endId: number): void {
    const end = this.ends[endId];
    end.inbox.push(end.inFlight.shift()!);
    this.wakeReader(end);
  }

  private wakeReader(end: Connection): void {
    const r = end.reader;
    if (r !== null) {
      end.reader = null;
      this.host.kernel.wake(r);
    }
  }
}
