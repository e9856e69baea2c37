// Over 300 lines on purpose: building a run, running it, its control actions and its read-only
// answers are the model's one public face; the parts with their own state live beside it.
import { copyCounters, createCounters } from '../engine/counters.js';
import { Engine } from '../engine/engine.js';
import { Rng } from '../engine/rng.js';
import { Journal } from '../engine/journal.js';
import { ThreadView, TraceBuffer } from '../engine/trace.js';
import { compileProgram, mainProgram, socketRoles, usToNs } from '../interpreter/program.js';
import { PythonBursts } from '../interpreter/python-bursts.js';
import { Activity, PyThread } from '../interpreter/py-thread.js';
import { TaskState } from '../os/task.js';
import { Runner } from '../interpreter/runner.js';
import { Connection } from '../interpreter/socket.js';
import { Kernel } from '../os/kernel.js';
import type { MachineProfile } from '../os/machine-profile.js';
import { GilBook, type ThreadObserver } from '../policies/gil-book.js';
import type { PolicyContext, PolicyName, ProcessSettings } from '../policies/policy.js';
import { policies } from '../policies/registry.js';
import { swapPolicy } from '../policies/swap.js';
import type { ControlAction } from './control.js';
import { Clients } from './clients.js';
import { Process } from './process.js';
import { snapshotOf, viewOf } from './snapshot.js';
import type { SimConfig, Snapshot, ThreadSpec } from './types.js';

/** Who a thread is, for screens and files: fixed for the whole run. */
export interface ThreadInfo {
  readonly id: number;
  readonly name: string;
  readonly process: string;
  /** Whether it runs Python (an outside actor does not). */
  readonly python: boolean;
  readonly daemon: boolean;
}

/**
 * The simulation: a machine (cores, kernel), Python processes with their GILs, threads running
 * programs, and outside actors. It answers `step`, `runUntil`, `apply` and `snapshot`, and is
 * pure: no clock, no timers, no I/O; all randomness comes from the seed.
 */
export class Simulation {
  private readonly engine: Engine;
  private readonly kernel: Kernel<PyThread>;
  readonly profile: MachineProfile;
  private readonly threads: PyThread[] = [];
  private readonly processes: Process[] = [];
  private readonly runner: Runner;
  private readonly ctx: PolicyContext;
  private readonly clients: Clients;
  /** The last view of each thread written to the trace. */
  private readonly lastView: Uint8Array;
  /** Non-daemon threads and actors still running. */
  private alive = 0;
  /** Instant the last non-daemon thread or actor finished (NaN while running). */
  finishedAt = NaN;
  /** State changes of every thread, when tracing is on. */
  trace: TraceBuffer | null = null;

