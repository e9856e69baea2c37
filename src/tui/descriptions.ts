import type { PolicyName } from '../model/index.js';

/** What to look for under each policy when a preset says nothing of its own for it. */
export const generalDescriptions: Record<PolicyName, string> = {
  py2:
    'Python 2: the holder releases and re-takes the GIL at every check (_Py_Ticker reaching 0); while a thread waits, each check costs a futex_wake, and on several cores the woken waiter usually finds the GIL taken back (woken in vain).',
  py3:
    'Python 3: a waiter sleeps one switch interval (timed wait), then sets gil_drop_request; the holder drops the GIL at its next check point and waits until the other thread has taken it (a forced switch).',
  'free-threaded':
    'Free-threaded (PEP 703): no GIL. Every thread runs Python on its own core at once, slightly slower each (the profile\'s single-thread overhead); no ticker, no timed wait, no wake-ups in vain.',
  priority:
    "Beazley's priority GIL (PyCon 2010): Python 3's GIL, but a thread forced off it is marked CPU-bound and one that lets it go for I/O is not; an I/O thread that finds a CPU-bound holder sets gil_drop_request at once instead of after a switch interval, and drop_gil wakes I/O waiters first.",
  bfs: "Nir Aides' BFS GIL (bpo-7946): each thread has a 10 ms slice and a virtual deadline 80 ms ahead when the slice is refilled; the GIL goes to the waiter with the earliest deadline, so a thread that mostly waits for I/O (an early deadline) preempts a CPU-bound holder at its next check point.",
};

/** The parts of a preset that say what to look for. */
export interface DescribedPreset {
  policy: PolicyName;
  description: string;
  /** What to look for after the dashboard swaps to another policy. */
  descriptionFor?: Partial<Record<PolicyName, string>>;
}

/**
 * What to look for now: the preset's own sentence under its own policy; after a swap, the
 * preset's sentence for the new policy if it has one, else the general one for that policy.
 */
export function describeFor(preset: DescribedPreset, policy: PolicyName): string {
  if (policy === preset.policy) return preset.description;
  return preset.descriptionFor?.[policy] ?? generalDescriptions[policy];
}
