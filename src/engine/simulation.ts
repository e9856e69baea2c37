import { Kernel } from '../os/kernel.js';
import type { MachineProfile } from '../os/machine-profile.js';
import { TaskState } from '../os/task.js';
import { createPolicy } from '../policies/create-policy.js';
import type { GilPolicy, PolicyHost, PolicyName } from '../policies/policy.js';
import { compileProgram, Ins, socketRoles, usToNs } from '../workloads/program.js';
import { Runner, type RunnerHost } from '../workloads/runner.js';
import { Activity, GilPhase, SimThread } from '../workloads/sim-thread.js';
import { Connection } from '../workloads/socket.js';
import { Ev, SimCore } from './core.js';
import { copyCounters, createCounters } from './counters.js';
import { LatencyRecorder } from './latency.js';
import { ThreadView, TraceBuffer, threadViewNames } from './trace.js';
import type { ControlAction, SimConfig, Snapshot, ThreadSpec } from './types.js';

/** Who a thread is, for screens and files: fixed for the whole run. */
export interface ThreadInfo {
  readonly id: number;
  readonly name: string;
  readonly process: string;
  /** Whether it runs Python (an outside actor does not). */
  readonly python: boolean;
  readonly daemon: boolean;
}

/** A Python process: its threads share one GIL. */
interface Process {
  name: string;
  gil: GilPolicy;
  threads: SimThread[];
}

/**
 * The simulation: a machine (cores, kernel), Python processes with their GILs, threads running
 * programs, and outside actors. It answers `step`, `runUntil`, `apply` and `snapshot`, and is
 * pure: no clock, no timers, no I/O; all randomness comes from the seed.
 */
export class Simulation implements PolicyHost, RunnerHost {
  readonly sim: SimCore;
  readonly kernel: Kernel<SimThread>;
  readonly profile: MachineProfile;
  readonly threads: SimThread[] = [];
  private readonly processes: Process[] = [];
  private readonly runner: Runner;
  private readonly ends: Connection[] = [];
  private readonly latencies = new Map<SimThread, LatencyRecorder>();
  private readonly firstRequestAt = new Map<SimThread, number>();
  private readonly lastRequestAt = new Map<SimThread, number>();
  private readonly lastView: Uint8Array;
  private policyName: PolicyName;
  private checkInterval: number;
  private switchIntervalNs: number;
  private alive = 0;
  /** Instant the last non-daemon thread or actor finished (NaN while running). */
  finishedAt = NaN;
  /** State changes of every thread, when tracing is on. */
  trace: TraceBuffer | null = null;

  constructor(readonly config: SimConfig) {
    this.profile = config.profile;
    this.sim = new SimCore(createCounters(), config.seed, config.profile.jitter);
    this.kernel = new Kernel<SimThread>(this.sim, config.profile, this.threads, config.cores, (t) => this.observe(t));
    this.policyName = config.policy;
    this.checkInterval = config.checkInterval;
    this.switchIntervalNs = config.switchIntervalNs;
    this.runner = new Runner(this, this.ends);

    const specs: [ThreadSpec, boolean][] = [...config.threads.map((s): [ThreadSpec, boolean] => [s, true]), ...config.actors.map((s): [ThreadSpec, boolean] => [s, false])];
    for (const [spec, python] of specs) {
      const process = spec.process ?? (python ? 'main' : spec.name);
      const t = new SimThread(this.threads.length, spec.name, {
        python,
        process,
        isMain: spec.main ?? false,
        daemon: spec.daemon ?? false,
        startNs: usToNs(spec.startUs ?? 0),
        program: compileProgram(spec.program),
      });
      this.threads.push(t);
      if (!t.daemon) this.alive++;
    }
    // One GIL per Python process, created once its threads are known: Python 2 has no GIL at all
    // in a process that never started a thread.
    const byProcess = new Map<string, SimThread[]>();
    for (const t of this.threads) if (t.python) byProcess.set(t.process, [...(byProcess.get(t.process) ?? []), t]);
    for (const [name, threads] of byProcess) {
      const threaded = threads.length > 1 || !threads[0].isMain;
      const gil = createPolicy(config.policy, this, { holder: null, threaded, checkInterval: config.checkInterval, switchIntervalNs: config.switchIntervalNs });
      for (const t of threads) t.processIndex = this.processes.length;
      this.processes.push({ name, gil, threads });
    }
    this.lastView = new Uint8Array(this.threads.length).fill(ThreadView.New);
    this.connect(specs.map(([s]) => s));
    for (const t of this.threads) {
      if (t.startNs > 0) this.sim.after(t.startNs, Ev.Start, t.id, 0);
      else this.runner.start(t);
    }
  }