  constructor(readonly config: SimConfig) {
    this.profile = config.profile;
    this.engine = new Engine(createCounters(), new Rng(config.seed, config.profile.jitter));
    const observer: ThreadObserver = {
      changed: (t) => this.observe(t),
      vain: (t) => {
        if (this.trace !== null) this.trace.push(this.engine.now, t.id, ThreadView.Vain);
      },
    };
    this.kernel = new Kernel<PyThread>(this.engine, config.profile, this.threads, config.cores, (t) => this.observe(t));
    const book = new GilBook(this.engine, observer);
    const ends: Connection[] = [];
    this.runner = new Runner(
      {
        engine: this.engine,
        kernel: this.kernel,
        profile: this.profile,
        gilOf: (t) => this.processes[t.processIndex].gil,
        setActivity: (t, a) => book.activity(t, a),
        threadFinished: (t) => this.threadFinished(t),
        requestDone: (t, latencyNs) => this.clients.requestDone(t, this.engine.now, latencyNs),
        threadStarted: (t) => {
          if (!t.daemon) this.alive++;
        },
        handleSignal: (t) => this.handleSignal(t),
      },
      this.threads,
      ends,
    );
    this.ctx = {
      engine: this.engine,
      kernel: this.kernel,
      profile: this.profile,
      bursts: new PythonBursts(this.kernel),
      book,
      step: this.runner.step,
      resume: this.runner.resumePython,
      resumeAfterCheck: this.runner.resumeAfterCheck,
      gilOf: (t) => this.processes[t.processIndex].gil,
      runSignalHandler: (t) => this.runSignalHandler(t),
    };

    const specs: [ThreadSpec, boolean][] = [...config.threads.map((s): [ThreadSpec, boolean] => [s, true]), ...config.actors.map((s): [ThreadSpec, boolean] => [s, false])];
    // A Python process whose preset names no main thread runs the script the article runs: a
    // main thread (added after everyone else) starts its threads and joins them.
    const withMain = new Set(config.threads.filter((s) => s.main === true).map((s) => s.process ?? 'main'));
    for (const [spec, python] of specs) {
      const process = spec.process ?? (python ? 'main' : spec.name);
      const t = new PyThread(this.threads.length, spec.name, {
        python,
        process,
        isMain: spec.main ?? false,
        daemon: spec.daemon ?? false,
        startNs: usToNs(spec.startUs ?? 0),
        startedByMain: python && !withMain.has(process),
        program: compileProgram(spec.program),
      });
      this.threads.push(t);
      if (!t.daemon && !t.startedByMain) this.alive++;
    }
    const names = new Set(this.threads.map((t) => t.name));
    for (const process of new Set(this.threads.filter((t) => t.startedByMain).map((t) => t.process))) {
      let name = process === 'main' ? 'MainThread' : `${process}:MainThread`;
      while (names.has(name)) name += "'";
      names.add(name);
      const started = this.threads.filter((t) => t.startedByMain && t.process === process);
      this.threads.push(new PyThread(this.threads.length, name, { python: true, process, isMain: true, daemon: false, startNs: 0, program: mainProgram(started) }));
      this.alive++;
    }
    this.engine.halted = this.alive === 0;
    this.clients = new Clients(this.threads);
    // One GIL per Python process, created once its threads are known: Python 2 has no GIL at all
    // in a process that never started a thread.
    const byProcess = new Map<string, PyThread[]>();
    for (const t of this.threads) if (t.python) byProcess.set(t.process, [...(byProcess.get(t.process) ?? []), t]);
    for (const [name, threads] of byProcess) {
      const settings: ProcessSettings = {
        checkInterval: config.checkInterval,
        switchIntervalNs: config.switchIntervalNs,
        pendingCalls: false,
        threaded: threads.length > 1 || !threads[0].isMain,
      };
      for (const t of threads) t.processIndex = this.processes.length;
      this.processes.push(new Process(name, threads, settings, policies[config.policy](this.ctx, settings, null)));
    }
    this.lastView = new Uint8Array(this.threads.length).fill(ThreadView.New);
    this.connect(specs.map(([s]) => s), ends);
    for (const t of this.threads) if (!t.startedByMain) this.runner.launch(t);
  }

  /** Pairs each socket's acceptor with its connector. */
  private connect(specs: ThreadSpec[], ends: Connection[]): void {
    const sockets = new Map<string, { server?: PyThread; client?: PyThread }>();
    specs.forEach((spec, i) => {
      const roles = socketRoles(spec.program);
      for (const s of roles.accepts) sockets.set(s, { ...sockets.get(s), server: this.threads[i] });
      for (const s of roles.connects) sockets.set(s, { ...sockets.get(s), client: this.threads[i] });
    });
    for (const [name, { server, client }] of sockets) {
      if (server === undefined || client === undefined) throw new Error(`socket "${name}" needs one thread that accepts and one that connects`);
      const a = new Connection(ends.length, name);
      ends.push(a);
      const b = new Connection(ends.length, name);
      ends.push(b);
      a.peer = b;
      b.peer = a;
      server.ends.set(name, a);
      client.ends.set(name, b);
      a.owner = server;
      b.owner = client;
    }
  }

  // ---- running ------------------------------------------------------------------------------

  /** Whether every non-daemon thread and actor has finished. */
  get finished(): boolean {
    return this.alive === 0;
  }

  /** Simulated time, ns. */
  get now(): number {
    return this.engine.now;
  }

