import { Task } from '../os/task.js';
import { countdown, type LoopKind } from './loops.js';
import type { CompiledProgram } from './program.js';
import type { Connection } from './socket.js';

/** What a thread is doing, as far as the GIL and I/O are concerned (the kernel knows the rest). */
export const Activity = {
  /** Running Python code (holding the GIL, under a GIL policy) or a C call. */
  Python: 0,
  /** Inside `take_gil` / `sem_wait`: asking for the GIL. */
  GilWait: 1,
  /** Inside `drop_gil`, or in the release-and-retake of a Python 2 check. */
  GilDrop: 2,
  /** In a system call for I/O (`recv`, `send`, `accept`, ...). */
  Io: 3,
  /** In `time.sleep`. */
  Sleep: 4,
  /** An outside actor's own work (no GIL). */
  Work: 5,
  /** Finished. */
  Done: 6,
  /** In a C call that holds the GIL (no check point inside). */
  CCall: 7,
  /** Started, not yet in its program (a Python thread takes its GIL first). */
  Starting: 8,
} as const;
export type Activity = (typeof Activity)[keyof typeof Activity];

/**
 * The Python loop a thread is in: how much of it is left and what a tick costs under the current
 * interpreter. The runner starts a loop; the GIL policy executing it commits the ticks done.
 */
export class PythonWork {
  /** Kind of the loop in progress (its ticks per iteration and check points). */
  kind: LoopKind = countdown;
  /** Ticks left in the current loop (iterations × ticks per iteration). */
  ticksLeft = 0;
  /** Ticks done in the current loop. */
  ticksDone = 0;
  /** Ticks of Python work done over the whole run (the work asked, once the thread is done). */
  totalTicks = 0;
  /** Nanoseconds of CPU per tick of the current loop under the current interpreter. */
  nsPerTick = 0;
  /** Ticks between two Python 3 check points in the current loop. */
  ticksPerCheckpoint = 1;

  /** Ticks per iteration of the current loop (the machine's interpreter build decides them). */
  ticksPerIteration = 1;

  /** The shared object every iteration of the current loop touches ('' for none). */
  shared = '';

  /** Starts a loop of `iterations` of `kind`, `ticksPerIteration` ticks each; its tick cost is set by the policy that runs it. */
  start(kind: LoopKind, iterations: number, ticksPerIteration: number, shared = ''): void {
    this.kind = kind;
    this.shared = shared;
    this.ticksPerIteration = ticksPerIteration;
    this.ticksLeft = Math.round(iterations * ticksPerIteration);
    this.ticksDone = 0;
    this.ticksPerCheckpoint = ticksPerIteration / kind.checkpointsPerIteration;
  }

  /** Counts `k` ticks of the loop as done. */
  commit(k: number): void {
    this.ticksLeft -= k;
    this.ticksDone += k;
    this.totalTicks += k;
  }
}

/**
 * The burst of Python work a thread's core is running now, as `python-bursts.ts` planned it for
 * the GIL policy: how many ticks it completes and how long it is. Only that module writes it.
 */
export class PythonBurst {
  /** Ticks the burst completes. */
  ticks = 0;
  /** Length of the burst, ns (before rounding to the kernel's whole nanoseconds). */
  ns = 0;
  /** Whether the thread is in such a burst (a plain, interruptible stretch of Python work). */
  active = false;
}

/** A thread's dealings with the GIL, for the screens: written by `GilBook` only. */
export class GilAccount {
  /** When it started waiting for the GIL (NaN when not waiting). */
  waitSince = NaN;
  /** When it took the GIL (NaN when not holding). */
  heldSince = NaN;
  /** Time spent holding the GIL, ns (closed stints). */
  heldNs = 0;
  /** Time spent waiting for the GIL, ns (closed waits). */
  waitNs = 0;
  /** Times it took the GIL. */
  acquisitions = 0;
}

/** Who a thread is: fixed for the whole run. */
export interface ThreadIdentity {
  /** Whether it runs Python (needs a GIL) or is an outside actor (client process). */
  python: boolean;
  /** Name of the OS process it belongs to; each Python process has its own GIL. */
  process: string;
  /** The process's main thread: the only one that runs pending calls (signal handlers). */
  isMain: boolean;
  /** A daemon thread does not keep the simulation alive (the article's endless fib thread). */
  daemon: boolean;
  /** Start delay, ns. */
  startNs: number;
  /** Started by its process's main thread (`threading.Thread.start`), not at the start of the run. */
  startedByMain?: boolean;
  /** What it runs. */
  program: CompiledProgram;
}

/**
 * A thread of the simulation: an OS task plus what the interpreter keeps for it, its program
 * cursor, its Python work and its I/O. What a GIL policy keeps per thread lives in the policy.
 */
export class PyThread extends Task {
  readonly python: boolean;
  readonly process: string;
  readonly isMain: boolean;
  readonly daemon: boolean;
  readonly startNs: number;
  readonly startedByMain: boolean;
  readonly program: CompiledProgram;
  /** Index of its process in the simulation's process table. */
  processIndex = 0;

  /** Index of the next instruction. */
  pc = 0;
  /** Iterations left in each enclosing `repeat`, by depth. */
  readonly repeatLeft: number[];
  /** What it is doing (see `Activity`); set through the model's observer so that traces see it. */
  activity: Activity = Activity.Starting;

  /** The Python loop in progress. */
  readonly work = new PythonWork();
  /** The plain burst of Python work in progress. */
  readonly burst = new PythonBurst();
  /** Time held and waited for the GIL. */
  readonly gil = new GilAccount();

  /** Its end of each connection it uses, by socket name. */
  readonly ends = new Map<string, Connection>();
  /** Bytes the last `recv` returned (what an echo sends back). */
  lastRecv = 0;
  /** When the current request started. */
  requestStart = 0;
  /** Requests completed. */
  requests = 0;
  /** Instant it finished (NaN until then). */
  finishedAt = NaN;

  /** Its bootstrap ran (it took its GIL once): `threading.Thread.start` may return (`_started` is set). */
  bootstrapped = false;
  /** Its target returned: `join` may return (`_stopped`, the `_tstate_lock` released). */
  stopped = false;
  /** The thread whose start or end it waits for in a lock acquire (`start` or `join`), or null. */
  waitsFor: PyThread | null = null;
  /** What it waits for: `start` (the `_started` event) or `join`. */
  waitKind: 'start' | 'join' = 'join';
  /** Threads waiting for its start or end. */
  readonly waiters: PyThread[] = [];
  /** A signal handler raised KeyboardInterrupt in it (a main thread): its script is over. */
  interrupted = false;

  constructor(id: number, name: string, who: ThreadIdentity) {
    super(id, name);
    this.python = who.python;
    this.process = who.process;
    this.isMain = who.isMain;
    this.daemon = who.daemon;
    this.startNs = who.startNs;
    this.startedByMain = who.startedByMain ?? false;
    this.program = who.program;
    this.repeatLeft = new Array<number>(who.program.maxDepth).fill(0);
  }
}
