/** What the scheduler knows a task (an OS thread) to be doing. */
export const TaskState = {
  /** On a core (possibly still in the switch-in or wake-up latency before it makes progress). */
  Running: 0,
  /** Wants a core, queued on a run queue. */
  Runnable: 1,
  /** Asleep: on a futex, in a blocking syscall, in a timed wait. */
  Blocked: 2,
  /** Not started yet (a thread with a start delay). */
  New: 3,
  /** Finished. */
  Done: 4,
} as const;
export type TaskState = (typeof TaskState)[keyof typeof TaskState];

/** What to do when a burst of CPU work ends, or when a blocked task gets a core again. */
export type Continuation<T extends Task = Task> = (task: T) => void;

/**
 * An OS thread as the simulated kernel sees it: scheduler state and CPU accounting, nothing
 * else. The kernel is the only writer of these fields. What runs on a task is decided by the
 * continuations its owner (the interpreter, a GIL policy) hands the kernel.
 */
export class Task {
  /** Index in the simulation's task table; stable for the whole run. */
  readonly id: number;
  /** Name shown to the user (`t1`, `echo-server`, `client`). */
  readonly name: string;
  /** Scheduler state. */
  state: TaskState = TaskState.New;
  /** Core the task runs on, or last ran on (for wake-up placement). */
  core = 0;
  /** CFS virtual runtime, ns (all tasks have nice 0, so it advances with CPU time). */
  vruntime = 0;
  /** When it joined its run queue, as that queue counts arrivals (equal vruntimes: first come, first run). */
  queuedSeq = 0;

  /** Work left in the current burst, ns of CPU. */
  burstLeft = 0;
  /** Instant from which the current burst makes progress (after any switch-in latency). */
  burstFrom = 0;
  /** What to run when the burst ends (or, while blocked, once woken and back on a core). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- set by the kernel's typed API only
  next: Continuation<any> | null = null;
  /** Event-queue key of its burst end (-1 until first used); pending exactly while a burst runs. */
  burstKey = -1;
  /** Event-queue key of its timer (-1 until first used); pending exactly while a timed block lasts. */
  timerKey = -1;
  /** Set when the last timed block ended by its timeout rather than by a wake-up. */
  timedOut = false;

  /** Instant from which this stint on a core makes progress (dispatch + latency). */
  runFrom = 0;
  /** CPU time consumed, ns. */
  cpuNs = 0;
  /** Time runnable but waiting for a core, ns. */
  runnableNs = 0;
  /** Instant the task last became runnable (to account `runnableNs`). */
  runnableSince = 0;
  /** Context switches out of this task because it blocked. */
  voluntarySwitches = 0;
  /** Context switches out of this task because it was preempted. */
  involuntarySwitches = 0;

  constructor(id: number, name: string) {
    this.id = id;
    this.name = name;
  }
}