  /** Pairs each socket's acceptor with its connector. */
  private connect(specs: ThreadSpec[]): void {
    const sockets = new Map<string, { server?: SimThread; client?: SimThread }>();
    specs.forEach((spec, i) => {
      const roles = socketRoles(spec.program);
      for (const s of roles.accepts) sockets.set(s, { ...sockets.get(s), server: this.threads[i] });
      for (const s of roles.connects) sockets.set(s, { ...sockets.get(s), client: this.threads[i] });
    });
    for (const [name, { server, client }] of sockets) {
      if (server === undefined || client === undefined) throw new Error(`socket "${name}" needs one thread that accepts and one that connects`);
      const a = new Connection(this.ends.length, name, 'server');
      this.ends.push(a);
      const b = new Connection(this.ends.length, name, 'client');
      this.ends.push(b);
      a.peer = b;
      b.peer = a;
      server.ends.set(name, a);
      client.ends.set(name, b);
    }
  }

  // ---- running ------------------------------------------------------------------------------

  /** Whether every non-daemon thread and actor has finished. */
  get finished(): boolean {
    return this.alive === 0;
  }

  /** Simulated time, ns. */
  get now(): number {
    return this.sim.now;
  }

  /** Events processed so far. */
  get events(): number {
    return this.sim.events;
  }

  /** Instant of the next pending event (Infinity when none). */
  nextEventTime(): number {
    return this.sim.queue.peekTime();
  }

  /** The seed every random choice of the run comes from. */
  get seed(): string {
    return this.config.seed;
  }

  /** Every thread and actor, by id. */
  get threadInfo(): readonly ThreadInfo[] {
    return this.threads;
  }

  /** Number of core slots (online or not) a core id can index. */
  get coreSlots(): number {
    return this.kernel.cores.length;
  }

  /** Id of the thread on core `i`, -1 when it is idle or offline. */
  threadOnCore(i: number): number {
    const c = this.kernel.cores[i];
    return c !== undefined && c.online && c.curr !== null ? c.curr.id : -1;
  }

  /** Processes one event; returns false when there is nothing left to do. */
  step(): boolean {
    if (this.alive === 0) return false;
    const q = this.sim.queue;
    if (!q.pop()) return false;
    this.dispatch(q.poppedTime, q.poppedKind, q.poppedTarget, q.poppedToken);
    return true;
  }

  /**
   * Processes every event up to and including `time` (or until the run finishes, or
   * `maxEvents` were processed), then sets the clock to `time` if it got there.
   * Returns the number of events processed.
   */
  runUntil(time: number, maxEvents = Infinity): number {
    const sim = this.sim;
    const q = sim.queue;
    let n = 0;
    while (this.alive > 0 && n < maxEvents && q.size > 0 && q.peekTime() <= time) {
      q.pop();
      this.dispatch(q.poppedTime, q.poppedKind, q.poppedTarget, q.poppedToken);
      n++;
    }
    // The clock moves to `time` only if no event at or before it is left (maxEvents can stop early).
    if (this.alive > 0 && time !== Infinity && time > sim.now && q.peekTime() > time) sim.now = time;
    return n;
  }

  /** Runs until every non-daemon thread and actor has finished (or `maxEvents`). */
  runToEnd(maxEvents = Infinity): void {
    this.runUntil(Infinity, maxEvents);
  }

  private dispatch(time: number, kind: number, target: number, token: number): void {
    this.sim.now = time;
    this.sim.events++;
    switch (kind) {
      case Ev.BurstEnd:
        this.kernel.onBurstEnd(target, token);
        break;
      case Ev.SliceEnd:
        this.kernel.onSliceEnd(target, token);
        break;
      case Ev.Timer:
        this.kernel.onTimer(target, token);
        break;
      case Ev.Deliver:
        this.runner.onDeliver(target);
        break;
      case Ev.Start:
        this.runner.start(this.threads[target]);
        break;
    }
  }

  // ---- control ------------------------------------------------------------------------------

  /** Applies a control action at the current instant, leaving a consistent state. */
  apply(action: ControlAction): void {
    // Whatever changes, the work done so far is counted under the old state (a bulk of quiet
    // checks is cut where it stands); changes that move the next check re-plan again below.
    for (const proc of this.processes) this.replanPython(proc);
    switch (action.type) {
      case 'policy':
        if (action.policy === this.policyName) return;
        this.policyName = action.policy;
        for (const proc of this.processes) this.swapPolicy(proc, action.policy);
        return;
      case 'checkInterval':
        this.checkInterval = action.ticks;
        for (const proc of this.processes) {
          proc.gil.setCheckInterval(action.ticks);
          this.replanPython(proc); // the ticker restarted: the next check moved
        }
        return;
      case 'switchInterval':
        this.switchIntervalNs = action.ns;
        for (const proc of this.processes) proc.gil.setSwitchInterval(action.ns);
        return;
      case 'cores':
        this.kernel.setCoreCount(action.cores);
        return;
      case 'signal':
        for (const proc of this.processes) {
          proc.gil.addPendingCall();
          this.replanPython(proc); // the ticker went to 0: check at the next tick
        }
        return;
    }
  }

