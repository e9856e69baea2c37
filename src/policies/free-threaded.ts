/*
 * How a free-threaded CPython works (PEP 703, 3.13t and later)
 * ============================================================
 *
 * There is no GIL: every thread runs Python code on its own core at once, and the operating
 * system alone decides who runs. The price is paid by everybody, all the time: biased reference
 * counting, per-object locks and the thread-safe allocator make single-thread code slower
 * (PEP 703 measured 6% on Skylake and 5% on Zen 3; PEP 779 about 10%). The profile's
 * `freeThreadedOverhead` says how much on the simulated machine. Where threads share an object,
 * its per-object lock and reference count bounce its cache line between their cores
 * (shared-objects.ts).
 */
import type { PythonWork, PyThread } from '../interpreter/py-thread.js';
import { Activity } from '../interpreter/py-thread.js';
import { TaskState } from '../os/task.js';
import { PlainPython } from './plain-python.js';
import { SharedObjects } from './shared-objects.js';
import { tickCost } from '../interpreter/gil-port.js';
import { emptyView, type GilPolicy, type GilView, type Handover, type Next, type PolicyContext, type ProcessSettings, type SettingChange } from './policy.js';

export class FreeThreaded implements GilPolicy {
  readonly name = 'free-threaded' as const;
  readonly interpreter = 'py3' as const;
  readonly speedFactor: number;
  readonly interruptibleWaits = true;
  readonly exists = false;
  /** Python code runs to the end of its loop: no check point ever acts. */
  private readonly python: PlainPython;
  /** The objects the process's threads share, and who is touching each now. */
  private readonly shared: SharedObjects;

  constructor(
    private readonly ctx: PolicyContext,
    private readonly settings: ProcessSettings,
  ) {
    this.speedFactor = 1 + ctx.profile.interpreter.freeThreadedOverhead;
    this.python = new PlainPython(ctx, this, settings, { due: () => false, ticksUntil: () => Infinity, check: (t, next) => next(t), loopDone: (t) => this.shared.leave(t) });
    this.shared = new SharedObjects(ctx.kernel, ctx.profile, (t) => this.python.settle(t));
  }

  takeGil(t: PyThread, next: Next): void {
    this.ctx.book.noGil(t);
    this.ctx.book.activity(t, Activity.Python);
    next(t);
  }

  dropGil(t: PyThread, next: Next): void {
    next(t);
  }

  runPython(t: PyThread): void {
    if (this.shared.join(t)) t.work.nsPerTick = tickCost(this.ctx.profile, this, t.work);
    this.python.run(t);
  }

  iterationNs(work: PythonWork, baseNs: number): number {
    return this.shared.iterationNs(work, baseNs);
  }

  cCallReturned(t: PyThread): void {
    this.python.cCallReturned(t);
  }

  settle(t: PyThread): void {
    // After a swap to free-threading a thread in a loop on a shared object counts from now.
    this.shared.join(t);
    this.python.settle(t);
  }

  changed(what: SettingChange): void {
    // How many threads touch a shared object at once is capped by the cores.
    if (what === 'cores') this.shared.replanAll();
  }

  holder(): PyThread | null {
    return null;
  }

  /**
   * Threads running Python (or a C call, or the interpreter's C code) must take the next policy's
   * GIL before they go on: a loop goes on from where it stands, C code with what is left of it.
   */
  handover(threads: readonly PyThread[]): Handover[] {
    const { kernel } = this.ctx;
    const out: Handover[] = [];
    for (const t of threads) {
      if (t.state !== TaskState.Running && t.state !== TaskState.Runnable) continue;
      if (t.activity === Activity.Python && t.burst.active) {
        out.push({ t, at: 'running', next: this.ctx.resume });
        continue;
      }
      // A C call, or the interpreter's own C code between two operations (a new thread setting
      // `_started` after its bootstrap took the GIL): it goes on with what is left of it.
      if (t.activity !== Activity.CCall && t.activity !== Activity.Python) continue;
      const left = t.burstLeft - kernel.burstDone(t);
      const returned = t.next as Next;
      out.push({ t, at: 'running', next: (t) => kernel.run(t, left, returned) });
    }
    return out;
  }

  view(): GilView {
    const v = emptyView('free-threaded');
    v.pendingCalls = this.settings.pendingCalls;
    const b = this.shared.busiest();
    if (b !== null) v.contended = b;
    return v;
  }
}
