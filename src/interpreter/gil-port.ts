import type { InterpreterName, MachineProfile } from '../os/machine-profile.js';
import type { PythonWork, PyThread } from './py-thread.js';

/** Continuation of a thread once the GIL is done with it. */
export type Next = (t: PyThread) => void;

/**
 * What the interpreter needs from the GIL of a thread's process: the calls CPython makes into
 * its GIL (PyEval_RestoreThread, PyEval_SaveThread) and the running of Python code under it.
 * Every GIL policy provides it (src/policies); the interpreter knows no policy.
 */
export interface GilPort {
  /** Whose interpreter speed applies. */
  readonly interpreter: InterpreterName;
  /** Factor on the interpreter's cost per iteration (free-threaded builds are slower). */
  readonly speedFactor: number;
  /**
   * Whether a signal interrupts a lock acquire (`join`) so that the main thread can run the
   * handler: not in 2.7 (sem_wait is retried on EINTR), yes from 3.2 on (acquire_timed).
   */
  readonly interruptibleWaits: boolean;
  /** Whether there is a GIL to release and take (for the narration: not in a free-threaded build, nor in a Python 2 process that never started a thread). */
  readonly exists: boolean;
  /**
   * What an iteration of `work` costs, ns, when its work alone costs `baseNs` (a loop on a shared
   * object may cost more); absent: just its work.
   */
  iterationNs?(work: PythonWork, baseNs: number): number;
  /** `take_gil` (PyEval_RestoreThread): `next` runs once `t` holds the GIL. */
  takeGil(t: PyThread, next: Next): void;
  /** `drop_gil` (PyEval_SaveThread) before blocking I/O or at the end: `next` runs once it is released. */
  dropGil(t: PyThread, next: Next): void;
  /** Runs the holder's loop (`t.work`) to its end, checks included; then the thread goes on with its program. */
  runPython(t: PyThread, entry?: 'loop' | 'afterCheck'): void;
  /** A C call that held the GIL (no check point inside) returned: a check may be due; then the thread goes on with its program. */
  cCallReturned(t: PyThread): void;
}

/** Nanoseconds per tick of a thread's current loop under a GIL's interpreter, on the profile's machine. */
export function tickCost(profile: MachineProfile, gil: Pick<GilPort, 'interpreter' | 'speedFactor' | 'iterationNs'>, work: PythonWork): number {
  const kind = work.kind;
  const perIteration = profile.interpreter.nsPerIteration[kind.name]?.[gil.interpreter];
  if (perIteration === undefined) throw new Error(`the machine profile has no cost for ${kind.name} under ${gil.interpreter}`);
  const base = perIteration * gil.speedFactor;
  return (gil.iterationNs === undefined ? base : gil.iterationNs(work, base)) / work.ticksPerIteration;
}
