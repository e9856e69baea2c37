/**
 * What a machine costs: the numbers the simulated kernel and interpreter charge for what they do.
 * They live in JSON files under `profiles/` (one per source machine, each value with a one-line
 * reason there), never as constants in the engine. All durations are integer nanoseconds.
 */
export interface MachineProfile {
  /** Short name, e.g. `article-vm`. */
  name: string;
  /** One sentence on which machine this describes and where its numbers come from. */
  description: string;

  /** Relative spread of every syscall, switch and wake-up cost (0.2 = each draw within ±20%). */
  jitter: number;

  /** Linux scheduler settings and costs (MODEL.md section 4). */
  scheduler: {
    /** `sched_latency` before scaling by 1 + ilog2(min(cores, 8)). */
    latencyNs: number;
    /** `sched_min_granularity` before scaling. */
    minGranularityNs: number;
    /** `sched_wakeup_granularity` before scaling: how far ahead in vruntime a running task may be before a wakee preempts it. */
    wakeupGranularityNs: number;
    /** Period of the scheduler tick (1/HZ): CFS decides slice-end preemption only on ticks. */
    tickNs: number;
    /** Direct cost of switching a core from one task to another (save, restore, cache refill). */
    contextSwitchNs: number;
    /** Time from a wake-up aimed at an idle core in a deep idle state (IPI, idle exit) until the wakee runs there. */
    idleWakeupLatencyNs: number;
    /** The same for a core that went idle less than `shallowIdleNs` ago and is still polling. */
    shallowIdleWakeupLatencyNs: number;
    /** How long an idle core stays in its shallow state (cpuidle's polling, KVM halt-polling) before going deep. */
    shallowIdleNs: number;
  };

  /** Costs of the system calls the model counts. */
  syscalls: {
    /** Entering `futex(FUTEX_WAIT)` up to the kernel's check of the futex word. */
    futexWaitEntryNs: number;
    /** Returning to user space from a futex wait (woken, timed out or EAGAIN). */
    futexWaitReturnNs: number;
    /** A `futex(FUTEX_WAKE)` that wakes a sleeper (includes the cross-core IPI it sends). */
    futexWakeNs: number;
    /** A `futex(FUTEX_WAKE)` that finds nobody asleep. */
    futexWakeEmptyNs: number;
    /** `recv` on a socket that has data. */
    recvNs: number;
    /** `send` of a small message on loopback (includes the protocol work and waking the peer). */
    sendNs: number;
    /** `accept` of a pending connection. */
    acceptNs: number;
    /** `connect` on loopback. */
    connectNs: number;
    /** `close` of a socket. */
    closeNs: number;
    /** Entering and leaving `clock_nanosleep` (the sleep itself is extra). */
    sleepNs: number;
    /** From a `send` until the bytes can be read at the other end of a loopback connection. */
    loopbackLatencyNs: number;
  };

  /** Costs inside the interpreter, per GIL policy. */
  interpreter: {
    /** Nanoseconds per iteration of each loop kind (see `src/workloads/loops.ts`), per interpreter. */
    nsPerIteration: Record<string, Partial<Record<InterpreterName, number>>>;
    /**
     * Python 2: one uncontended `PyThread_release_lock` + `PyThread_acquire_lock` (sem_post and
     * sem_wait fast paths, two atomic read-modify-writes, two `PyThreadState_Swap`). A sequential
     * Python 2 program never pays it: the GIL does not exist until a thread is started.
     */
    py2LockPairNs: number;
    /** Python 3: locking or unlocking an uncontended pthread mutex. */
    mutexNs: number;
    /** Free-threaded build: slow-down of single-thread code relative to the `py3` interpreter (0.06 = 6%). */
    freeThreadedOverhead: number;
  };
}

/** The interpreters whose speed a profile gives: each GIL policy runs on one of them. */
export type InterpreterName = 'py2' | 'py3';
