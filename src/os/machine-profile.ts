import { z } from 'zod';

/*
 * What a machine costs: the numbers the simulated kernel and interpreter charge for what they do.
 * They live in JSON files under `profiles/` (one per source machine, each value with its reason
 * there), never as constants in the model. Declared once, here: the shape and bounds of every
 * value, from which come the file schema (each value with its `why`), the schema of the plain
 * numbers a recorded session carries, and the `MachineProfile` type. All durations are integer
 * nanoseconds unless the name says otherwise.
 */

/** Bounds of a profile's numbers. */
export const profileLimits = {
  /** Any cost or latency, ns: up to a second. */
  ns: { min: 0, max: 1e9 },
  /** The scheduler tick, ns: 10 us to 1 s (Linux runs 100 to 1000 Hz). */
  tickNs: { min: 10_000, max: 1e9 },
  /** One interpreter loop iteration, ns. */
  iterationNs: { min: 0.01, max: 1e6 },
  jitter: { min: 0, max: 0.9 },
  freeThreadedOverhead: { min: 0, max: 10 },
  /** A socket buffer, bytes: 1 byte to 1 GiB. */
  bufferBytes: { min: 1, max: 2 ** 30 },
} as const;

/** A whole number of nanoseconds within `profileLimits.ns` (or other bounds). */
export const nsNumber = (min: number = profileLimits.ns.min, max: number = profileLimits.ns.max) =>
  z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max} ns`).int('must be a whole number of nanoseconds');
/** Nanoseconds per loop iteration. */
export const iterationNs = () =>
  z.number().min(profileLimits.iterationNs.min, `must be at least ${profileLimits.iterationNs.min} ns`).max(profileLimits.iterationNs.max, `must be at most ${profileLimits.iterationNs.max} ns`);
const jitter = z.number().min(profileLimits.jitter.min, 'must be at least 0').max(profileLimits.jitter.max, 'must be at most 0.9');
const overhead = z.number().min(profileLimits.freeThreadedOverhead.min, 'must be at least 0').max(profileLimits.freeThreadedOverhead.max, 'must be at most 10');
const ns = nsNumber();
const bufferBytes = z
  .number()
  .min(profileLimits.bufferBytes.min, 'must be at least 1 byte')
  .max(profileLimits.bufferBytes.max, `must be at most ${profileLimits.bufferBytes.max} bytes`)
  .int('must be a whole number of bytes');
/** Python 2 ticks per loop iteration: a positive count, possibly an average (fib: 5.5 per call). */
const ticksPerIteration = z.number().positive('must be positive').max(1000, 'must be at most 1000');

/** Linux scheduler settings and costs (MODEL.md section 4). */
const scheduler = {
  /** `sched_latency` before scaling by 1 + ilog2(min(cores, 8)). */
  latencyNs: ns,
  /** `sched_min_granularity` before scaling. */
  minGranularityNs: ns,
  /** `sched_wakeup_granularity` before scaling: how far ahead in vruntime a running task may be before a wakee preempts it. */
  wakeupGranularityNs: ns,
  /** Period of the scheduler tick (1/HZ): CFS decides slice-end preemption only on ticks. */
  tickNs: nsNumber(profileLimits.tickNs.min, profileLimits.tickNs.max),
  /** Direct cost of switching a core from one task to another (save, restore, cache refill). */
  contextSwitchNs: ns,
  /** Time from a wake-up aimed at an idle core in a deep idle state (IPI, idle exit) until the wakee runs there. */
  idleWakeupLatencyNs: ns,
  /** The same for a core that went idle less than `shallowIdleNs` ago (halted, but in a shallow state). */
  shallowIdleWakeupLatencyNs: ns,
  /**
   * An idle core polls for work (guest haltpoll, the idle loop's polling) from `idlePollStartNs`
   * after it went idle until `idlePollEndNs`, then halts. A task woken onto it while it polls
   * needs no interrupt (no IPI, no VM exit): the waker pays `futexWakePollingNs` instead of
   * `futexWakeNs`. Before and while it polls, the wakee runs after `pollingWakeupLatencyNs`.
   */
  idlePollStartNs: ns,
  idlePollEndNs: ns,
  pollingWakeupLatencyNs: ns,
  /** How long an idle core stays in its shallow state (cpuidle's polling, KVM halt-polling) before going deep. */
  shallowIdleNs: ns,
};

/** Costs of the system calls the model counts. */
const syscalls = {
  /** Entering `futex(FUTEX_WAIT)` up to the kernel's check of the futex word. */
  futexWaitEntryNs: ns,
  /** Returning to user space from a futex wait (woken, timed out or EAGAIN). */
  futexWaitReturnNs: ns,
  /** A `futex(FUTEX_WAKE)` that wakes a sleeper on another core, which needs an interrupt (an IPI, in a VM a VM exit). */
  futexWakeNs: ns,
  /** A `futex(FUTEX_WAKE)` that wakes a sleeper without an interrupt: onto a core that polls, or onto the waker's own core. */
  futexWakePollingNs: ns,
  /** A `futex(FUTEX_WAKE)` that finds nobody asleep. */
  futexWakeEmptyNs: ns,
  /** `recv` on a socket that has data. */
  recvNs: ns,
  /** `send` of a small message on loopback (includes the protocol work and waking the peer). */
  sendNs: ns,
  /** `accept` of a pending connection. */
  acceptNs: ns,
  /** `connect` on loopback. */
  connectNs: ns,
  /** `close` of a socket. */
  closeNs: ns,
  /** Entering and leaving `clock_nanosleep` (the sleep itself is extra). */
  sleepNs: ns,
  /** From a `send` until the bytes can be read at the other end of a loopback connection. */
  loopbackLatencyNs: ns,
  /**
   * A timed wait's slack (`prctl(PR_SET_TIMERSLACK)`, 50 us by default): the kernel lets a timer
   * fire up to this late so that timers can share interrupts; with nothing else due it fires at
   * the end of the slack. Every timed wait (a Python 3 waiter's, `time.sleep`) wakes this late.
   */
  timerSlackNs: ns,
};

/** What the hardware does between cores. */
const memory = {
  /**
   * Moving a cache line from one core to another (a core writes or reads a word another core
   * wrote last). The Python 2 GIL's semaphore word moves at every hand-over of the lock.
   */
  cacheLineTransferNs: ns,
};

/**
 * How much a loopback TCP connection holds that its reader has not read (the model's sockets are
 * loopback TCP: src/interpreter/socket.ts). A writer whose bytes fill both buffers blocks in `send`
 * until the reader's `recv` makes room.
 */
const sockets = {
  /** The writer's send buffer (SO_SNDBUF): on loopback Linux auto-tunes it to tcp_wmem's maximum at once. */
  sendBufferBytes: bufferBytes,
  /** The reader's receive buffer (SO_RCVBUF: tcp_rmem's default; it grows only as the reader reads). */
  receiveBufferBytes: bufferBytes,
};

/** Costs inside the interpreter that are plain numbers. */
const interpreter = {
  /**
   * Python 2: one uncontended `PyThread_release_lock` + `PyThread_acquire_lock` (sem_post and
   * sem_wait fast paths, two atomic read-modify-writes, two `PyThreadState_Swap`). A sequential
   * Python 2 program never pays it: the GIL does not exist until a thread is started.
   */
  py2LockPairNs: ns,
  /** Python 3: locking or unlocking an uncontended pthread mutex. */
  mutexNs: ns,
  /** Free-threaded build: slow-down of single-thread code relative to the `py3` interpreter (0.06 = 6%). */
  freeThreadedOverhead: overhead,
};

/** The interpreters whose speed a profile gives: each GIL policy runs on one of them. */
export const interpreterNames = ['py2', 'py3'] as const;
export type InterpreterName = (typeof interpreterNames)[number];

/** A value in a profile file: the number and the one-line reason it has that value. */
function reasoned<T extends z.ZodType<number, number>>(value: T) {
  return z.strictObject({ value, why: z.string().min(1, 'every value needs a one-line reason') });
}
function reasonedShape<S extends Record<string, z.ZodType<number, number>>>(shape: S): { [K in keyof S]: ReturnType<typeof reasoned<S[K]>> } {
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, reasoned(v)])) as { [K in keyof S]: ReturnType<typeof reasoned<S[K]>> };
}

/** How the texts and the loop-kind keys of a profile are checked (the configuration makes texts printable and keys known loop kinds). */
export interface ProfileTextRules {
  text(max: number): z.ZodString;
  loopKind: z.ZodType<string, string>;
}

const plainRules: ProfileTextRules = { text: (max) => z.string().max(max), loopKind: z.string() };

/**
 * The two schemas of a machine profile, built from the one declaration above: `numbers`, the
 * profile as the model uses it (what a recorded session carries), and `file`, the JSON shape of
 * `profiles/*.json`, where every number comes with the reason it has that value.
 */
