import { z } from 'zod';
import type { MachineProfile } from '../model/index.js';

/** A cost in a profile file: its value and the one-line reason for it. */
const reasoned = (value: z.ZodNumber) =>
  z.strictObject({
    value,
    why: z.string().min(1, 'every value needs a one-line reason'),
  });

const ns = reasoned(z.number().int('must be a whole number of nanoseconds').nonnegative());
const positiveNs = reasoned(z.number().positive());

/** The JSON shape of `profiles/*.json`: every number comes with the reason it has that value. */
export const profileFileSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1),
  description: z.string().min(1),
  jitter: reasoned(z.number().min(0).max(0.9)),
  scheduler: z.strictObject({
    latencyNs: ns,
    minGranularityNs: ns,
    wakeupGranularityNs: ns,
    tickNs: reasoned(z.number().int().positive()),
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
    nsPerIteration: z.record(z.string(), z.strictObject({ py2: positiveNs.optional(), py3: positiveNs.optional() })),
    py2LockPairNs: ns,
    mutexNs: ns,
    freeThreadedOverhead: reasoned(z.number().min(0).max(10)),
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
