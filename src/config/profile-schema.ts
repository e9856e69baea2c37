import { z } from 'zod';
import { loopKinds, type MachineProfile } from '../model/index.js';
import { printable } from './preset-schema.js';

/** A cost in a profile file: its value and the one-line reason for it. */
const reasoned = (value: z.ZodNumber) =>
  z.strictObject({
    value,
    why: z.string().min(1, 'every value needs a one-line reason'),
  });

/** Bounds of a profile's numbers, shared with the profile a session file carries. */
export const profileLimits = {
  /** Any cost or latency, ns: up to a second. */
  ns: { min: 0, max: 1e9 },
  /** The scheduler tick, ns: 10 us to 1 s (Linux runs 100 to 1000 Hz). */
  tickNs: { min: 10_000, max: 1e9 },
  /** One interpreter loop iteration, ns. */
  iterationNs: { min: 0.01, max: 1e6 },
  jitter: { min: 0, max: 0.9 },
  freeThreadedOverhead: { min: 0, max: 10 },
} as const;

/** A whole number of nanoseconds within `limits.ns` (or other bounds). */
export const nsNumber = (min: number = profileLimits.ns.min, max: number = profileLimits.ns.max) =>
  z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max} ns`).int('must be a whole number of nanoseconds');
/** Nanoseconds per loop iteration. */
export const iterationNs = () =>
  z.number().min(profileLimits.iterationNs.min, `must be at least ${profileLimits.iterationNs.min} ns`).max(profileLimits.iterationNs.max, `must be at most ${profileLimits.iterationNs.max} ns`);
/** A loop kind the interpreter knows, looked up without walking prototypes. */
export const loopKindName = z.string().refine((k) => Object.hasOwn(loopKinds, k), { message: `must be a loop kind: ${Object.keys(loopKinds).join(', ')}` });

const ns = reasoned(nsNumber());
const positiveNs = reasoned(iterationNs());

/** The JSON shape of `profiles/*.json`: every number comes with the reason it has that value. */
export const profileFileSchema = z.strictObject({
  $schema: z.string().max(4096).optional(),
  name: printable(64).min(1, 'must not be empty'),
  description: printable(2000).min(1, 'must not be empty'),
  jitter: reasoned(z.number().min(profileLimits.jitter.min, 'must be at least 0').max(profileLimits.jitter.max, 'must be at most 0.9')),
  scheduler: z.strictObject({
    latencyNs: ns,
    minGranularityNs: ns,
    wakeupGranularityNs: ns,
    tickNs: reasoned(nsNumber(profileLimits.tickNs.min, profileLimits.tickNs.max)),
    contextSwitchNs: ns,
    idleWakeupLatencyNs: ns,
    shallowIdleWakeupLatencyNs: ns,
    shallowIdleNs: ns,
  }),
  syscalls: z.strictObject({
    futexWaitEntryNs: ns,
    futexWaitReturnNs: ns,
    futexWakeNs: ns,
    futexWakeEmptyNs: ns,
    recvNs: ns,
    sendNs: ns,
    acceptNs: ns,
    connectNs: ns,
    closeNs: ns,
    sleepNs: ns,
    loopbackLatencyNs: ns,
  }),
  interpreter: z.strictObject({
    nsPerIteration: z.record(loopKindName, z.strictObject({ py2: positiveNs.optional(), py3: positiveNs.optional() })),
    py2LockPairNs: ns,
    mutexNs: ns,
    freeThreadedOverhead: reasoned(z.number().min(profileLimits.freeThreadedOverhead.min, 'must be at least 0').max(profileLimits.freeThreadedOverhead.max, 'must be at most 10')),
  }),
});

export type ProfileFile = z.infer<typeof profileFileSchema>;

/** Strips the reasons: the numbers the engine uses. */
export function profileFromFile(f: ProfileFile): MachineProfile {
  const values = <K extends string>(o: Record<K, { value: number }>) =>
    Object.fromEntries(Object.entries<{ value: number }>(o).map(([k, v]) => [k, v.value])) as Record<K, number>;
  const perIteration: MachineProfile['interpreter']['nsPerIteration'] = {};
  for (const [kind, v] of Object.entries(f.interpreter.nsPerIteration)) {
    perIteration[kind] = {};
    if (v.py2 !== undefined) perIteration[kind].py2 = v.py2.value;
    if (v.py3 !== undefined) perIteration[kind].py3 = v.py3.value;
  }
  return {
    name: f.name,
    description: f.description,
    jitter: f.jitter.value,
    scheduler: values(f.scheduler),
    syscalls: values(f.syscalls),
    interpreter: {
      nsPerIteration: perIteration,
      py2LockPairNs: f.interpreter.py2LockPairNs.value,
      mutexNs: f.interpreter.mutexNs.value,
      freeThreadedOverhead: f.interpreter.freeThreadedOverhead.value,
    },
  };
}
