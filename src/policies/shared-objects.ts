/*
 * Objects that free-threaded threads share (PEP 703's per-object critical sections)
 * ===============================================================================
 *
 * Without a GIL, CPython 3.13t protects a list, a dict or a set by a lock in the object itself
 * (`ob_mutex`, taken by `Py_BEGIN_CRITICAL_SECTION` around `list.append`, a dict store ...), and
 * counts references to an object another thread owns with atomic operations on its shared
 * reference count (`ob_ref_shared`, biased reference counting). Both live in the object's header:
 * a thread that touches an object another core touched last must first bring its cache line over
 * (`memory.cacheLineTransferNs`), inside the critical section, so two threads hammering one
 * object take turns, each turn at least one line transfer long.
 *
 * A loop whose every iteration touches the shared object `work.shared` (a counter's `+= 1`, a
 * dict store, a list append: each one critical section on one object) costs, per iteration, with
 * `c` threads of the process in such loops on that object at once (at most one per core):
 * - `c` is 1: its work alone (the line stays in its core's cache; the uncontended lock and the
 *   owner's biased reference count are in the build's single-thread overhead);
 * - `c` is 2 or more: every touch finds the line on another core. The critical sections queue
 *   behind each other: an iteration takes its work plus one transfer, or its share of the
 *   object's turns (`c` transfers), whichever is longer.
 * A fluid model: the turns are averaged, not simulated one by one (millions of critical sections
 * a second would be millions of events). Not modelled: PyMutex parking a waiter after it has
 * spun (here a waiter spins its turn away on its core), more than one line per touch (a list's
 * item array, a dict's entries), a thread descheduled while it holds the lock, false sharing of
 * private data, stop-the-world pauses (the cyclic GC, `sys.settrace`), QSBR's delayed frees and
 * mimalloc's per-thread heaps.
 */
import type { PythonWork, PyThread } from '../interpreter/py-thread.js';
import type { Kernel } from '../os/kernel.js';
import type { MachineProfile } from '../os/machine-profile.js';

export class SharedObjects {
  /** Threads in a loop on each shared object now, by the object's name, in the order they came. */
  private readonly touchers = new Map<string, PyThread[]>();

  constructor(
    private readonly kernel: Kernel<PyThread>,
    private readonly profile: MachineProfile,
    /** Re-plans a thread's burst at the new cost (its share of the object changed). */
    private readonly replan: (t: PyThread) => void,
  ) {}

  /**
   * `t` runs a loop on its object (from its start, or again after a swap): the others' share
   * changes. Returns whether `t` was not counted yet (its own cost changes too).
   */
  join(t: PyThread): boolean {
    const name = t.work.shared;
    if (name === '' || t.work.ticksLeft <= 0) return false;
    const list = this.touchers.get(name) ?? [];
    if (list.includes(t)) return false;
    list.push(t);
    this.touchers.set(name, list);
    for (const u of list) if (u !== t) this.replan(u);
    return true;
  }

  /** `t`'s loop on its object ended. */
  leave(t: PyThread): void {
    const list = this.touchers.get(t.work.shared);
    const i = list?.indexOf(t) ?? -1;
    if (list === undefined || i < 0) return;
    list.splice(i, 1);
    for (const u of list) this.replan(u);
  }

  /** Threads touching `name` at once: those in a loop on it, at most one per online core. */
  private contenders(name: string): number {
    // A thread whose loop was abandoned (KeyboardInterrupt) or that ended is no longer one.
    let n = 0;
    for (const t of this.touchers.get(name) ?? []) if (t.work.shared === name && t.work.ticksLeft > 0) n++;
    return Math.min(n, this.kernel.onlineCores);
  }

  /** The cores changed: every thread on a shared object is re-planned at its new share. */
  replanAll(): void {
    for (const list of this.touchers.values()) for (const t of list) this.replan(t);
  }

  /** The object most threads touch at once now (the first named on a tie), how many, and how often each gets a turn on it; null when none does. */
  busiest(): { object: string; threads: number; turnNs: number } | null {
    let best: { object: string; threads: number; turnNs: number } | null = null;
    for (const name of this.touchers.keys()) {
      const c = this.contenders(name);
      if (c > 0 && (best === null || c > best.threads)) best = { object: name, threads: c, turnNs: this.turnNs(c) };
    }
    return best;
  }

  /** What an iteration of `work` costs, ns, when its work alone costs `baseNs`. */
  iterationNs(work: PythonWork, baseNs: number): number {
    if (work.shared === '') return baseNs;
    const c = this.contenders(work.shared);
    if (c < 2) return baseNs;
    return Math.max(baseNs + this.profile.memory.cacheLineTransferNs, this.turnNs(c));
  }

  /** How often each of `c` threads touching one object at once gets its turn on it, ns: the line goes round them all (0 for one alone). */
  private turnNs(c: number): number {
    return c < 2 ? 0 : c * this.profile.memory.cacheLineTransferNs;
  }
}