  /** Re-plans the Python bursts of a process's threads after a change of interval or interpreter. */
  private replanPython(proc: Process): void {
    for (const t of proc.threads) this.runner.interrupt(t);
  }

  /**
   * Swaps a process's GIL for another policy at this instant: the holder keeps the GIL, every
   * thread inside the old policy's code re-enters the new one (waiters wait again, a dropper
   * goes on to its I/O), and threads running Python re-plan their bursts.
   */
  private swapPolicy(proc: Process, name: PolicyName): void {
    const old = proc.gil;
    const state = old.state();
    const gil = createPolicy(name, this, state);
    proc.gil = gil;
    const holder = state.holder;
    for (const t of proc.threads) {
      if (t.state === TaskState.Done || t.state === TaskState.New) continue;
      const phase = t.gilPhase;
      t.woken = false;
      t.signaled = false;
      if (phase === GilPhase.None) {
        if (holder === null && old.name === 'free-threaded' && name !== 'free-threaded' && t.activity === Activity.Python && (t.inSegment || t.bulkCycles > 0)) {
          // Without a GIL every thread ran Python at once; now each must take the GIL first.
          this.runner.interrupt(t);
          t.inSegment = false;
          this.kernel.redirect(t, (t) => gil.takeGil(t, this.runner.resumePython));
        } else {
          this.runner.interrupt(t);
        }
        continue;
      }
      t.gilPhase = GilPhase.None;
      if (t === holder) {
        const next = t.checkNext ?? t.takeNext!;
        t.checkNext = t.takeNext = null;
        this.setActivity(t, Activity.Python);
        this.kernel.redirect(t, next);
      } else if (phase === GilPhase.Drop) {
        const next = t.dropNext!;
        t.dropNext = null;
        this.kernel.redirect(t, next);
      } else {
        const next = t.checkNext ?? t.takeNext!;
        t.checkNext = t.takeNext = t.dropNext = null;
        this.kernel.redirect(t, (t) => gil.takeGil(t, next));
      }
    }
  }

  // ---- hosts for policies and the runner ------------------------------------------------------

  cost(ns: number): number {
    return this.sim.cost(ns);
  }

  gilOf(t: SimThread): GilPolicy {
    return this.processes[t.processIndex].gil;
  }

  interrupt(t: SimThread): void {
    this.runner.interrupt(t);
  }

  ticksIntoBurst(t: SimThread): number {
    return this.runner.ticksIntoBurst(t);
  }

  bulkQuietFor(t: SimThread): number {
    return this.runner.bulkQuietFor(t);
  }

  bulkWindowOpen(t: SimThread): boolean {
    return this.runner.bulkWindowOpen(t);
  }

  cutBulk(t: SimThread, onWindowEnd: ((t: SimThread) => void) | null): void {
    this.runner.cutBulk(t, onWindowEnd);
  }

  setActivity(t: SimThread, a: Activity): void {
    t.activity = a;
    this.observe(t);
  }

  markSpurious(t: SimThread): void {
    if (this.trace !== null) this.trace.push(this.sim.now, t.id, ThreadView.Vain);
  }

  gilTaken(t: SimThread, previousHolder: SimThread | null): void {
    const now = this.sim.now;
    const c = this.sim.counters;
    c.gilAcquisitions++;
    t.acquisitions++;
    if (previousHolder !== t) c.gilSwitches++;
    if (!Number.isNaN(t.waitSince)) {
      t.gilWaitNs += now - t.waitSince;
      t.waitSince = NaN;
    }
    if (Number.isNaN(t.heldSince)) t.heldSince = now;
  }

  gilReleased(t: SimThread): void {
    if (!Number.isNaN(t.heldSince)) {
      t.gilHeldNs += this.sim.now - t.heldSince;
      t.heldSince = NaN;
    }
  }

  threadFinished(t: SimThread): void {
    if (!t.daemon && --this.alive === 0) this.finishedAt = this.sim.now;
  }

  requestDone(t: SimThread, latencyNs: number): void {
    let rec = this.latencies.get(t);
    if (rec === undefined) {
      rec = new LatencyRecorder();
      this.latencies.set(t, rec);
      this.firstRequestAt.set(t, this.sim.now - latencyNs);
    }
    rec.record(latencyNs);
    this.lastRequestAt.set(t, this.sim.now);
  }

