import { Task } from '../os/task.js';
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
} as const;
export type Activity = (typeof Activity)[keyof typeof Activity];

/** Where a thread stands in a GIL policy's code, so that a policy swap can carry it over. */
export const GilPhase = {
  /** Not in GIL code. */
  None: 0,
  /** Taking the GIL (after I/O, at start, or re-taking after a check). */
  Take: 1,
  /** Dropping the GIL before I/O or at the end. */
  Drop: 2,
  /** In a Python 2 check or a Python 3 forced drop, still counted as the holder. */
  Check: 3,
} as const;
export type GilPhase = (typeof GilPhase)[keyof typeof GilPhase];

/** A thread of the simulation: an OS task plus the program it runs and its GIL bookkeeping. */
export class SimThread extends Task {
  /** Whether it runs Python (needs a GIL) or is an outside actor (client process). */
  readonly python: boolean;
  /** Name of the OS process it belongs to; each Python process has its own GIL. */
  readonly process: string;
  /** Index of its process in the simulation's process table. */
  processIndex = 0;
  /** The process's main thread: the only one that runs pending calls (signal handlers). */
  readonly isMain: boolean;
  /** A daemon thread does not keep the simulation alive (the article's endless fib thread). */
  readonly daemon: boolean;
  /** Start delay, ns. */
  readonly startNs: number;
  /** What it runs. */
  readonly program: CompiledProgram;

  /** Index of the next instruction. */
  pc = 0;
  /** Iterations left in each enclosing `repeat`, by depth. */
  readonly repeatLeft: number[];
  /** What it is doing (see `Activity`). */
  activity: Activity = Activity.Python;

  // -- the Python loop in progress ---------------------------------------------------------
  /** Ticks left in the current loop (iterations × ticks per iteration). */
  opTicksLeft = 0;
  /** Ticks done in the current loop. */
  opTicksDone = 0;
  /** Ticks of Python work done over the whole run (the work asked, once the thread is done). */
  ticksDone = 0;
  /** Nanoseconds of CPU per tick of the current loop under the current interpreter. */
  nsPerTick = 0;
  /** Ticks between two Python 3 check points in the current loop. */
  ticksPerCheckpoint = 1;
  /** Ticks the current burst of Python work will complete (0 when not in a segment). */
  segTicks = 0;
  /** Length of the current segment burst, ns. */
  segNs = 0;
  /** Whether the current burst is a plain, interruptible segment of Python work. */
  inSegment = false;
  /** Segments of Python work in the current bulk burst (0: not in a bulk), see `Runner.afterCheck`. */
  bulkCycles = 0;
  /** Bulk layout: the window of the check done just before it, ns. */
  bulkCarryNs = 0;
  /** Bulk layout: one segment (a check period of ticks plus the release and re-take), ns. */
  bulkSegmentNs = 0;
  /** Bulk layout: one check's window (the futex_wake during which the semaphore is 1), ns. */
  bulkWindowNs = 0;
  /** Index of the segment the bulk holder was last found in (-1: the first window). */
  bulkAt = 0;
  /** CPU owed by a check that completed at once (its syscall could not be observed): added to the next burst. */
  carryNs = 0;

  // -- GIL bookkeeping -----------------------------------------------------------------------
  /** Where it is in the policy's code. */
  gilPhase: GilPhase = GilPhase.None;
  /** Continuation once the GIL is taken. */
  takeNext: ((t: SimThread) => void) | null = null;
  /** Continuation once the GIL is dropped. */
  dropNext: ((t: SimThread) => void) | null = null;
  /** Continuation once a check is over and the thread holds the GIL again. */
  checkNext: ((t: SimThread) => void) | null = null;
  /** Python 2: woken from `futex_wait` (so a failed compare-and-swap is a spurious wake-up). */
  woken = false;
  /** Python 3: a `cond_signal` chose this waiter. */
  signaled = false;
  /** Python 3: `switch_number` when this waiter started its timed wait. */
  savedSwitch = 0;
  /** Python 3: when the current timed wait runs out, ns. */
  deadline = 0;
  /** When it started waiting for the GIL (NaN when not waiting). */
  waitSince = NaN;
  /** When it took the GIL (NaN when not holding). */
  heldSince = NaN;
  /** Time spent holding the GIL, ns. */
  gilHeldNs = 0;
  /** Time spent waiting for the GIL, ns. */
  gilWaitNs = 0;
  /** Times it took the GIL. */
  acquisitions = 0;

  // -- I/O -----------------------------------------------------------------------------------
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

  constructor(
    id: number,
    name: string,
    opts: { python: boolean; process: string; isMain: boolean; daemon: boolean; startNs: number; program: CompiledProgram },
  ) {
    super(id, name);
    this.python = opts.python;
    this.process = opts.process;
    this.isMain = opts.isMain;
    this.daemon = opts.daemon;
    this.startNs = opts.startNs;
    this.program = opts.program;
    this.repeatLeft = new Array<number>(opts.program.maxDepth).fill(0);
  }
}