export function profileSchemas(rules: ProfileTextRules = plainRules) {
  const numbers = z.strictObject({
    /** Short name, e.g. `article-vm`. */
    name: rules.text(64).min(1, 'must not be empty'),
    /** One sentence on which machine this describes and where its numbers come from. */
    description: rules.text(2000),
    /** Relative spread of every syscall, switch and wake-up cost (0.2 = each draw within ±20%). */
    jitter,
    scheduler: z.strictObject(scheduler),
    syscalls: z.strictObject(syscalls),
    memory: z.strictObject(memory),
    /** Absent in sessions recorded before the buffers were bounded: they ran, and replay, unbounded. */
    sockets: z.strictObject(sockets).optional(),
    interpreter: z.strictObject({
      /** Nanoseconds per iteration of each loop kind (see `src/interpreter/loops.ts`), per interpreter. */
      nsPerIteration: z.record(rules.loopKind, z.strictObject({ py2: iterationNs().optional(), py3: iterationNs().optional() })),
      /** Python 2 ticks per iteration of each loop kind: how the interpreter was built decides them (see loops.ts). */
      py2TicksPerIteration: z.record(rules.loopKind, ticksPerIteration),
      ...interpreter,
    }),
  });
  const file = z.strictObject({
    $schema: z.string().max(4096).optional(),
    name: rules.text(64).min(1, 'must not be empty'),
    description: rules.text(2000).min(1, 'must not be empty'),
    jitter: reasoned(jitter),
    scheduler: z.strictObject(reasonedShape(scheduler)),
    syscalls: z.strictObject(reasonedShape(syscalls)),
    memory: z.strictObject(reasonedShape(memory)),
    sockets: z.strictObject(reasonedShape(sockets)),
    interpreter: z.strictObject({
      nsPerIteration: z.record(rules.loopKind, z.strictObject({ py2: reasoned(iterationNs()).optional(), py3: reasoned(iterationNs()).optional() })),
      py2TicksPerIteration: z.record(rules.loopKind, reasoned(ticksPerIteration)),
      ...reasonedShape(interpreter),
    }),
  });
  return { numbers, file };
}

const schemas = profileSchemas();
/** The machine profile as the model uses it: plain numbers. */
export type MachineProfile = z.infer<typeof schemas.numbers>;
/** A profile file as parsed: every value with its reason. */
export type ProfileFile = z.infer<typeof schemas.file>;

/** The numbers the model uses, from a parsed profile file: its reasons (and `$schema`) left out. */
export function profileFromFile(f: ProfileFile): MachineProfile {
  const strip = (x: unknown): unknown => {
    if (x === null || typeof x !== 'object') return x;
    if ('value' in x && 'why' in x) return x.value;
    return Object.fromEntries(Object.entries(x).filter(([k]) => k !== '$schema').map(([k, v]) => [k, strip(v)]));
  };
  return schemas.numbers.parse(strip(f));
}