  /** Time from the start of a client's first request to the end of its last, ns (0 before any). */
  clientSpanNs(name: string): number {
    const t = this.threads.find((x) => x.name === name);
    if (t === undefined || !this.firstRequestAt.has(t)) return 0;
    return this.lastRequestAt.get(t)! - this.firstRequestAt.get(t)!;
  }

  /** Records a thread's view on the trace when it changes (nothing to do when tracing is off). */
  private observe(t: SimThread): void {
    if (this.trace === null) return;
    const v = this.viewOf(t);
    if (v === this.lastView[t.id]) return;
    this.lastView[t.id] = v;
    this.trace.push(this.sim.now, t.id, v);
  }

  private viewOf(t: SimThread): ThreadView {
    switch (t.state) {
      case TaskState.New:
        return ThreadView.New;
      case TaskState.Done:
        return ThreadView.Done;
      case TaskState.Runnable:
        return ThreadView.Ready;
      case TaskState.Blocked:
        return t.activity === Activity.GilWait || t.activity === Activity.GilDrop ? ThreadView.Wait : ThreadView.Io;
      default:
        switch (t.activity) {
          case Activity.GilWait:
          case Activity.GilDrop:
            return ThreadView.Spin;
          case Activity.Io:
          case Activity.Sleep:
            return ThreadView.Sys;
          case Activity.Done:
            return ThreadView.Done;
          default:
            return ThreadView.Run;
        }
    }
  }

  // ---- reading ------------------------------------------------------------------------------

  /** Turns tracing on (a ring of `capacity` state changes) and records every thread's view now. */
  enableTrace(capacity = 1 << 18): TraceBuffer {
    if (this.trace === null) {
      this.trace = new TraceBuffer(capacity);
      for (const t of this.threads) {
        this.lastView[t.id] = this.viewOf(t);
        this.trace.push(this.sim.now, t.id, this.lastView[t.id] as ThreadView);
      }
    }
    return this.trace;
  }

  /** The current policy. */
  get policy(): PolicyName {
    return this.policyName;
  }

  /** A copy of everything the screen and the recorder read. Cheap enough for 60 calls a second. */
  snapshot(): Snapshot {
    const now = this.sim.now;
    const holders = new Set<SimThread>();
    for (const p of this.processes) {
      const h = p.gil.holder();
      if (h !== null) holders.add(h);
    }
    return {
      now,
      events: this.sim.events,
      finished: this.finished,
      policy: this.policyName,
      checkInterval: this.checkInterval,
      switchIntervalNs: this.switchIntervalNs,
      cores: this.kernel.cores
        .filter((c) => c.online)
        .map((c) => ({
          id: c.id,
          thread: c.curr === null ? -1 : c.curr.id,
          busyNs: c.busyNs + (c.curr !== null && now > c.curr.runFrom ? now - c.curr.runFrom : 0),
        })),
      threads: this.threads.map((t) => {
        const running = t.state === TaskState.Running;
        const unaccounted = running && now > t.runFrom ? now - t.runFrom : 0;
        return {
          id: t.id,
          name: t.name,
          process: t.process,
          python: t.python,
          daemon: t.daemon,
          view: threadViewNames[this.viewOf(t)],
          core: running ? t.core : -1,
          holdsGil: holders.has(t),
          cpuNs: t.cpuNs + unaccounted,
          gilHeldNs: t.gilHeldNs + (Number.isNaN(t.heldSince) ? 0 : now - t.heldSince),
          gilWaitNs: t.gilWaitNs + (Number.isNaN(t.waitSince) ? 0 : now - t.waitSince),
          runnableNs: t.runnableNs + (t.state === TaskState.Runnable ? now - t.runnableSince : 0),
          acquisitions: t.acquisitions,
          voluntarySwitches: t.voluntarySwitches,
          involuntarySwitches: t.involuntarySwitches,
          requests: t.requests,
          finishedAt: Number.isNaN(t.finishedAt) ? null : t.finishedAt,
        };
      }),
      processes: this.processes.map((p) => ({ name: p.name, gil: p.gil.view() })),
      counters: copyCounters(this.sim.counters),
      clients: this.threads
        .filter((t) => !t.python && (this.latencies.has(t) || t.program.code.some((i) => i.code === Ins.RequestBegin)))
        .map((t) => {
          const rec = this.latencies.get(t);
          const has = rec !== undefined && rec.count > 0;
          return {
            name: t.name,
            requests: has ? rec.count : 0,
            p50Ns: has ? rec.quantile(0.5) : null,
            p99Ns: has ? rec.quantile(0.99) : null,
            maxNs: has ? rec.max : null,
            meanNs: has ? rec.sum / rec.count : null,
            lastNs: has ? rec.last : null,
          };
        }),
    };
  }
}