  /** Events processed so far. */
  get events(): number {
    return this.engine.events;
  }

  /**
   * Whether the run can never go on: it has not finished and no event is left (threads asleep
   * with nobody to wake them: a writer whose reader never reads, a reader nobody writes to).
   */
  get deadlocked(): boolean {
    return !this.finished && this.engine.queue.size === 0;
  }

  /** Whether nothing more will happen unless the user acts: the run finished or is deadlocked. */
  get over(): boolean {
    return this.finished || this.engine.queue.size === 0;
  }

  /** Instant of the last event run (with nothing left to happen, when the run stopped moving). */
  get lastEventAt(): number {
    return this.engine.lastEventAt;
  }

  /** Threads asleep on a socket and what they wait for, in words (for a deadlocked run's report). */
  socketWaits(): string[] {
    return this.runner.socketWaits();
  }

  /** Instant of the next pending event (Infinity when none). */
  nextEventTime(): number {
    return this.engine.queue.peekTime();
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

  /**
   * Whether mechanisms may run stretches of events themselves (the Python 2 battle fold): on by
   * default; the results are the same either way, event for event (tests run both).
   */
  get fastPaths(): boolean {
    return this.engine.fastPaths;
  }

  set fastPaths(on: boolean) {
    this.engine.fastPaths = on;
  }

  /** Events a fast path ran itself, of `events`. */
  get foldedEvents(): number {
    return this.engine.folded;
  }

  /** Processes one event; returns false when there is nothing left to do. */
  step(): boolean {
    return this.engine.step();
  }

  /**
   * Processes every event up to and including `time` (or until the run finishes, or
   * `maxEvents` were processed), then sets the clock to `time` if it got there.
   * Returns the number of events processed.
   */
  runUntil(time: number, maxEvents = Infinity): number {
    return this.engine.runUntil(time, maxEvents);
  }

  /** Runs until every non-daemon thread and actor has finished (or `maxEvents`). */
  runToEnd(maxEvents = Infinity): void {
    this.engine.runUntil(Infinity, maxEvents);
  }

  /** Main thread `t` runs the pending signal's handler (the default SIGINT handler raises KeyboardInterrupt). */
  private runSignalHandler(t: PyThread): void {
    this.processes[t.processIndex].settings.pendingCalls = false;
    this.runner.keyboardInterrupt(t);
  }

  /** `t` is back in Python holding the GIL: a main thread runs a pending signal's handler. */
  private handleSignal(t: PyThread): void {
    if (t.isMain && this.processes[t.processIndex].settings.pendingCalls) this.runSignalHandler(t);
  }

  private threadFinished(t: PyThread): void {
    if (!t.daemon && --this.alive === 0) {
      this.finishedAt = this.engine.now;
      this.engine.halted = true;
    }
  }

  // ---- control ------------------------------------------------------------------------------

  /** The current policy. */
  get policy(): PolicyName {
    return this.processes[0].gil.name;
  }

  /** Applies a control action at the current instant, leaving a consistent state. */
  apply(action: ControlAction): void {
    if (this.engine.journal !== null) this.engine.say(-1, `control: ${JSON.stringify(action).replace(/[{}"]/g, '').replace(/,/g, ', ')}`);
    // Whatever changes, the work done so far is counted under the old state (a bulk of quiet
    // checks is cut where it stands); changes that move the next check re-plan again below.
    for (const proc of this.processes) this.settle(proc);
    switch (action.type) {
      case 'policy':
        if (action.policy === this.policy) return;
        for (const proc of this.processes) proc.gil = swapPolicy(this.ctx, proc.gil, action.policy, proc.settings, proc.threads);
        return;
      case 'checkInterval':
        for (const proc of this.processes) {
          proc.settings.checkInterval = action.ticks;
          proc.gil.changed('checkInterval');
          this.settle(proc); // the ticker restarted: the next check moved
        }
        return;
      case 'switchInterval':
        for (const proc of this.processes) {
          proc.settings.switchIntervalNs = action.ns;
          proc.gil.changed('switchInterval');
        }
        return;
      case 'cores':
        this.kernel.setCoreCount(action.cores);
        for (const proc of this.processes) proc.gil.changed('cores');
        return;
      case 'signal':
        // SIGINT: the C handler marks the signal and adds a pending call (Py_AddPendingCall);
        // only the main thread runs the Python handler.
        for (const proc of this.processes) {
          proc.settings.pendingCalls = true;
          proc.gil.changed('signal');
          this.settle(proc); // the ticker went to 0: check at the next tick
          if (proc.main !== null) this.runner.threading.interrupt(proc.main, proc.gil.interruptibleWaits);
        }
        return;
    }
  }

  /** Re-plans the Python bursts of a process's threads from where they stand. */
  private settle(proc: Process): void {
    for (const t of proc.threads) proc.gil.settle(t);
  }

  // ---- reading ------------------------------------------------------------------------------

  /** Records a thread's view on the trace when it changes (nothing to do when tracing is off). */
  private observe(t: PyThread): void {
    if (this.trace !== null) this.record(t, this.trace);
  }

  /** Puts `t`'s view on the trace if it changed since its last entry. */
  private record(t: PyThread, trace: TraceBuffer): void {
    const v = viewOf(t);
    if (v === this.lastView[t.id]) return;
    this.lastView[t.id] = v;
    trace.push(this.engine.now, t.id, v);
  }

  /** Turns tracing on (a ring of `capacity` state changes) and records every thread's view now. */
  enableTrace(capacity = 1 << 18): TraceBuffer {
    if (this.trace === null) {
      this.trace = new TraceBuffer(capacity);
      for (const t of this.threads) {
        this.lastView[t.id] = viewOf(t);
        this.trace.push(this.engine.now, t.id, this.lastView[t.id] as ThreadView);
      }
    }
    return this.trace;
  }

  /**
   * Turns the narration on (a ring of the last `capacity` sentences, each with its instant and
   * thread) and returns it; later calls return the same ring.
   */
  enableJournal(capacity = 4096): Journal {
    this.engine.journal ??= new Journal(capacity);
    return this.engine.journal;
  }

  /** Time from the start of a client's first request to the end of its last, ns (0 before any). */
  clientSpanNs(name: string): number {
    return this.clients.spanNs(name);
  }

  /**
   * What must hold at every instant of a run, checked (for tests and fuzzing): each running task
   * on its own core and each core's task on it, and, under a GIL, at most one thread of a process
   * running Python. Returns what does not hold, or null.
   */
  invariantViolation(): string | null {
    const now = this.engine.now;
    for (const t of this.threads) {
      if (t.state === TaskState.Running && this.kernel.cores[t.core].curr !== t) return `${t.name} runs on core ${t.core}, which runs something else`;
    }
    for (const c of this.kernel.cores) if (c.curr !== null && c.curr.core !== c.id) return `core ${c.id} runs ${c.curr.name}, which is on core ${c.curr.core}`;
    for (const p of this.processes) {
      if (p.gil.name === 'free-threaded') continue;
      const inPython = p.threads.filter((t) => t.state === TaskState.Running && t.runFrom < now && (t.activity === Activity.Python || t.activity === Activity.CCall));
      if (inPython.length > 1) return `${inPython.map((t) => t.name).join(' and ')} run Python at once under ${p.gil.name}`;
    }
    return null;
  }

  /** Ticks of Python work each thread has done so far, by id (the work asked, once it is done). */
  pythonTicksDone(): number[] {
    return this.threads.map((t) => t.work.totalTicks);
  }

  /** A copy of everything the screen and the recorder read. Cheap enough for 60 calls a second. */
  snapshot(): Snapshot {
    const first = this.processes[0];
    return snapshotOf({
      now: this.engine.now,
      events: this.engine.events,
      finished: this.finished,
      policy: this.policy,
      settings: first.settings,
      cores: this.kernel.cores,
      threads: this.threads,
      processes: this.processes,
      counters: copyCounters(this.engine.counters),
      clients: this.clients,
    });
  }
}

