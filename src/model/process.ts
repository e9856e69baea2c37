import type { PyThread } from '../interpreter/py-thread.js';
import type { GilPolicy, ProcessSettings } from '../policies/policy.js';

/**
 * A Python process: its threads, its GIL and its settings (the intervals the user sets, the
 * pending signal). The one owner of each: the GIL reads the settings by reference, so a policy
 * swap carries nothing over and nothing can get out of step.
 */
export class Process {
  constructor(
    /** Its name in the preset (`main` unless a thread says otherwise). */
    readonly name: string,
    /** Its Python threads, in preset order. */
    readonly threads: readonly PyThread[],
    /** What it keeps whichever GIL it runs. */
    readonly settings: ProcessSettings,
    /** Its GIL; replaced when the user swaps the policy. */
    public gil: GilPolicy,
  ) {
    this.main = threads.find((t) => t.isMain) ?? null;
  }

  /** Its main thread (the one that runs signal handlers), null for a process without one. */
  readonly main: PyThread | null;
}
